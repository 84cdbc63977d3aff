"""The admin page's screens: dashboard, policy form, simulator, version history, decision log.

Views read the form, call the same services as the admin API and render a
template; every change is a POST with a CSRF token, answered by a redirect.
"""

from __future__ import annotations

import json
from contextlib import contextmanager

from flask import abort, flash, g, jsonify, redirect, render_template, request, url_for
from pydantic import ValidationError

from sendward.domain.policy import InvalidPolicyFile, Policy, field_errors, first_error
from sendward.domain.records import PolicyState, UnknownVersion, VersionConflict
from sendward.domain.rules import RULE_IDS
from sendward.drafts import UnreadableDraft, read_draft_bytes
from sendward.entrypoints.http.admin_api import pattern_trial, uploaded_history
from sendward.entrypoints.http.admin_page import charts
from sendward.entrypoints.http.admin_page.blueprint import bp, container
from sendward.entrypoints.http.admin_page.forms import document_from_form, policy_form
from sendward.entrypoints.http.errors import ApiError
from sendward.entrypoints.http.requests import query_args
from sendward.services import audit_log, dashboard as figures
from sendward.services.policies import export_json
from sendward.services.simulate import simulate

PERIODS = (7, 30, 90)
PER_PAGE = 50
CHANGED_MEANWHILE = (
    "Someone else changed the policy (saved, published or rolled back a version) since this page"
    " was loaded, so {what}. The history below is up to date: check it, then try again."
)


def tenant() -> str:
    return g.caller.tenant_id


# -- dashboard ---------------------------------------------------------------------------


@bp.get("/")
def dashboard():
    days = request.args.get("days", type=int)
    days = days if days in PERIODS else 30
    stats = figures.stats(container().storage, tenant(), days)
    policy, version = container().policies.current(tenant())
    monitored = [r for r in RULE_IDS if policy.effective_mode(r) == "monitor"]
    return render_template(
        "admin/dashboard.html",
        stats=stats,
        days=days,
        periods=PERIODS,
        policy=policy,
        version=version,
        monitored=monitored,
        # wrong-recipient figures only where the rule can prompt: history is learnt, or it has prompted
        misdirected_on=container().settings.recipient_history or bool(stats["misdirected"]["prompts"]),
        charts=dashboard_charts(stats, days, monitoring=bool(monitored)),
    )


def dashboard_charts(stats: dict, days: int, monitoring: bool = False) -> dict[str, charts.Chart]:
    """The dashboard's charts; "what enforcement would have done" only where something was monitored
    (now, or in the period): an enforcing tenant's overrides are not a shadow of anything."""
    overrides = stats["overrides"]
    shown = {
        "per_day": charts.stacked_columns(
            "per-day", f"Decisions per day by action, last {days} days", stats["per_day"]
        ),
        "rules": charts.horizontal_bars(
            "top-rules",
            "Top rules",
            [(r["rule"], r["findings"]) for r in stats["top_rules"]],
            "findings",
        ),
        "types": charts.horizontal_bars(
            "top-types",
            "Top attachment types",
            [(t["type"], t["attachments"]) for t in stats["top_attachment_types"]],
            "attachments",
        ),
        "overrides": charts.proportion(
            "override-rate",
            "Override rate",
            min(overrides["interrupted"], overrides["overridden"] + overrides.get("sent_anyway", 0)),
            overrides["interrupted"],
            "of warned or blocked e-mails went as they were (a justification, or Send Anyway)",
            "fixed, or not sent",
        ),
    }
    misdirected = stats["misdirected"]
    shown["misdirected"] = charts.proportion(
        "misdirected-acceptance",
        "Wrong-recipient prompts: senders who then changed a recipient",
        misdirected["changed_recipient"],
        misdirected["prompts"],
        "of prompts were followed by a change of recipients",
        "sent anyway or not resent",
    )
    if stats["monitor"]["would_interrupt"] or monitoring:
        shown["would_per_day"] = charts.stacked_columns(
            "would-per-day", "What enforcement would have done, per day", stats["would_per_day"]
        )
        shown["shadow"] = charts.horizontal_bars(
            "shadow",
            "Most interruptions one user would have had in one week, by rule",
            [(r["rule"], r["max_per_user_week"]) for r in stats["monitor"]["would_interrupt"]],
            "interruptions",
            colour="warn",
        )
    return shown


# -- policy form -------------------------------------------------------------------------


@bp.get("/policy")
def policy_page():
    policy, version, state = container().policies.editable(tenant())
    return _policy_page(policy_form(policy.to_json()), shown=version, revision=state.revision)


