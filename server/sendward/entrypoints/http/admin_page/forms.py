"""The policy form: every setting of the policy document as a form field, and back.

Each field is named by its path in the document (``rules.recipients.exposed.block_at``),
which is also how validation errors name it, so an error lands next to its field.
The fields of each rule come from its ``Config`` model: a rule or setting added
to the policy appears in the form without touching this file, labelled with its
field's title (else its name) and explained by its description.
"""

from __future__ import annotations

import copy
import re
import types
import typing
from dataclasses import dataclass, field
from typing import Any, Literal

from werkzeug.datastructures import MultiDict

from sendward.domain.policy import CustomPattern, Overrides, Policy
from sendward.domain.rules import RULES

CHECKBOXES_FIELD = "_checkboxes"  # names of the checkboxes on the form: unticked ones are not sent
TERM_CATEGORIES_FIELD = "_term_categories"
SPECIAL_CATEGORIES_MARKER = "_special_categories"
OPTION_LABELS = {
    "enforce": "Enforce",
    "monitor": "Monitor only (shadow mode)",
    "info": "Inform",
    "warn": "Warn",
    "block": "Block",
    "open": "Open: let the e-mail go",
    "closed": "Closed: hold the e-mail",
}
NONE_LABELS = {
    "mode": "Same as the tenant",
    "fail_mode": "The service default",
    "internal_action": "No finding",
}
FIELD_ORDER = ("enabled", "action", "internal_action")  # then the rule's own settings, then:
FIELD_ORDER_LAST = ("mode", "message")


@dataclass(frozen=True)
class Spec:
    keys: tuple[str, ...]  # the path in the document
    label: str
    kind: str  # "checkbox", "number", "select", "text" or "textarea" (a list, one per line)
    hint: str = ""
    options: tuple[tuple[str, str], ...] = ()
    optional: bool = False
    minimum: int | None = None

    @property
    def name(self) -> str:
        return ".".join(self.keys)


@dataclass
class Field:
    spec: Spec
    value: Any
    errors: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def id(self) -> str:
        return html_id(self.name)


@dataclass
class Section:
    key: str
    title: str
    description: str
    fields: list[Field]
    owns: tuple[str, ...] = ()  # document paths whose errors belong to the section as a whole
    errors: list[str] = field(default_factory=list)

    @property
    def id(self) -> str:
        return html_id(self.key)


@dataclass
class PolicyForm:
    general: Section
    domains: Section
    rules: list[Section]
    patterns: Section  # fields named custom_patterns.<row>.<name|pattern|description|min_count>
    pattern_rows: int
    overrides: Section
    sensitive: Section
    term_categories: list[str]
    special_categories: list[str]
    summary: list[dict[str, str]] = field(
        default_factory=list
    )  # every error: label, message, anchor

    def sections(self) -> list[Section]:
        return [
            self.general,
            self.domains,
            *self.rules,
            self.patterns,
            self.overrides,
            self.sensitive,
        ]


def html_id(name: str) -> str:
    return "f-" + re.sub(r"[^A-Za-z0-9_-]", "-", name)


# -- field specs from the models --------------------------------------------------------


def model_specs(model, prefix: tuple[str, ...], only: tuple[str, ...] | None = None) -> list[Spec]:
    names = list(model.model_fields)
    if only is None:
        first = [n for n in FIELD_ORDER if n in names]
        last = [n for n in FIELD_ORDER_LAST if n in names]
        names = first + [n for n in names if n not in first and n not in last] + last
    else:
        names = [n for n in only if n in model.model_fields]
    return [_spec(prefix + (name,), name, model.model_fields[name]) for name in names]


def _spec(keys: tuple[str, ...], name: str, info) -> Spec:
    annotation, optional = _unwrap_optional(info.annotation)
    minimum = next((m.ge for m in info.metadata if getattr(m, "ge", None) is not None), None)
    label = info.title or name.replace("_", " ").capitalize()
    hint = info.description or ""
    if annotation is bool:
        return Spec(keys, label, "checkbox", hint)
    if annotation is int:
        return Spec(keys, label, "number", hint, optional=optional, minimum=minimum)
    if typing.get_origin(annotation) is list:
        return Spec(keys, label, "textarea", hint + " (one per line)" if hint else "One per line")
    if typing.get_origin(annotation) is Literal:
        choices = tuple(
            (str(v), OPTION_LABELS.get(str(v), str(v))) for v in typing.get_args(annotation)
        )
        if optional:
            choices = (("", NONE_LABELS.get(name, "None")),) + choices
        return Spec(keys, label, "select", hint, options=choices, optional=optional)
    return Spec(keys, label, "text", hint, optional=optional)


