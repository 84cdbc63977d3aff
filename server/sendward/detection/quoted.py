"""The header blocks of earlier messages quoted or forwarded in a body: not this message's disclosure.

A reply or forward carries the ``From:/Sent:/To:/Cc:/Subject:`` blocks of the
messages before it (Outlook, Gmail, Apple Mail, Lotus Notes, and their French,
German, Spanish, Portuguese, Italian and Dutch forms), and their distribution
lists. Those names and addresses are the thread's own participants, already known
to one another: ``blank_quoted_headers`` blanks those lines (keeping the line count,
so special-category terms stay beside the lines they were beside) and leaves the
text of the quoted messages, and any list pasted into them, to be read.
"""

from __future__ import annotations

import re

# "From:", "Sent:", ... in English, French, German, Spanish, Portuguese, Italian and Dutch.
_KEYS = (
    r"from|sent|to|cc|bcc|subject|date|reply-to|sent by|"
    r"de|envoy[ée]|[àa]|objet|cc|date|"
    r"von|gesendet|an|betreff|datum|kopie|"
    r"enviado|para|asunto|fecha|assunto|data|"
    r"da|inviato|a|oggetto|"
    r"van|verzonden|aan|onderwerp"
)
_HEADER = re.compile(
    rf"^\s*[>\s]*\*?(?:{_KEYS})\*?\s*:"
    r"|(?:\t|\s{3,})(?:to|cc|bcc)\s*:",  # Lotus Notes lays the sender and "To:" out in columns
    re.IGNORECASE,
)
# Headers whose value runs on over the next lines (address lists).
_LIST_HEADER = re.compile(
    r"^\s*[>\s]*\*?(?:to|cc|bcc|an|kopie|[àa]|para|aan)\*?\s*:|(?:\t|\s{3,})(?:to|cc|bcc)\s*:", re.IGNORECASE
)
# The send time of a quoted message: memos and letters have a "Date:", never a "Sent:".
_SENT_KEY = re.compile(r"^\s*[>\s]*\*?(?:sent|envoy[ée]|gesendet|enviado|inviato|verzonden)\*?\s*:", re.IGNORECASE)
_SEPARATOR = re.compile(
    r"^\s*[>\s]*(?:-{3,}\s*(?:original message|forwarded message|message d'origine|urspr[üu]ngliche nachricht|"
    r"mensaje original|mensagem original|messaggio originale|oorspronkelijk bericht|weitergeleitete nachricht|"
    r"message transf[ée]r[ée]|begin forwarded message)[^\n]*|-{5,}\s*forwarded by\b.*|begin forwarded message:?)\s*$",
    re.IGNORECASE,
)
# "On Mon, 3 Jun 2024 at 10:12, Jane Smith <jane@example.com> wrote:" and its translations;
# Gmail may wrap it over two lines.
_ATTRIBUTION_END = re.compile(
    r"(?:wrote|a [ée]crit|schrieb|escribi[óo]|escreveu|ha scritto|schreef)\s*:?\s*$", re.IGNORECASE
)
_ATTRIBUTION_START = re.compile(r"^\s*[>\s]*(?:on|le|am|el|em|il|op)\b", re.IGNORECASE)
# Lotus Notes: "Jane Smith/HOU/ECT@ECT", "Jane Smith@ENRON", "Jane Smith <js@x.com> on 05/14/2001 11:12 AM".
_NOTES_ADDRESS = re.compile(r"[\w.'-]+(?:\s+[\w.'-]+){0,3}/[\w.-]+(?:/[\w.-]+)*@[\w.-]+|\b[A-Z][\w.'-]*(?:\s+[\w.'-]+){0,3}@[A-Z][A-Za-z]*(?![.\w])")
_NOTES_ON_DATE = re.compile(r"\bon\s+\d{1,2}/\d{1,2}/\d{2,4}\s+\d{1,2}:\d{2}(?::\d{2})?\s*(?:[AP]M)?\s*$", re.IGNORECASE)
_DATE_LINE = re.compile(r"^\s*[>\s]*\d{1,2}/\d{1,2}/\d{2,4}\s+\d{1,2}:\d{2}(?::\d{2})?\s*(?:[AP]M)?\s*$", re.IGNORECASE)