@bp.post("/policy")
def save_policy():
    shown, revision = _form_int("shown_version"), _form_int("revision")
    document, errors = _submitted_policy()
    if errors:
        return _policy_page(policy_form(document, errors), shown=shown, revision=revision, status=422)
    publish = request.form.get("action") != "draft"
    comment = request.form.get("comment", "").strip()[:500]
    try:
        record = container().policies.replace(
            tenant(),
            document,
            author=g.caller.name,
            comment=comment,
            expected_revision=revision,
            publish=publish,
        )
    except VersionConflict as conflict:
        # Keep what they typed; the next save goes on top of the newer state (they have been told).
        return _policy_page(
            policy_form(document),
            shown=shown,
            revision=conflict.state.revision,
            conflict=conflict.state,
            comment=comment,
            status=409,
        )
    if publish:
        flash(
            f"Saved and published version {record.version}. Senders get it from now on.", "success"
        )
    else:
        flash(
            f"Saved version {record.version} as a draft: it is not enforced until you publish it.",
            "success",
        )
    return redirect(url_for("admin_page.policy_page"))


@bp.post("/policy/check")
def check_policy():
    """Inline validation while the admin types: the errors each field would get on saving."""
    document, errors = _submitted_policy()
    form = policy_form(document, errors)
    placed = {f.id: f.errors for s in form.sections() for f in s.fields if f.errors}
    placed.update({s.id: s.errors for s in form.sections() if s.errors})
    return jsonify({"valid": not errors, "errors": placed, "summary": form.summary})


def _submitted_policy() -> tuple[dict, list[dict[str, str]]]:
    """The policy document the form describes, on top of the version it showed, and its field errors."""
    document = document_from_form(request.form, _base_document(_form_int("shown_version")))
    try:
        Policy.model_validate(document)
    except ValidationError as error:
        return document, field_errors(error)
    return document, []


@bp.post("/patterns/test")
def test_pattern():
    body = request.get_json(silent=True)
    return jsonify(pattern_trial(body if isinstance(body, dict) else {}, cut=True))


def _policy_page(
    form,
    *,
    shown: int | None,
    revision: int | None,
    conflict: PolicyState | None = None,
    comment: str = "",
    status: int = 200,
):
    """The form carries the revision it was made from: saving it is refused if the policy changed since."""
    state = container().policies.state(tenant())
    return render_template(
        "admin/policy.html",
        form=form,
        shown=shown if shown is not None else state.published,
        revision=revision if revision is not None else state.revision,
        published=state.published,
        latest=state.latest,
        conflict=conflict,
        comment=comment,
    ), status


def _base_document(shown: int | None) -> dict:
    """The version the form showed: settings the form does not show are kept from it."""
    if shown is not None:
        try:
            return container().policies.version(tenant(), shown).document
        except UnknownVersion:
            pass
    return container().policies.current(tenant())[0].to_json()


# -- simulator ---------------------------------------------------------------------------


@bp.get("/simulate")
def simulator():
    return _simulator_page()


@bp.post("/simulate")
def run_simulation():
    upload = request.files.get("draft")
    if upload is None or not upload.filename:
        return _simulator_page(error="Choose an .eml or .msg file to simulate.", status=400)
    candidate, version = None, None
    if "from_policy_form" in request.form:
        document, errors = _submitted_policy()
        if errors:
            return _simulator_page(
                error="The settings in the form have errors; fix them and try again.",
                policy_errors=policy_form(document, errors).summary,
                status=422,
            )
        candidate = Policy.model_validate(document)
    else:
        version = _source_version(request.form.get("source", "published"))
    try:
        draft = read_draft_bytes(upload.read())
    except UnreadableDraft as error:
        return _simulator_page(
            error=f"Sendward cannot read {upload.filename}: {error}.", status=422
        )
    try:
        history = uploaded_history(request.files.get("history"))
    except ApiError as error:
        return _simulator_page(error=f"{error.message}.", status=422)
    c = container()
    try:
        result = simulate(
            c.scorer, c.policies, tenant(), draft, candidate=candidate, version=version, history=history
        )
    except UnknownVersion:
        abort(404)
    except ValidationError:
        return _simulator_page(error=f"Version {version} is no longer a valid policy.", status=422)
    return _simulator_page(
        result=result, file_name=upload.filename, source=request.form.get("source", "published")
    )


def _source_version(source: str) -> int | None:
    if source == "published":
        return None
    if source.startswith("v") and source[1:].isdigit():
        return int(source[1:])
    abort(400)


def _simulator_page(
    *, result=None, error=None, policy_errors=(), file_name="", source="published", status=200
):
    history = container().policies.history(tenant())
    return render_template(
        "admin/simulate.html",
        result=result,
        verdict=result.verdict.to_json() if result else None,
        error=error,
        policy_errors=policy_errors,
        file_name=file_name,
        history=history,
        source=source,
    ), status


