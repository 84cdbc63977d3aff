"""The admin API: the caller's tenant policy, its versions, the simulator and the audit log.

Every endpoint needs the admin role and works on the token's tenant only: a
version or decision of another tenant is simply not found (404).
"""

from __future__ import annotations

import json
import re
from contextlib import contextmanager

from flask import Blueprint, g, jsonify, request, url_for
from pydantic import ValidationError

from sendward.domain.patterns import try_pattern
from sendward.domain.policy import Policy, field_errors, first_error
from sendward.domain.records import (
    ExpectedRevision,
    PolicyRecord,
    UnknownVersion,
    VersionConflict,
)
from sendward.domain.rules import RULE_IDS
from sendward.domain.verdict import VERDICT_ACTIONS
from sendward.drafts import UnreadableDraft, read_draft_bytes
from sendward.drafts.json_draft import ScoreRequest
from sendward.entrypoints.http.auth import container, require_admin
from sendward.entrypoints.http import schemas as s
from sendward.entrypoints.http.errors import ApiError
from sendward.entrypoints.http.openapi import documented, header, query
from sendward.entrypoints.http.requests import json_body, query_args, validated
from sendward.services import audit_log, dashboard
from sendward.services.policies import export_json, version_json
from sendward.services.simulate import Simulation, simulate

bp = Blueprint("admin_api", __name__, url_prefix="/api/v1/admin")

MAX_PATTERN_TEST_TEXT = 20_000

IF_MATCH = header(
    "If-Match",
    'The ETag you were given with the policy or its history, e.g. "r7" (or *): 409 if anyone saved,'
    " published or rolled back since. Without it the change is made whatever the state (last writer wins)",
)
COMMENT = header("X-Policy-Comment", "Shown in the version history (the first 500 characters)")
DECISION_QUERY = [
    query("action", {"type": "string", "enum": list(map(str, VERDICT_ACTIONS))}, "Only this action"),
    query("rule", {"type": "string", "enum": list(RULE_IDS)}, "Only decisions with a finding of this rule"),
    query("user", {"type": "string", "pattern": "^[A-Za-z0-9]{0,64}$"}, "A user hash from the log"),
    query("since", {"type": "string"}, "YYYY-MM-DD or an ISO date and time (UTC if no offset)"),
    query("until", {"type": "string"}, "YYYY-MM-DD (the whole day) or an ISO date and time"),
    query("page", {"type": "integer", "minimum": 1, "maximum": 999_999_999}, "From 1"),
    query("per_page", {"type": "integer", "minimum": 1, "maximum": 200}, "Rows a page"),
]
SIMULATION_UPLOAD = {
    "type": "object",
    "required": ["file"],
    "properties": {
        "file": {"type": "string", "format": "binary", "description": "An .eml, .msg or JSON draft"},
        "policy": {"type": "string", "description": "A candidate policy as JSON"},
        "version": {"type": "string", "pattern": "^[0-9]*$", "description": "A saved version"},
    },
}


# -- the published policy (the contract's GET/PUT) -------------------------------


@bp.get("/policy")
@documented("The tenant's published policy", s.PolicyDocument)
@require_admin
def get_policy():
    policy, version, state = container().policies.editable(g.caller.tenant_id)
    return _policy_response(policy.to_json(), version, state.revision)


@bp.put("/policy")
@documented("Replace the tenant's policy: save a new version and publish it", s.PolicyDocument, body=Policy,
            parameters=[IF_MATCH, COMMENT])
@require_admin
def put_policy():
    """Replace the policy: save a new version and publish it."""
    record = _save(publish=True)
    return _policy_response(record.document, record.version, record.revision)


@bp.post("/policy/validate")
@documented("Check a policy without saving it", s.PolicyCheck, body=Policy)
@require_admin
def validate_policy():
    """Check a candidate without saving it: 200 with the document as it would be stored, or 422 with fields."""
    policy = validated(Policy, json_body())
    return jsonify({"valid": True, "policy": policy.to_json()})


# -- versions ---------------------------------------------------------------------


@bp.get("/versions")
@documented("The policy's version history")
@require_admin
def list_versions():
    policies = container().policies
    state = policies.state(g.caller.tenant_id)  # before the history: the ETag is never the newer
    history = policies.history(g.caller.tenant_id)
    latest = history[0].version if history else 0
    published = next((r.version for r in history if r.published), 0)
    response = jsonify(
        {"latest": latest, "published": published, "versions": [version_json(r) for r in history]}
    )
    return _with_etag(response, state.revision)


@bp.post("/versions")
@documented("Save a new version without publishing it", status=201, body=Policy, parameters=[IF_MATCH, COMMENT])
@require_admin
def save_version():
    """Save a new version without publishing it."""
    return _created(_save(publish=False))


def _save(*, publish: bool) -> PolicyRecord:
    policy = validated(Policy, json_body())
    with version_errors():
        return container().policies.replace(
            g.caller.tenant_id,
            policy.to_json(),
            author=g.caller.name,
            comment=_comment(),
            expected_revision=_if_match(),
            publish=publish,
        )


