"""attachment.special_category: personal data together with special-category terms.

Health, disability, ethnicity, religion, sexuality, gender identity and criminal
records (UK GDPR articles 9 and 10). A clinic's patient list or a safeguarding
spreadsheet sent outside needs more care than an address list.
"""

from __future__ import annotations

from pydantic import Field

from sendward.domain.rules._base import Action, ContentRuleConfig, action_for_audience, finding, plural

RULE = "attachment.special_category"


class Config(ContentRuleConfig):
    action: Action = "block"
    min_data_subjects: int = Field(
        default=1,
        ge=1,
        title="People the content is about",
        description="People with special-category data at which it fires",
    )


def evaluate(signals, config: Config, policy):
    action = action_for_audience(config, signals.recipients)
    if action is None:
        return []
    findings = []
    for index, attachment in enumerate(signals.attachments):
        content = attachment.content
        if not content.special_categories or content.data_subjects < config.min_data_subjects:
            continue
        if content.data_subjects == 1 and content.about_recipient:
            continue
        categories = sorted(content.special_categories)
        findings.append(
            finding(
                RULE,
                config,
                action=action,
                message=f"{attachment.name} links {plural(content.data_subjects, 'person', 'people')} "
                f"to special-category information ({', '.join(categories)}).",
                evidence={
                    "attachment": index,
                    "data_subjects": content.data_subjects,
                    "special_categories": dict(content.special_categories),
                },
                fix="remove_attachment",
                value=content.data_subjects,
                threshold=config.min_data_subjects,
            )
        )
    return findings
