"""The rules, one per file, in the order their findings are listed.

Each module has ``RULE`` (the contract's rule id), ``Config`` (its part of the
policy, with defaults) and ``evaluate(signals, config, policy) -> [Finding]``.
"""

from sendward.domain.rules import (
    attachment_hidden_content,
    attachment_personal_data,
    attachment_special_category,
    attachment_unscannable,
    body_personal_data,
    policy_custom_pattern,
    recipients_exposed,
    recipients_external_domains,
    recipients_large_audience,
    recipients_lookalike_domain,
    recipients_misdirected,
)

RULES = (
    recipients_exposed,
    recipients_large_audience,
    recipients_external_domains,
    recipients_lookalike_domain,
    recipients_misdirected,
    attachment_personal_data,
    attachment_special_category,
    attachment_hidden_content,
    attachment_unscannable,
    body_personal_data,
    policy_custom_pattern,
)
RULE_IDS = tuple(rule.RULE for rule in RULES)
