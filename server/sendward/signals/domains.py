"""Domain names: registrable part, internal/outside, consumer webmail."""

from __future__ import annotations

import functools

import tldextract

# Consumer mail services: an address there is a private person, not an organisation.
WEBMAIL_DOMAINS = frozenset(
    """
    gmail.com googlemail.com hotmail.com hotmail.co.uk hotmail.fr outlook.com outlook.co.uk
    live.com live.co.uk msn.com yahoo.com yahoo.co.uk yahoo.fr ymail.com rocketmail.com
    icloud.com me.com mac.com aol.com aol.co.uk aim.com btinternet.com btopenworld.com
    talk21.com sky.com virginmedia.com ntlworld.com blueyonder.co.uk talktalk.net tiscali.co.uk
    plus.net plusnet.com o2.co.uk orange.net wanadoo.co.uk protonmail.com protonmail.ch proton.me
    pm.me tutanota.com tuta.io gmx.com gmx.co.uk gmx.net gmx.de web.de mail.com email.com
    zoho.com yandex.com yandex.ru mail.ru qq.com 163.com 126.com hushmail.com fastmail.com
    fastmail.fm mailbox.org hey.com
    """.split()
)

# The bundled public suffix list only: tldextract would otherwise fetch it over the network.
_EXTRACT = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None, fallback_to_snapshot=True)


@functools.lru_cache(maxsize=65536)
def split_domain(domain: str) -> tuple[str, str]:
    """('northshire', 'gov.uk') for 'mail.northshire.gov.uk'; unknown suffixes keep the last label."""
    parts = _EXTRACT(domain)
    if parts.domain and parts.suffix:
        return parts.domain, parts.suffix
    head, _, tail = domain.rpartition(".")
    return (head.rpartition(".")[2] or domain), tail


@functools.lru_cache(maxsize=65536)
def has_public_suffix(domain: str) -> bool:
    """True when the domain ends in a suffix of the public suffix list (not .invalid, .local...)."""
    parts = _EXTRACT(domain)
    return bool(parts.domain and parts.suffix)


def registrable_domain(domain: str) -> str:
    name, suffix = split_domain(domain)
    return f"{name}.{suffix}" if suffix else name


def within(domain: str, parents) -> str | None:
    """The entry of ``parents`` that ``domain`` equals or is a subdomain of."""
    for parent in parents:
        if domain == parent or domain.endswith("." + parent):
            return parent
    return None


def in_tree(domain: str, internal) -> str | None:
    """The internal domain ``domain`` belongs to: the domain itself, a subdomain of it, or a parent
    of it down to its registrable domain (a sender at dept.northshire.gov.uk and colleagues at
    northshire.gov.uk are one organisation; gov.uk is not)."""
    found = within(domain, internal)
    if found:
        return found
    for entry in internal:
        if entry.endswith("." + domain) and len(domain) >= len(registrable_domain(entry)):
            return entry
    return None


def is_webmail(domain: str, extra=()) -> bool:
    return domain in WEBMAIL_DOMAINS or domain in extra