@bp.get("/versions/<int:version>")
@documented("One saved version")
@require_admin
def get_version(version: int):
    policies = container().policies
    state = policies.state(g.caller.tenant_id)
    with version_errors():
        record = policies.version(g.caller.tenant_id, version)
    return _with_etag(jsonify(export_json(record)), state.revision)


@bp.get("/versions/<int:before>/diff/<int:after>")
@documented("What changed between two versions")
@require_admin
def diff_versions(before: int, after: int):
    with version_errors():
        changes = container().policies.diff(g.caller.tenant_id, before, after)
    return jsonify({"from": before, "to": after, "changes": [c.to_json() for c in changes]})


@bp.post("/versions/<int:version>/publish")
@documented("Enforce a saved version", parameters=[IF_MATCH])
@require_admin
def publish_version(version: int):
    with version_errors():
        record = container().policies.publish(
            g.caller.tenant_id, version, expected_revision=_if_match()
        )
    return _with_etag(jsonify(version_json(record)), record.revision)


@bp.post("/rollback")
@documented("Copy an earlier version into a new, published version", status=201, body=s.Rollback,
            parameters=[IF_MATCH])
@require_admin
def rollback():
    """Copy an earlier version into a new, published version (history stays linear)."""
    body = validated(s.Rollback, json_body())
    with version_errors():
        record = container().policies.rollback(
            g.caller.tenant_id,
            body.version,
            author=g.caller.name,
            comment=body.comment[:500],
            expected_revision=_if_match(),
        )
    return _created(record)


# -- simulator --------------------------------------------------------------------


@bp.post("/simulate")
@documented("Score a draft against a policy, recording nothing", s.Simulation, body=s.SimulationRequest,
            multipart=SIMULATION_UPLOAD)
@require_admin
def simulate_draft():
    """Score an uploaded .eml/.msg or a JSON draft against a policy, recording nothing."""
    if request.mimetype == "multipart/form-data":
        draft, policy = _uploaded_draft(), _json_field("policy")
        version = request.form.get("version", "").strip()
        version = int(version) if version.isdecimal() else version or None  # not digits: refused below
        history = uploaded_history(request.files.get("history"))
    elif request.mimetype == "application/json":
        body = json_body()
        draft, policy, version, history = _json_draft(body), body.get("policy"), body.get("version"), None
    else:
        raise ApiError(
            415,
            "send an .eml or .msg file as multipart/form-data, or a JSON draft as application/json",
        )
    candidate = _candidate(policy) if policy is not None else None
    if version is not None and (isinstance(version, bool) or not isinstance(version, int)):
        raise ApiError(400, "version must be a whole number", code="bad_request")
    if candidate is not None and version is not None:
        raise ApiError(400, "give a candidate policy or a version, not both", code="bad_request")
    c = container()
    with version_errors():
        result = simulate(
            c.scorer, c.policies, g.caller.tenant_id, draft, candidate=candidate, version=version,
            history=history,
        )
    return jsonify(simulation_json(result))


def uploaded_history(upload):
    """An optional HISTORY.jsonl[.gz] beside the draft: recipients.misdirected judges against it."""
    if upload is None or not upload.filename:
        return None
    from sendward.drafts.history import HistoryFile, UnreadableHistory

    try:
        return HistoryFile.from_bytes(upload.read(), "the history file")
    except UnreadableHistory as error:
        raise ApiError(422, f"{error}", code="unreadable_history") from None


def simulation_json(result: Simulation) -> dict:
    verdict = result.verdict.to_json()
    verdict["policy_version"] = result.version
    return {
        "simulated": True,
        "recorded": False,
        "policy": {"source": result.source, "version": result.version},
        "verdict": verdict,
    }


def _uploaded_draft():
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise ApiError(
            400,
            "attach the draft as the form field 'file' (.eml, .msg or .json)",
            code="missing_file",
        )
    try:
        return read_draft_bytes(upload.read())
    except UnreadableDraft as error:
        raise ApiError(
            422, f"the file is not a draft Sendward can read: {error}", code="unreadable_draft"
        ) from None


def _json_draft(body: dict):
    if not isinstance(body.get("draft"), dict):
        raise ApiError(
            400,
            "give the draft to score as 'draft' (the JSON of POST /api/v1/score)",
            code="invalid_draft",
        )
    return validated(ScoreRequest, body["draft"], status=400, code="invalid_draft").to_draft()


def _candidate(document) -> Policy:
    if not isinstance(document, dict):
        raise ApiError(
            422,
            "policy: must be a JSON object",
            code="invalid_policy",
            fields=[{"field": "policy", "message": "must be a JSON object"}],
        )
    return validated(Policy, document, code="invalid_policy")


