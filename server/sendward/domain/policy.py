"""The tenant policy: one JSON document with every rule of the contract.

``Policy.model_validate(data)`` checks a document and raises field-level errors;
``Policy()`` is the default a UK public body or charity can start with (each
default is explained in docs/rules.md).
"""

from __future__ import annotations

import json
import re
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, field_validator

from sendward.domain import rules as r
from sendward.domain.rules import RULES
from sendward.domain.rules._base import Mode
from sendward.domain.domain_names import normalise_domain
from sendward.domain.sensitive_terms import DEFAULT_SENSITIVE_TERMS, SPECIAL_CATEGORIES

FailMode = Literal["open", "closed"]

# What one policy may hold (docs/reference.md#policy-limits). Bounded so that no policy an admin can save
# makes a score exceed its time budget (bench: `largest_policy_300k`); a policy over a limit gets 422 naming it.
LIMITS = {
    "categories": 50,  # sensitive-term categories
    "terms_per_category": 500,
    "terms": 5000,  # over all categories
    "term_chars": 100,
    "custom_patterns": 50,
    "pattern_chars": 500,
    "internal_domains": 500,
    "trusted_domains": 2000,
    "webmail_domains": 2000,
}


def _over(limit: str, what: str) -> ValueError:
    return ValueError(f"at most {LIMITS[limit]:,} {what} (policy limit '{limit}')")


def _stored(info) -> bool:
    """Validating a version already stored (``Policy.from_stored``): the limits bind saving, not enforcing."""
    return bool(info.context and info.context.get("stored"))
_CATEGORY = re.compile(r"^[a-z][a-z0-9_]{0,39}$")


Domain = Annotated[str, AfterValidator(normalise_domain)]


