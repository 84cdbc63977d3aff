"""One benchmark case per call, in its own process: `python bench/cases.py NAME REPEATS` prints JSON."""

from __future__ import annotations

import json
import os
import resource
import statistics
import sys
import time

os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")
sys.path.insert(0, os.path.dirname(__file__))

import inputs  # noqa: E402


def timings(run, repeats: int) -> list[float]:
    run()  # warm up: imports, caches, the public suffix list
    samples = []
    for _ in range(repeats):
        started = time.perf_counter()
        run()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def summary(samples: list[float], **extra) -> dict:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {
        "median_ms": statistics.median(ordered),
        "p95_ms": p95,
        "runs": len(ordered),
        "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        **extra,
    }


def scanner_and_request():
    from sendguard.detection.limits import Deadline
    from sendguard.detection.scanner import Scanner, ScanRequest
    from sendguard.domain.draft import Draft
    from sendguard.domain.policy import Policy

    policy = Policy.model_validate({"custom_patterns": [{"name": "case ref", "pattern": r"ILS/[A-Z]{3}/\d{5}"}]})
    scanner = Scanner()
    return scanner, lambda: ScanRequest.for_draft(Draft(), policy, Deadline.unlimited())


def case_sheet_10k(repeats: int) -> dict:
    from sendguard.domain.draft import Attachment

    data, _ = inputs.sheet_10k()
    scanner, request = scanner_and_request()
    result = {}

    def run():
        result["signals"] = scanner.scan_attachment(Attachment(name="clients.xlsx", content=data, size=len(data)), request())

    samples = timings(run, repeats)
    return summary(samples, data_subjects=result["signals"].content.data_subjects, truth=10_000)


def case_sheet_10k_naive(repeats: int) -> dict:
    """The baseline: Presidio's AnalyzerEngine.analyze on every cell (blank spaCy, default recognizers)."""
    import spacy
    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.nlp_engine import SpacyNlpEngine

    class BlankEngine(SpacyNlpEngine):
        def load(self):
            self.nlp = {"en": spacy.blank("en")}

    engine = BlankEngine(models=[{"lang_code": "en", "model_name": "blank"}])
    engine.load()
    analyzer = AnalyzerEngine(nlp_engine=engine, supported_languages=["en"])
    _, table = inputs.sheet_10k()
    cells = [cell for row in table for cell in row]

    def run():
        for cell in cells:
            analyzer.analyze(cell, language="en")

    return summary(timings(run, repeats))


def case_docx_1mb(repeats: int) -> dict:
    from sendguard.domain.draft import Attachment

    data, contacts = inputs.docx_1mb()
    scanner, request = scanner_and_request()
    result = {}

    def run():
        result["signals"] = scanner.scan_attachment(Attachment(name="report.docx", content=data, size=len(data)), request())

    samples = timings(run, repeats)
    return summary(samples, bytes=len(data), data_subjects=result["signals"].content.data_subjects, truth=contacts)


CASES = {name[5:]: function for name, function in globals().items() if name.startswith("case_")}

if __name__ == "__main__":
    name, repeats = sys.argv[1], int(sys.argv[2])
    print(json.dumps(CASES[name](repeats)))