def _unwrap_optional(annotation):
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return args[0], True
    return annotation, False


def _rule_title(module) -> tuple[str, str]:
    summary = (module.__doc__ or "").strip().splitlines()[0]
    _, _, what = summary.partition(": ")
    what = (what or summary).rstrip(".")
    return module.RULE, what[:1].upper() + what[1:]


def general_specs() -> list[Spec]:
    return model_specs(Policy, (), only=("mode", "fail_mode", "retention_days", "scan_linked_files"))


def domain_specs() -> list[Spec]:
    return model_specs(Policy, (), only=("internal_domains", "trusted_domains", "webmail_domains"))


def override_specs() -> list[Spec]:
    return model_specs(Overrides, ("overrides",))


def rule_specs(module) -> list[Spec]:
    return model_specs(module.Config, ("rules", module.RULE))


def pattern_specs(row: int) -> list[Spec]:
    return model_specs(
        CustomPattern, ("custom_patterns", str(row)), only=("name", "pattern", "description", "min_count")
    )


# -- document -> form -------------------------------------------------------------------


def policy_form(document: dict[str, Any], errors: list[dict[str, str]] = ()) -> PolicyForm:
    """The form showing ``document`` (a stored policy, or what was just submitted), with ``errors`` placed."""
    patterns = list(document.get("custom_patterns") or [])
    rows = len(patterns) + 1  # one empty row to add a pattern
    terms = document.get("sensitive_terms") or {}
    special = list(document.get("special_categories") or [])
    form = PolicyForm(
        general=Section(
            "general",
            "Tenant",
            "How Sendward treats your organisation's e-mail.",
            [Field(s, _get(document, s.keys)) for s in general_specs()],
        ),
        domains=Section(
            "domains",
            "Domains",
            "Who counts as inside.",
            [Field(s, _shown(_get(document, s.keys))) for s in domain_specs()],
        ),
        rules=[
            Section(
                f"rules.{m.RULE}",
                *_rule_title(m),
                [Field(s, _shown(_get(document, s.keys))) for s in rule_specs(m)],
                owns=(f"rules.{m.RULE}",),
            )
            for m in RULES
        ],
        patterns=Section(
            "custom_patterns",
            "Custom identifiers",
            "Your own reference formats (policy.custom_pattern).",
            [
                Field(s, _get(patterns[row] if row < len(patterns) else {}, s.keys[2:]))
                for row in range(rows)
                for s in pattern_specs(row)
            ],
            owns=("custom_patterns",),
        ),
        pattern_rows=rows,
        overrides=Section(
            "overrides",
            "Overrides",
            "When a sender may send despite a finding.",
            [Field(s, _get(document, s.keys)) for s in override_specs()],
            owns=("overrides",),
        ),
        sensitive=Section(
            "sensitive",
            "Sensitive topics",
            "Terms that make a message or file sensitive, one per line.",
            [
                Field(
                    Spec(("sensitive_terms", c), c.replace("_", " ").capitalize(), "textarea"),
                    "\n".join(words),
                )
                for c, words in sorted(terms.items())
            ],
            owns=("sensitive_terms", "special_categories"),
        ),
        term_categories=sorted(terms),
        special_categories=special,
    )
    place_errors(form, errors)
    return form


def _shown(value: Any) -> Any:
    """A list (e.g. a rule's exempt domains) is edited one entry per line."""
    return "\n".join(str(v) for v in value) if isinstance(value, list) else value


def _get(document: Any, keys: tuple[str, ...]) -> Any:
    for key in keys:
        if not isinstance(document, dict):
            return None
        document = document.get(key)
    return document


def place_errors(form: PolicyForm, errors) -> None:
    """Attach each error to the field it names (or the field holding it), else to its section."""
    fields = [(f, s) for s in form.sections() for f in s.fields]
    for error in errors:
        path, message = error["field"], error["message"]
        holder = _longest_prefix(path, fields, lambda f: f.name) or _named_in_message(
            path, message, form
        )
        if holder is not None:
            target, section = holder
            target.errors.append(message)
            label, anchor = f"{section.title}: {target.spec.label}", target.id
        else:
            section = next(
                (s for s in form.sections() if any(_within(path, p) for p in s.owns)), None
            )
            if section is not None:
                section.errors.append(message)
                label, anchor = section.title, section.id
            else:
                label, anchor = path or "Policy", "policy-form"
        form.summary.append({"label": label, "message": message, "anchor": anchor})


