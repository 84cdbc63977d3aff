"""Does an outside domain imitate an internal or trusted one?

Five tricks, checked in this order for each (recipient domain, protected domain).
On the recipient's registrable domain:
- homoglyph: the same once look-alike characters are folded (northshlre, n0rthshire, Cyrillic о)
- separator: the same once dots and hyphens are dropped (north-shire.gov.uk, northshire-gov.uk), or
             the name and suffix run together under another suffix (nhs-net.co.uk, nhsnet.co.uk for nhs.net)
- edit:      one character inserted, dropped, changed or two swapped (northshre.gov.uk)
- suffix:    the same name under another public suffix (northshire.co.uk)
On the recipient's whole domain, whose registrable part belongs to someone else:
- prefix:    the protected domain in front of another one (northshire.gov.uk.attacker.com)
- suffix:    the name and the first labels of its suffix, then another ending (northshire.gov.com)
Names shorter than ``MIN_NAME_LENGTH`` only match as homoglyphs, separators or prefixes:
one edit away from a three-letter name is usually just another organisation. A domain
that merely contains the name (northshire-cars.com, northshire.zendesk.com) is not
a lookalike: local businesses and the organisation's own suppliers are named so.
"""

from __future__ import annotations

import functools

import unicodedata

from sendward.signals.domains import registrable_domain, split_domain, within

MIN_NAME_LENGTH = 5

# Characters (after Unicode compatibility folding) that render like a Latin letter.
_CONFUSABLE = str.maketrans(
    {
        "а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "у": "y", "х": "x", "і": "l", "ј": "j",
        "ѕ": "s", "ԁ": "d", "һ": "h", "ӏ": "l", "ο": "o", "α": "a", "ν": "v", "ρ": "p", "τ": "t",
        "ι": "l", "κ": "k", "0": "o", "1": "l", "i": "l", "|": "l", "3": "e", "5": "s", "$": "s",
    }
)
_SEQUENCES = (("rn", "m"), ("vv", "w"), ("cl", "d"))


@functools.lru_cache(maxsize=16384)
def skeleton(domain: str) -> str:
    """A form in which look-alike spellings of a domain coincide."""
    text = unicodedata.normalize("NFKC", _to_unicode(domain)).lower()
    text = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
    text = text.translate(_CONFUSABLE)
    for sequence, letter in _SEQUENCES:
        text = text.replace(sequence, letter)
    return text


def lookalike_kind(candidate: str, protected: str) -> str | None:
    """How ``candidate`` (a recipient's domain) imitates ``protected`` (a registrable domain), or None."""
    found = imitation(candidate, protected)
    return found[0] if found else None


@functools.lru_cache(maxsize=65536)  # the same outside domains come back draft after draft
def imitation(candidate: str, protected: str) -> tuple[str, str] | None:
    """(kind, the domain to name): the registrable part when that imitates, else the whole domain."""
    if within(candidate, [protected]):
        return None  # the domain itself or one of its real subdomains
    registrable = registrable_domain(candidate)
    kind = _registrable_kind(registrable, protected)
    if kind:
        return kind, registrable
    kind = _whole_domain_kind(candidate, protected)
    return (kind, candidate) if kind else None


def _registrable_kind(candidate: str, protected: str) -> str | None:
    if skeleton(candidate) == skeleton(protected):
        return "homoglyph"
    if _strip_separators(candidate) == _strip_separators(protected):
        return "separator"
    name, suffix = split_domain(candidate)
    protected_name, protected_suffix = split_domain(protected)
    if _joined_labels(name, protected):
        return "separator"
    if len(protected_name) < MIN_NAME_LENGTH:
        return None
    if suffix == protected_suffix and one_edit_apart(name, protected_name):
        return "edit"
    if name == protected_name and suffix != protected_suffix:
        return "suffix"
    return None


def _whole_domain_kind(candidate: str, protected: str) -> str | None:
    """The protected domain, or its name and the start of its suffix ("northshire.gov"), as labels of a longer domain."""
    labels = skeleton(candidate).split(".")
    protected_labels = skeleton(protected).split(".")
    if _contains_run(labels, protected_labels):
        return "prefix"
    _, protected_suffix = split_domain(protected)
    if "." in protected_suffix and _contains_run(labels, protected_labels[:-1]):
        return "suffix"  # northshire.gov.com for northshire.gov.uk; one-label suffixes have nothing to keep
    return None


