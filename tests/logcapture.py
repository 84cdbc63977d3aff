"""A fixture capturing every log record as `sendward serve` writes it (JSON lines)."""

from __future__ import annotations

import io
import json
import logging

import pytest

from sendward.entrypoints.logs import configure_logging


class JsonLog:
    def __init__(self, stream: io.StringIO):
        self.stream = stream

    def text(self) -> str:
        return self.stream.getvalue()

    def lines(self) -> list[dict]:
        return [json.loads(line) for line in self.text().splitlines()]

    __call__ = lines


@pytest.fixture
def json_log():
    stream = io.StringIO()
    root = logging.getLogger()
    saved = (list(root.handlers), root.level)
    configure_logging("json", "DEBUG", stream=stream)
    yield JsonLog(stream)
    for handler in list(root.handlers):
        root.removeHandler(handler)
    for handler in saved[0]:
        root.addHandler(handler)
    root.setLevel(saved[1])
