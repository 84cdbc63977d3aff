"""Presidio's AnalyzerEngine, built once per process and never touching the network.

Without configuration the NLP engine is a blank spaCy English pipeline (a
tokenizer, plus a tiny component that sets each token's lemma to its lower-case
text so Presidio's context words still work). Presidio would otherwise try to
download ``en_core_web_lg`` at start-up. An operator may point
``SENDWARD_SPACY_MODEL`` at an installed spaCy model directory: its NER then
adds PERSON and LOCATION results (see docs/detection.md).
"""

from __future__ import annotations

import functools
import logging

import spacy
from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
from presidio_analyzer.nlp_engine import NerModelConfiguration, SpacyNlpEngine
from presidio_analyzer.predefined_recognizers import SpacyRecognizer
from spacy.language import Language

from sendward.detection.recognizers import load_recognizers


def _silence(logger_name: str) -> None:
    """Presidio logs values it fails to validate (an IBAN check logs the text): never let them out."""
    logger = logging.getLogger(logger_name)
    logger.handlers[:] = [logging.NullHandler()]
    logger.propagate = False
    logger.setLevel(logging.CRITICAL + 1)


_silence("presidio-analyzer")


@Language.component("sendward_lower_lemma")
def _lower_lemma(doc):
    for token in doc:
        token.lemma_ = token.lower_
    return doc


class OfflineSpacyEngine(SpacyNlpEngine):
    """Loads a blank pipeline, or a model from a path: never downloads one."""

    def __init__(self, model_path: str | None = None):
        self.model_path = model_path
        mapping = {"PERSON": "PERSON", "PER": "PERSON", "GPE": "LOCATION", "LOC": "LOCATION", "FAC": "LOCATION"}
        super().__init__(
            models=[{"lang_code": "en", "model_name": model_path or "blank"}],
            ner_model_configuration=NerModelConfiguration(model_to_presidio_entity_mapping=mapping),
        )

    def load(self) -> None:
        if self.model_path:
            nlp = spacy.load(self.model_path)
        else:
            nlp = spacy.blank("en")
            nlp.add_pipe("sendward_lower_lemma")
        nlp.max_length = 2_000_000
        self.nlp = {"en": nlp}

    @property
    def has_ner(self) -> bool:
        return "ner" in self.nlp["en"].pipe_names


@functools.lru_cache(maxsize=4)
def build_analyzer(model_path: str | None = None) -> AnalyzerEngine:
    nlp_engine = OfflineSpacyEngine(model_path)
    nlp_engine.load()
    registry = RecognizerRegistry(supported_languages=["en"])
    for recognizer in load_recognizers():
        registry.add_recognizer(recognizer)
    if nlp_engine.has_ner:
        registry.add_recognizer(SpacyRecognizer(supported_entities=["PERSON", "LOCATION"]))
    return AnalyzerEngine(nlp_engine=nlp_engine, registry=registry, supported_languages=["en"])