def _joined_labels(name: str, protected: str) -> bool:
    """The protected domain's name and suffix labels run together, under any suffix: nhs-net.co.uk
    and nhsnet.co.uk for nhs.net, northshire-gov.co.uk for northshire.gov.uk (short names too:
    the joined form, longer than MIN_NAME_LENGTH, is unlikely to be another organisation's name)."""
    joined = _strip_separators(skeleton(name))
    if len(joined) <= MIN_NAME_LENGTH:
        return False  # "nhsuk" (nhs-uk.com for nhs.uk) is as likely another organisation
    labels = skeleton(protected).split(".")
    return any(joined == "".join(labels[:k]) for k in range(2, len(labels) + 1))


def _contains_run(labels: list[str], run: list[str]) -> bool:
    return any(labels[i : i + len(run)] == run for i in range(len(labels) - len(run) + 1))


def one_edit_apart(a: str, b: str) -> bool:
    """True when one insertion, deletion, substitution or adjacent swap turns a into b."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) > len(b):
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    if len(a) == len(b):
        if a[i + 1 :] == b[i + 1 :]:
            return True  # substitution
        return a[i : i + 2] == b[i : i + 2][::-1] and a[i + 2 :] == b[i + 2 :]  # swap
    return a[i:] == b[i + 1 :]  # insertion


def _strip_separators(domain: str) -> str:
    return domain.replace("-", "").replace(".", "")


def _to_unicode(domain: str) -> str:
    try:
        return domain.encode("ascii").decode("idna") if "xn--" in domain else domain
    except UnicodeError:
        return domain


class LookalikeIndex:
    """``imitation`` against many protected domains at once, without trying every pair.

    Indexes each protected registrable domain under the keys an imitation of it must share: its
    skeleton (homoglyph), its letters without separators (separator), its name with one character
    dropped, under its suffix (edit), its name (suffix), the first label of its skeleton (whole
    domain), and its labels run together (nhsnet for nhs.net: joined labels). A recipient's domain is then compared, with ``imitation`` itself, only with the protected
    domains it shares a key with, in the order the pairwise loop would take: the same answers, in time
    that does not grow with the number of protected domains. Built once per set of protected domains
    (``lookalike_index`` caches it, so once per policy version).
    """

    def __init__(self, protected: tuple[str, ...]):
        self.order = {domain: position for position, domain in enumerate(sorted(set(protected)))}
        self._keys: dict[tuple, set[str]] = {}
        for domain in self.order:
            name, suffix = split_domain(domain)
            self._add(("skeleton", skeleton(domain)), domain)
            self._add(("separators", _strip_separators(domain)), domain)
            self._add(("name", name), domain)
            for variant in _deletions(name):
                self._add(("edit", suffix, variant), domain)
            self._add(("label", skeleton(domain).split(".")[0]), domain)
            labels = skeleton(domain).split(".")
            for k in range(2, len(labels) + 1):  # its labels run together (_joined_labels)
                self._add(("joined", "".join(labels[:k])), domain)

    def _add(self, key: tuple, domain: str) -> None:
        self._keys.setdefault(key, set()).add(domain)

    def find(self, candidate: str, registrable: str | None = None) -> tuple[str, str, str] | None:
        """(kind, the domain to name, the protected domain it imitates), or None."""
        registrable = registrable or registrable_domain(candidate)
        name, suffix = split_domain(registrable)
        keys = [("skeleton", skeleton(registrable)), ("separators", _strip_separators(registrable)), ("name", name)]
        keys += [("edit", suffix, variant) for variant in _deletions(name)]
        keys += [("label", label) for label in skeleton(candidate).split(".")]
        keys.append(("joined", _strip_separators(skeleton(name))))
        candidates = set()
        for key in keys:
            candidates |= self._keys.get(key, set())
        for protected in sorted(candidates, key=self.order.__getitem__):
            found = imitation(candidate, protected)
            if found:
                return found[0], found[1], protected
        return None


def _deletions(name: str) -> set[str]:
    """The name and every string one character shorter: two names one edit apart share one of these."""
    return {name} | {name[:i] + name[i + 1 :] for i in range(len(name))}


@functools.lru_cache(maxsize=64)
def lookalike_index(protected: tuple[str, ...]) -> LookalikeIndex:
    return LookalikeIndex(protected)
