"""Domain names as policies and rules compare them."""

from __future__ import annotations

import re

_DOMAIN = re.compile(r"^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,62}$")


def normalise_domain(value: str) -> str:
    """Lower-case, strip a leading '@' or dot, and IDNA-encode; raise ValueError if invalid."""
    domain = value.strip().lower().lstrip("@").strip(".")
    try:
        ascii_domain = domain.encode("idna").decode("ascii")
    except UnicodeError:
        raise ValueError(f"'{value}' is not a valid domain name") from None
    if not _DOMAIN.match(ascii_domain):
        raise ValueError(f"'{value}' is not a valid domain name (e.g. example.org.uk)")
    return ascii_domain