# -- versions ----------------------------------------------------------------------------


@bp.get("/versions")
def history():
    state = container().policies.state(tenant())  # before the list: never newer than what is shown
    versions = container().policies.history(tenant())
    published = next((r.version for r in versions if r.published), None)  # None: the defaults apply
    return render_template(
        "admin/versions.html", versions=versions, revision=state.revision, published=published
    )


@bp.get("/versions/<int:version>")
def show_version(version: int):
    record = _version_or_404(version)
    return render_template(
        "admin/version.html",
        record=record,
        document=json.dumps(record.document, indent=2),
        latest=container().policies.latest_version(tenant()),
        published=container().policies.current(tenant())[1],
    )


@bp.get("/versions/<int:version>/export")
def export_version(version: int):
    record = _version_or_404(version)
    response = jsonify(export_json(record))
    response.headers["Content-Disposition"] = (
        f'attachment; filename="sendward-policy-v{record.version}.json"'
    )
    return response


@bp.get("/versions/diff")
def compare():
    before, after = request.args.get("a", type=int), request.args.get("b", type=int)
    if before is None or after is None:
        abort(400)
    older, newer = _version_or_404(before), _version_or_404(after)
    changes = container().policies.diff(tenant(), before, after)
    return render_template("admin/diff.html", older=older, newer=newer, changes=changes)


@bp.post("/versions/<int:version>/publish")
def publish_version(version: int):
    with _version_errors(version, nothing_was="published"):
        container().policies.publish(tenant(), version, expected_revision=_form_int("revision"))
        flash(f"Version {version} is published. Senders get it from now on.", "success")
    return redirect(url_for("admin_page.history"))


@bp.post("/versions/<int:version>/rollback")
def rollback_version(version: int):
    comment = request.form.get("comment", "").strip()[:500]
    with _version_errors(version, nothing_was="rolled back"):
        record = container().policies.rollback(
            tenant(),
            version,
            author=g.caller.name,
            comment=comment,
            expected_revision=_form_int("revision"),
        )
        flash(
            f"Rolled back: version {record.version} is a copy of "
            f"{'the built-in defaults' if version == 0 else f'version {version}'} and is now published.",
            "success",
        )
    return redirect(url_for("admin_page.history"))


@contextmanager
def _version_errors(version: int, *, nothing_was: str):
    """A publish or rollback that cannot be made: 404, or a message on the history page."""
    try:
        yield
    except UnknownVersion:
        abort(404)
    except VersionConflict:
        flash(CHANGED_MEANWHILE.format(what=f"nothing was {nothing_was}"), "error")
    except ValidationError as error:
        flash(f"Version {version} is no longer a valid policy: {first_error(error)}", "error")


@bp.post("/versions/import")
def import_version():
    upload = request.files.get("policy_file")
    if upload is None or not upload.filename:
        flash("Choose a policy file (JSON) to import.", "error")
        return redirect(url_for("admin_page.history"))
    publish = "publish" in request.form
    try:
        record = container().policies.import_file(
            tenant(), upload.read(), upload.filename, author=g.caller.name,
            comment=request.form.get("comment", ""), publish=publish,
        )
    except InvalidPolicyFile as error:
        flash(f"{upload.filename} {error}", "error")
        return redirect(url_for("admin_page.history"))
    flash(
        f"Imported as version {record.version}"
        + (" and published." if publish else " (not published)."),
        "success",
    )
    return redirect(url_for("admin_page.history"))


def _version_or_404(version: int):
    try:
        return container().policies.version(tenant(), version)
    except UnknownVersion:
        abort(404)


# -- decision log ------------------------------------------------------------------------


@bp.get("/decisions")
def decisions():
    error = None
    page = max(1, request.args.get("page", default=1, type=int) or 1)
    try:
        query = query_args(audit_log.DecisionQuery, page=page, per_page=PER_PAGE)
        result = audit_log.decisions_page(
            container().storage, tenant(), query.where(), page=query.page, per_page=PER_PAGE
        )
    except ApiError as problem:
        error, result = (
            problem.message,
            {"decisions": [], "page": 1, "pages": 1, "total": 0, "per_page": PER_PAGE},
        )
    filters = {k: request.args.get(k, "") for k in ("since", "until", "action", "rule", "user")}
    return render_template(
        "admin/decisions.html", result=result, filters=filters, error=error, rules=RULE_IDS
    )


def _form_int(name: str) -> int | None:
    raw = request.form.get(name, "")
    return int(raw) if raw.isdecimal() else None