def _json_field(name: str):
    """A form field holding JSON; None when it is empty."""
    if not request.form.get(name, "").strip():
        return None
    try:
        return json.loads(request.form[name])
    except (ValueError, RecursionError):
        raise ApiError(
            400, f"the form field '{name}' is not valid JSON", code="invalid_json"
        ) from None


# -- pattern tester ---------------------------------------------------------------


@bp.post("/patterns/test")
@documented("Where a custom identifier pattern matches in a sample", body=s.PatternTest)
@require_admin
def test_pattern():
    """Where a custom identifier pattern matches in a sample text (RE2, as the scanner runs it)."""
    return jsonify(pattern_trial(json_body()))


def pattern_trial(body: dict, *, cut: bool = False) -> dict:
    """The pattern tester's answer (the admin page's too); a longer sample is 413 unless ``cut``."""
    pattern, text = body.get("pattern"), body.get("text", "")
    if not isinstance(pattern, str) or not isinstance(text, str):
        raise ApiError(400, "give 'pattern' and 'text' as strings", code="bad_request")
    if len(text) > MAX_PATTERN_TEST_TEXT and not cut:
        raise ApiError(
            413,
            f"the sample text is limited to {MAX_PATTERN_TEST_TEXT} characters",
            code="too_large",
        )
    return try_pattern(pattern, text[:MAX_PATTERN_TEST_TEXT])


# -- audit log and dashboard ------------------------------------------------------


@bp.get("/decisions")
@documented("The decision log, newest first", parameters=DECISION_QUERY)
@require_admin
def list_decisions():
    query = query_args(audit_log.DecisionQuery)
    return jsonify(audit_log.decisions_page(
        container().storage, g.caller.tenant_id, query.where(), page=query.page, per_page=query.per_page
    ))


@bp.get("/decisions/<decision_id>")
@documented("One decision with its findings")
@require_admin
def get_decision(decision_id: str):
    found = container().storage.decision(g.caller.tenant_id, decision_id[:64])
    if found is None:
        raise ApiError(404, "no decision with that id in your tenant", code="unknown_decision")
    return jsonify(found)


@bp.get("/stats")
@documented("Dashboard figures", parameters=[query("days", {"type": "integer", "minimum": 1, "maximum": 3650}, "The period")])
@require_admin
def get_stats():
    days = query_args(s.StatsQuery).days
    try:
        figures = dashboard.stats(container().storage, g.caller.tenant_id, days)
    except ValueError as error:
        raise ApiError(400, str(error), code="invalid_query") from None
    return jsonify(figures)


# -- shared -----------------------------------------------------------------------


@contextmanager
def version_errors():
    """Storage and validation errors of version operations, as API errors."""
    try:
        yield
    except UnknownVersion as error:
        raise ApiError(
            404, f"there is no version {error.args[0]} of your policy", code="unknown_version"
        ) from None
    except VersionConflict as error:
        state = error.state
        raise ApiError(
            409,
            "someone changed the policy since you loaded it (version "
            f"{state.latest} is the newest, version {state.published} is published); "
            "reload and try again",
            code="version_conflict",
            latest_version=state.latest,
            published_version=state.published,
        ) from None
    except ValidationError as error:
        fields = field_errors(error)
        raise ApiError(
            422,
            f"that version is not valid any more: {first_error(error)}",
            code="invalid_policy",
            fields=fields[:50],
        ) from None


def _created(record: PolicyRecord):
    response = jsonify({**version_json(record), "policy": record.document})
    response.status_code = 201
    response.headers["Location"] = url_for("admin_api.get_version", version=record.version)
    return _with_etag(response, record.revision)


def _policy_response(document: dict, version: int, revision: int):
    return _with_etag(jsonify({"version": version, "policy": document}), revision)


def _with_etag(response, revision: int):
    """One ETag for the tenant's whole policy state: it changes on every save, publish and rollback."""
    response.headers["ETag"] = f'"r{revision}"'
    return response


def _comment() -> str:
    return request.headers.get("X-Policy-Comment", "")[:500]


ENTITY_TAG = r'\s*(?:W/)?"([\x21\x23-\x7e]*)"\s*'  # RFC 9110 entity-tag
ENTITY_TAGS = re.compile(f"{ENTITY_TAG}(?:,{ENTITY_TAG})*,?")  # a list of them
OUR_TAG = re.compile(r"r([0-9]{1,9})")


def _if_match() -> ExpectedRevision:
    """The revisions If-Match accepts; None (any) without the header or for "*".

    Only a header that is not a list of entity tags is a 400: a well-formed tag this API never
    gave (or gave before the policy changed, such as an older release's "v3") simply does not
    match, which is a 409.
    """
    header = request.headers.get("If-Match")
    if header is None or header.strip() == "*":
        return None
    if not ENTITY_TAGS.fullmatch(header):
        raise ApiError(
            400,
            'If-Match must be an ETag this API sent, quotes included, like "r3", or *',
            code="invalid_if_match",
        )
    tags = re.findall(ENTITY_TAG, header)
    return {int(found[1]) for found in map(OUR_TAG.fullmatch, tags) if found}