def _named_in_message(path: str, message: str, form: PolicyForm):
    """A rule's cross-field check ("block_at must not be below ...") belongs next to the field it names first."""
    for section in form.sections():
        if path not in section.owns:
            continue
        for f in section.fields:
            if message.startswith(f.spec.keys[-1] + " "):
                return f, section
    return None


def _longest_prefix(path: str, fields, name_of):
    matches = [pair for pair in fields if _within(path, name_of(pair[0]))]
    return max(matches, key=lambda pair: len(name_of(pair[0])), default=None)


def _within(path: str, prefix: str) -> bool:
    return path == prefix or path.startswith(prefix + ".")


# -- form -> document -------------------------------------------------------------------


def document_from_form(form: MultiDict, base: dict[str, Any]) -> dict[str, Any]:
    """The policy document the form describes. Values stay as typed: validation reports bad ones.

    ``base`` (the version the form was loaded from) supplies anything the form does not show.
    """
    document = copy.deepcopy(base)
    ticked = set(form.getlist(CHECKBOXES_FIELD))
    specs = general_specs() + domain_specs() + override_specs() + [s for m in RULES for s in rule_specs(m)]
    for spec in specs:
        if spec.kind == "checkbox":
            if spec.name in ticked:
                _set(document, spec.keys, spec.name in form)
        elif spec.kind == "textarea" and spec.name in form:
            _set(document, spec.keys, split_list(form.get(spec.name, "")))
        elif spec.name in form:
            _set(document, spec.keys, _scalar(form.get(spec.name, ""), spec))
    document["custom_patterns"] = _patterns(form, document.get("custom_patterns") or [])
    _sensitive(form, document)
    return document


def _scalar(raw: str, spec: Spec) -> Any:
    value = raw.strip()
    if value == "" and spec.optional:
        return None
    return value


def _set(document: dict, keys: tuple[str, ...], value: Any) -> None:
    for key in keys[:-1]:
        if not isinstance(document.get(key), dict):
            document[key] = {}
        document = document[key]
    document[keys[-1]] = value


def split_list(raw: str) -> list[str]:
    """One entry per line (commas and semicolons also separate); a typo stays one entry, one error."""
    return [item.strip() for item in re.split(r"[\r\n,;]+", raw) if item.strip()]


_PATTERN_KEY = re.compile(
    r"^custom_patterns\.(\d{1,3})\.(name|pattern|description|min_count|remove)$"
)


def _patterns(form: MultiDict, current: list) -> list[dict[str, Any]]:
    rows: dict[int, dict[str, str]] = {}
    for key in form:
        match = _PATTERN_KEY.match(key)
        if match:
            rows.setdefault(int(match.group(1)), {})[match.group(2)] = form.get(key, "")
    if not rows:
        return current
    patterns = []
    for _, row in sorted(rows.items()):
        if "remove" in row or not any(
            row.get(k, "").strip() for k in ("name", "pattern", "description")
        ):
            continue
        entry = {
            "name": row.get("name", "").strip(),
            "pattern": row.get("pattern", ""),
            "description": row.get("description", "").strip(),
        }
        if row.get("min_count", "").strip():
            entry["min_count"] = row["min_count"].strip()
        patterns.append(entry)
    return patterns


def _sensitive(form: MultiDict, document: dict) -> None:
    categories = form.getlist(TERM_CATEGORIES_FIELD)
    if categories:
        terms = dict(document.get("sensitive_terms") or {})
        for category in categories:
            name = f"sensitive_terms.{category}"
            if name in form:
                terms[category] = [
                    t.strip() for t in re.split(r"[\n,]+", form.get(name, "")) if t.strip()
                ]
        document["sensitive_terms"] = terms
    if SPECIAL_CATEGORIES_MARKER in form:
        ticked = form.getlist("special_categories")
        kept = [
            c for c in document.get("special_categories") or [] if c in ticked
        ]  # no reordering: no false diff
        document["special_categories"] = kept + [c for c in ticked if c not in kept]
