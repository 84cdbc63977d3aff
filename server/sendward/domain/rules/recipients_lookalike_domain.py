"""recipients.lookalike_domain: a recipient's domain resembles an internal or trusted one.

`northshlre.gov.uk` for `northshire.gov.uk`: a typo that hands mail to a domain
squatter, or a reply to a phishing address. Detection (edit distance, homoglyphs,
separators, a swapped suffix, the domain in front of another) happens in
``sendward.signals.lookalike``.
"""

from __future__ import annotations

from pydantic import Field

from sendward.domain.rules._base import Action, RuleConfig, finding, plural

RULE = "recipients.lookalike_domain"
KIND_WORDS = {
    "edit": "differs by one character from",
    "homoglyph": "uses look-alike characters for",
    "separator": "adds or drops a separator in",
    "suffix": "swaps the ending of",
    "prefix": "is someone else's domain made to look like",
}


class Config(RuleConfig):
    action: Action = "block"
    check_suffix_swap: bool = Field(
        default=True,
        title="Catch the same name under another ending",
        description="Also flags northshire.co.uk or northshire.gov.com when you are northshire.gov.uk",
    )


def evaluate(signals, config: Config, policy):
    findings = []
    for match in signals.recipients.lookalikes:
        if match.kind == "suffix" and not config.check_suffix_swap:
            continue
        findings.append(
            finding(
                RULE,
                config,
                action=config.action,
                message=f"{match.domain} {KIND_WORDS[match.kind]} {match.resembles} "
                f"({plural(match.recipients, 'recipient')}). Check the address before sending.",
                evidence={
                    "domain": match.domain,
                    "resembles": match.resembles,
                    "kind": match.kind,
                    "recipients": match.recipients,
                },
                fix="remove_recipient",
            )
        )
    return findings