class CustomPattern(BaseModel):
    """A tenant-defined identifier, e.g. a case reference ``ILS/[A-Z]{3}/\\d{5}``."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=64)
    pattern: str = Field(
        min_length=1, description="A regular expression (RE2 syntax), e.g. ILS/[A-Z]{3}/\\d{5}"
    )
    description: str = Field(default="", max_length=500)
    min_count: int = Field(
        default=1,
        ge=1,
        title="Fires at (occurrences)",
        description="Matches in one e-mail, body and attachments together, at which the rule fires",
    )

    @field_validator("pattern")
    @classmethod
    def _valid_pattern(cls, pattern: str) -> str:
        from sendward.domain.patterns import check_pattern

        if len(pattern) > LIMITS["pattern_chars"]:
            raise _over("pattern_chars", "characters in a pattern")
        check_pattern(pattern)
        return pattern


class Overrides(BaseModel):
    """When a sender may send despite a finding, and what they must write."""

    model_config = ConfigDict(extra="forbid")

    allow_warn_override: bool = Field(
        default=True,
        title="Warnings offer Send Anyway",
        description="Lets a sender send a warned e-mail as it is, after reading the warning",
    )
    allow_block_override: bool = Field(
        default=False,
        title="Blocks can be overridden with a justification",
        description="Off (the default): a blocked e-mail cannot go until it is fixed. On: the sender "
        "writes why it must go, and the reason is kept in the decision log",
    )
    justification_min_length: int = Field(
        default=10,
        ge=0,
        le=500,
        title="Shortest justification (characters)",
        description='A reason shorter than this is refused, so "ok" is not a justification',
    )


def _rule_field(module):
    return Field(default_factory=module.Config, alias=module.RULE)


class Rules(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    recipients_exposed: r.recipients_exposed.Config = _rule_field(r.recipients_exposed)
    recipients_large_audience: r.recipients_large_audience.Config = _rule_field(r.recipients_large_audience)
    recipients_external_domains: r.recipients_external_domains.Config = _rule_field(r.recipients_external_domains)
    recipients_lookalike_domain: r.recipients_lookalike_domain.Config = _rule_field(r.recipients_lookalike_domain)
    recipients_misdirected: r.recipients_misdirected.Config = _rule_field(r.recipients_misdirected)
    attachment_personal_data: r.attachment_personal_data.Config = _rule_field(r.attachment_personal_data)
    attachment_special_category: r.attachment_special_category.Config = _rule_field(r.attachment_special_category)
    attachment_hidden_content: r.attachment_hidden_content.Config = _rule_field(r.attachment_hidden_content)
    attachment_unscannable: r.attachment_unscannable.Config = _rule_field(r.attachment_unscannable)
    body_personal_data: r.body_personal_data.Config = _rule_field(r.body_personal_data)
    policy_custom_pattern: r.policy_custom_pattern.Config = _rule_field(r.policy_custom_pattern)

    def config(self, rule_id: str):
        return getattr(self, rule_id.replace(".", "_"))


assert {f.alias for f in Rules.model_fields.values()} == {r.RULE for r in RULES}


class Policy(BaseModel):
    model_config = ConfigDict(extra="forbid")

    mode: Mode = Field(default="enforce", description="'monitor': record verdicts, interrupt nobody")
    fail_mode: FailMode | None = Field(
        default=None,
        title="When Sendward itself fails",
        description="When our side fails: 'open' sends, 'closed' blocks; empty: the service default",
    )
    internal_domains: list[Domain] = Field(
        default_factory=list, description="Your organisation's domains; empty: the sender's own domain"
    )
    trusted_domains: list[Domain] = Field(
        default_factory=list, description="Partners under a data-sharing agreement: counted as inside"
    )
    webmail_domains: list[Domain] = Field(
        default_factory=list,
        title="Extra webmail domains",
        description="Consumer mail services beyond the built-in list",
    )
    sensitive_terms: dict[str, list[str]] = Field(
        default_factory=lambda: {k: list(v) for k, v in DEFAULT_SENSITIVE_TERMS.items()}, validate_default=True
    )
    special_categories: list[str] = Field(default_factory=lambda: list(SPECIAL_CATEGORIES))
    custom_patterns: list[CustomPattern] = Field(default_factory=list)
    overrides: Overrides = Field(default_factory=Overrides)
    retention_days: int = Field(
        default=365,
        ge=1,
        le=3650,
        title="Keep decisions for (days)",
        description="Older decisions are deleted by `sendward purge` (run it daily, e.g. from cron). "
        "The log holds counts, rule ids and hashed users only",
    )
    scan_linked_files: bool = Field(
        default=False,
        title="Read files linked from OneDrive or SharePoint",
        description="Files shared as links are read too; needs the Files.ReadWrite Graph permission "
        "(docs/graph.md)",
    )
    rules: Rules = Field(default_factory=Rules)

    @field_validator("internal_domains", "trusted_domains", "webmail_domains", mode="before")
    @classmethod
    def _bounded_domains(cls, domains, info):
        if isinstance(domains, list) and not _stored(info) and len(domains) > LIMITS[info.field_name]:
            raise _over(info.field_name, info.field_name.replace("_", " "))
        return domains

    @field_validator("custom_patterns", "special_categories", mode="before")
    @classmethod
    def _bounded_lists(cls, items, info):
        limit = "custom_patterns" if info.field_name == "custom_patterns" else "categories"
        if isinstance(items, list) and not _stored(info) and len(items) > LIMITS[limit]:
            raise _over(limit, info.field_name.replace("_", " "))
        return items

    @field_validator("sensitive_terms")
    @classmethod
    def _valid_terms(cls, terms: dict[str, list[str]], info) -> dict[str, list[str]]:
        bounded = not _stored(info)
        if bounded and len(terms) > LIMITS["categories"]:
            raise _over("categories", "sensitive-term categories")
        cleaned = {}
        for category, words in terms.items():
            if not _CATEGORY.match(category):
                raise ValueError(f"category '{category}' must be lower-case letters, digits or _")
            if bounded and len(words) > LIMITS["terms_per_category"]:
                raise ValueError(f"category '{category}': " + str(_over("terms_per_category", "terms in a category")))
            kept = sorted({w.strip().lower() for w in words if w.strip()})
            if bounded and any(len(w) > LIMITS["term_chars"] for w in kept):
                raise ValueError(f"category '{category}': " + str(_over("term_chars", "characters in a term")))
            cleaned[category] = kept
        if bounded and sum(map(len, cleaned.values())) > LIMITS["terms"]:
            raise _over("terms", "sensitive terms in all")
        return cleaned

    @field_validator("custom_patterns")
    @classmethod
    def _unique_pattern_names(cls, patterns: list[CustomPattern]) -> list[CustomPattern]:
        names = [p.name for p in patterns]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise ValueError(f"custom pattern names must be unique: {', '.join(duplicates)}")
        return patterns

    @classmethod
    def from_stored(cls, document: dict) -> "Policy":
        """A version saved before the current limits (docs/reference.md#policy-limits) is still enforced
        as it is; saving or publishing it again applies them."""
        return cls.model_validate(document, context={"stored": True})

    def rule(self, rule_id: str):
        return self.rules.config(rule_id)

    def effective_mode(self, rule_id: str) -> str:
        return self.rule(rule_id).mode or self.mode

    def to_json(self) -> dict[str, Any]:
        return self.model_dump(mode="json", by_alias=True)


def field_errors(error: ValidationError) -> list[dict[str, str]]:
    """Pydantic's errors as ``[{"field": "rules.recipients.exposed.block_at", "message": ...}]``."""
    errors = []
    for item in error.errors():
        path = ".".join(str(part) for part in item["loc"])
        message = item["msg"].removeprefix("Value error, ")
        errors.append({"field": path, "message": message})
    return errors


def first_error(error: ValidationError, whole: str = "document") -> str:
    """The first of pydantic's errors as one line, "rules.recipients.exposed.block_at: ...".

    ``whole`` names what an error about no one field is about (the body, the draft).
    """
    first = field_errors(error)[0]
    return f"{first['field'] or whole}: {first['message']}"


class InvalidPolicyFile(ValueError):
    """A policy file that is not JSON, not an object or not a valid policy; the message says which,
    as a predicate ("is not JSON (...)"), to follow the file's name. ``fields``: the field errors."""

    def __init__(self, reason: str, fields: list[dict[str, str]] | None = None):
        super().__init__(reason)
        self.fields = fields or []


def policy_from_file(raw: bytes | str) -> Policy:
    """The policy in a file holding a policy document or an export (``{"policy": {...}}``, as the admin
    API, the admin page and `sendward policy export` give one). Raises InvalidPolicyFile."""
    try:
        document = json.loads(raw)
    except (ValueError, RecursionError) as error:  # UnicodeDecodeError is a ValueError
        raise InvalidPolicyFile(f"is not JSON ({str(error).splitlines()[0][:200]})") from None
    if isinstance(document, dict) and isinstance(document.get("policy"), dict):
        document = document["policy"]
    if not isinstance(document, dict):
        raise InvalidPolicyFile("is not a policy: a policy is a JSON object")
    try:
        return Policy.model_validate(document)
    except ValidationError as error:
        raise InvalidPolicyFile(f"is not a valid policy: {first_error(error)}", field_errors(error)) from None
