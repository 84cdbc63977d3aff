"""Safe XML parsing for the parts we read ourselves: no DTDs, no entities (billion laughs)."""

from __future__ import annotations

import io
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring, iterparse

from sendward.detection.limits import Unscannable


def parse(data: bytes, what: str):
    try:
        return fromstring(data, forbid_dtd=True)
    except (ParseError, DefusedXmlException, ValueError) as error:
        raise Unscannable("corrupt", f"{what} is not valid XML ({type(error).__name__})") from None


def iterate(data: bytes, what: str, events=("end",)):
    try:
        yield from iterparse(io.BytesIO(data), events=events, forbid_dtd=True)
    except (ParseError, DefusedXmlException, ValueError) as error:
        raise Unscannable("corrupt", f"{what} is not valid XML ({type(error).__name__})") from None


def local(tag: str) -> str:
    """'{namespace}row' -> 'row'."""
    return tag.rpartition("}")[2]


def text_of(element) -> str:
    return "".join(element.itertext())
