"""Response bodies of the HTTP API as pydantic models: the source of the OpenAPI document's schemas.

The domain's Verdict is a dataclass with its own ``to_json``; ``Verdict`` here describes that
JSON. The models forbid unknown fields, and tests/http/test_openapi.py validates real
responses against them, so a field added to the JSON without being added here fails a test.
Enumerations come from the domain (rule ids, fixes, modes), never from a copied list.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from sendward.domain.policy import FailMode, Policy
from sendward.domain.rules import RULE_IDS
from sendward.domain.rules._base import Mode
from sendward.domain.verdict import FINDING_ACTIONS, FIXES, VERDICT_ACTIONS
from sendward.drafts.json_draft import ScoreRequest

RuleId = Literal[tuple(RULE_IDS)]
Fix = Literal[tuple(FIXES)]
VerdictAction = Literal[tuple(map(str, VERDICT_ACTIONS))]
FindingAction = Literal[tuple(map(str, FINDING_ACTIONS))]


class _Closed(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Finding(_Closed):
    rule: RuleId
    action: FindingAction
    message: str = Field(description="A sentence for the sender")
    evidence: dict[str, Any] = Field(
        description="Counts, types and locations; never the personal data found in content "
        "(recipients.misdirected names the draft's own recipient and the address suggested instead)"
    )
    fix: Fix
    would_action: Literal["warn", "block"] | None = Field(
        default=None, description="Monitor mode: what enforcement would have done (the action is 'info')"
    )


class Recipients(_Closed):
    total: int = Field(ge=0)
    visible: int = Field(ge=0, description="In To and CC")
    external: int = Field(ge=0)
    visible_external: int = Field(ge=0)
    external_domains: int = Field(ge=0, description="Distinct outside organisations in To/CC")
    internal_domains: list[str] = Field(
        description="Domains counted as inside for this verdict, subdomains included: the policy's internal "
        "domains (else the tenant's verified domains, else the sender's domain), then its trusted domains; "
        "lower case"
    )
    move_to_bcc: list[str] = Field(
        default_factory=list,
        description="The To/CC addresses the move_to_bcc fix moves (the visible outside people, as counted "
        "in visible_external), lower case; empty unless a finding offers that fix",
    )


class Location(_Closed):
    where: str = Field(description="e.g. sheet 'Clients', column 'Phone'")
    entity: str
    count: int = Field(ge=0)
    hidden: str | None = Field(description="e.g. 'hidden_sheet' or 'comments'; null when visible")


class AttachmentResult(_Closed):
    name: str
    scanned: bool
    data_subjects: int = Field(ge=0, description="Distinct people the attachment holds personal data about")
    entities: dict[str, int]
    hidden_content: bool
    error: str | None = Field(description="Why it was not (fully) read")
    note: str | None = Field(description="What was deliberately not read (e.g. images)")
    special_categories: dict[str, int]
    locations: list[Location]


class Problem(_Closed):
    action: Literal["warn", "block"]
    rules: list[str] = Field(description="The findings this line stands for, its lead first")
    message: str


class OverrideReview(_Closed):
    accepted: bool
    reason: str | None


class Verdict(_Closed):
    """The verdict of POST /api/v1/score (the contract's "Verdict JSON")."""

    action: VerdictAction
    score: int = Field(ge=0)
    decision_id: str
    policy_version: int
    findings: list[Finding]
    recipients: Recipients
    attachments: list[AttachmentResult]
    elapsed_ms: int = Field(ge=0)
    mode: Mode
    fail_mode: FailMode
    would_action: VerdictAction | None = Field(
        default=None, description="Monitor mode: the action enforcement would have taken"
    )
    override: OverrideReview | None = Field(
        default=None, description="Present when the request carried an override"
    )
    not_checked: list[str] | None = Field(
        default=None,
        description="Present when an optional lookup failed and the verdict was made without it "
        "(distribution_lists, verified_domains)",
    )
    sender_may_override: bool = Field(
        default=False,
        description="Whether the policy lets the sender send it as it is: Send Anyway on a warning "
        "(allow_warn_override), a written justification on a block (allow_block_override); "
        "false for allow. The add-in offers neither when false",
    )
    problems: list[Problem] = Field(
        default_factory=list,
        description="What the Send dialog lists: one line per problem, strongest first; the findings it covers",
    )


class SimulatedVerdict(Verdict):
    policy_version: int | None = Field(description="null for a candidate policy")


class FieldError(_Closed):
    field: str
    message: str


class Error(BaseModel):
    """Every error answer. Endpoints may add fields (e.g. latest_version on a 409)."""

    model_config = ConfigDict(extra="allow")

    error: str = Field(description="A stable code, e.g. invalid_draft, missing_token")
    message: str = Field(description="A sentence for people")
    request_id: str | None = Field(default=None, description="The request's X-Request-Id")
    fields: list[FieldError] | None = Field(default=None, description="Field-level errors (400/422)")


class Health(_Closed):
    status: Literal["ok"]
    version: str


class ReadinessChecks(_Closed):
    database: Literal["ok", "unavailable"]
    redis: Literal["ok", "unavailable", "not_configured"]
    detectors: Literal["ok", "unavailable"]


class Readiness(_Closed):
    status: Literal["ready", "degraded", "unready"] = Field(
        description="degraded: Redis or the database is away and scoring goes on (caches miss; the policies "
        "already read are enforced, audit records wait); unready (503): the detectors are not working"
    )
    checks: ReadinessChecks
    version: str


class PolicyDocument(_Closed):
    version: int = Field(ge=0, description="0: the built-in default, never saved")
    policy: Policy


class PolicyCheck(_Closed):
    valid: Literal[True]
    policy: Policy


class SimulationPolicy(_Closed):
    source: Literal["published", "version", "candidate"]
    version: int | None


class Simulation(_Closed):
    simulated: Literal[True]
    recorded: Literal[False]
    policy: SimulationPolicy
    verdict: SimulatedVerdict


class SimulationRequest(BaseModel):
    """POST /api/v1/admin/simulate as JSON (a multipart .eml/.msg upload is accepted too)."""

    draft: ScoreRequest = Field(description="A draft as POST /api/v1/score takes it")
    policy: Policy | None = Field(default=None, description="A candidate policy")
    version: int | None = Field(default=None, description="A saved version of the tenant's policy")


class Rollback(BaseModel):
    version: int = Field(ge=0, strict=True)
    comment: str = ""


class PatternTest(BaseModel):
    pattern: str
    text: str = Field(default="", max_length=20_000)


class StatsQuery(BaseModel):
    days: int = 30