def blank_quoted_headers(text: str) -> str:
    """``text`` with the lines of quoted header blocks made empty (line count kept)."""
    if ":" not in text and "@" not in text and "---" not in text:
        return text
    lines = text.split("\n")
    blank = [False] * len(lines)
    i = 0
    while i < len(lines):
        line = lines[i]
        if _SEPARATOR.match(line) or _DATE_LINE.match(line) or _NOTES_ON_DATE.search(line):
            blank[i] = True
        elif _ATTRIBUTION_END.search(line) and len(line) < 300:
            blank[i] = True
            if i > 0 and not _ATTRIBUTION_START.match(line) and _ATTRIBUTION_START.match(lines[i - 1]):
                blank[i - 1] = True
        elif _notes_header_line(line):
            blank[i] = True
        elif _HEADER.search(line):
            end = _header_block_end(lines, i, quoted=_after_quote_marker(lines, blank, i))
            if end is not None:
                for j in range(i, end):
                    blank[j] = True
                i = end
                continue
        i += 1
    if not any(blank):
        return text
    return "\n".join("" if gone else line for line, gone in zip(lines, blank))


def _notes_header_line(line: str) -> bool:
    """A line of a Lotus Notes header: mostly Notes addresses ("Jane Smith/HOU/ECT@ECT, ...")."""
    if "@" not in line:
        return False  # every Notes address has one; the search below is costly on long prose lines
    found = _NOTES_ADDRESS.findall(line)
    if not found:
        return False
    covered = sum(len(f) for f in found)
    rest = re.sub(r"^\s*[>\s]*(?:to|cc|bcc|from|sent by)\s*:", "", line, flags=re.IGNORECASE)
    return covered >= 0.6 * len(rest.strip(" ,;\t>"))


def _after_quote_marker(lines: list[str], blank: list[bool], start: int) -> bool:
    """A separator or attribution line (already blanked) just above: this block is quoted."""
    for j in range(start - 1, max(-1, start - 4), -1):
        if blank[j]:
            return True
        if lines[j].strip():
            return False
    return False


def _header_block_end(lines: list[str], start: int, quoted: bool = False) -> int | None:
    """The end of a block of at least two header lines starting at ``start`` (with continuation
    lines of address lists), or None when the line is a lone "To:" in prose. A memo's own
    heading ("To: Mrs Okafor / From: Housing / Date: / Subject:") is not a quoted message: a
    block counts only with an address, a "Sent:" line or a quote marker above it."""
    keys = 0
    j = start
    in_list = False
    sent = False
    while j < len(lines):
        line = lines[j]
        if _HEADER.search(line):
            keys += 1
            in_list = bool(_LIST_HEADER.search(line))
            sent = sent or bool(_SENT_KEY.match(line))
        elif in_list and line.strip() and _continues_address_list(line):
            pass  # an address list running on
        else:
            break
        j += 1
    addresses = _addresses(lines[start:j])
    if keys >= 2 and (quoted or sent or addresses):
        return j  # a quoted message's headers
    if keys == 1 and _LIST_HEADER.search(lines[start]) and addresses >= 2:
        return j  # a "To:" line listing several addresses
    return None


_EMAIL = re.compile(r"[\w.%+'-]+@[\w-]+(?:\.[\w-]+)+")
_DIGITS = re.compile(r"\d{3,}")
_DATE_OR_TIME = re.compile(r"\d{1,2}/\d{1,2}/\d{2,4}|\d{1,2}:\d{2}(?::\d{2})?")  # Notes columns: "05/14/2001 11:12 AM"


def _continues_address_list(line: str) -> bool:
    """A line that carries on a To:/Cc: list: indented, or addresses and names separated by ';' or ','.
    Numbers beside them (phone, NHS or account numbers) are not an address list: a list of people pasted
    under a To: line is still read. A date and time beside the addresses is Lotus Notes' column layout."""
    if not (line[:1] in " \t" or "@" in line or ";" in line or line.rstrip().endswith(",")):
        return False
    return not _DIGITS.search(_DATE_OR_TIME.sub("", _EMAIL.sub("", line)))


def _addresses(lines: list[str]) -> int:
    return sum(line.count("@") for line in lines)
