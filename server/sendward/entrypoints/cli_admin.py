"""The admin's commands: `sendward policy export|import|validate` and `sendward purge`.

Exit status: 0 done; 64 usage error (including an unknown tenant version or an
unwritable --out); 65 a policy file that cannot be read or is invalid, with the
field errors on stderr.
"""

from __future__ import annotations

import getpass
import json
import sys
from pathlib import Path

from sendward.domain.policy import InvalidPolicyFile, Policy, policy_from_file
from sendward.entrypoints.cli_shared import UsageError, open_storage, plural, tenant_argument

EXIT_OK, EXIT_INVALID = 0, 65


def add_commands(commands) -> None:
    policy = commands.add_parser("policy", help="export, import or validate a tenant policy (JSON)")
    actions = policy.add_subparsers(dest="policy_action", required=True, parser_class=type(policy))

    export = actions.add_parser("export", help="print a policy version as JSON")
    export.add_argument(
        "--tenant", default=None, help="default: the dev tenant in the embedded default"
    )
    export.add_argument("--version", type=int, default=None, help="default: the published version")
    export.add_argument(
        "--out", metavar="FILE", default=None, help="write to FILE instead of stdout"
    )

    imported = actions.add_parser("import", help="save a policy file as the tenant's next version")
    imported.add_argument("file", metavar="FILE")
    imported.add_argument(
        "--tenant", default=None, help="default: the dev tenant in the embedded default"
    )
    imported.add_argument(
        "--publish", action="store_true", help="enforce it at once (default: save only)"
    )
    imported.add_argument("--comment", default="", help="shown in the version history")

    validate = actions.add_parser("validate", help="check a policy file; exit 0 valid, 65 invalid")
    validate.add_argument("file", metavar="FILE")

    purge = commands.add_parser(
        "purge", help="delete decisions older than each tenant's retention_days"
    )
    purge.add_argument("--tenant", default=None, help="default: every tenant")
    purge.add_argument("--dry-run", action="store_true", help="count, delete nothing")


def run_policy(args) -> int:
    if args.policy_action == "validate":
        return _validate(args.file)
    if args.policy_action == "export":
        return _export(args)
    return _import(args)


def run_purge(args) -> int:
    from sendward.services.policies import PolicyService
    from sendward.services.retention import purge

    settings, storage = open_storage()
    tenant = tenant_argument(args.tenant, settings, required=False)
    results = purge(storage, PolicyService(storage), tenant_id=tenant, dry_run=args.dry_run)
    verb = "would delete" if args.dry_run else "deleted"
    for result in results:
        print(
            f"{result.tenant_id}: {verb} {plural(result.decisions, 'decision')} older than "
            f"{result.retention_days} days (before {result.cutoff.date().isoformat()})"
        )
    total = sum(r.decisions for r in results)
    print(f"{verb} {plural(total, 'decision')} in {plural(len(results), 'tenant')}")
    return EXIT_OK


# -- policy validate / import / export ----------------------------------------------


def policy_file(path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as error:
        raise InvalidPolicyFile(f"cannot be read ({error.strerror or error})") from None


def read_policy_file(path: str) -> Policy:
    """A Policy from a file holding a policy document or an export; InvalidPolicyFile says what is wrong."""
    return policy_from_file(policy_file(path))


def _validate(path: str) -> int:
    try:
        read_policy_file(path)
    except InvalidPolicyFile as error:
        return _report_invalid(path, error)
    print(f"{path}: valid")
    return EXIT_OK


def _import(args) -> int:
    from sendward.bootstrap import policy_service

    settings, storage = open_storage()
    tenant = tenant_argument(args.tenant, settings, required=True)
    try:
        record = policy_service(settings, storage).import_file(
            tenant, policy_file(args.file), Path(args.file).name, author=_author(),
            comment=args.comment, publish=args.publish,
        )
    except InvalidPolicyFile as error:
        return _report_invalid(args.file, error)
    state = "published" if args.publish else "saved, not published"
    print(f"{tenant}: imported as version {record.version} ({state})")
    return EXIT_OK


def _export(args) -> int:
    from sendward.domain.records import UnknownVersion
    from sendward.services.policies import PolicyService, export_json

    settings, storage = open_storage()
    tenant = tenant_argument(args.tenant, settings, required=True)
    policies = PolicyService(storage)
    try:
        version = args.version if args.version is not None else policies.current(tenant)[1]
        record = policies.version(tenant, version)
    except UnknownVersion:
        raise UsageError(f"tenant {tenant} has no policy version {args.version}") from None
    text = json.dumps(export_json(record), indent=2) + "\n"
    if args.out is None:
        sys.stdout.write(text)
        return EXIT_OK
    try:
        Path(args.out).write_text(text, "utf-8")
    except OSError as error:
        raise UsageError(f"cannot write {args.out}: {error.strerror or error}") from None
    print(f"{tenant}: version {record.version} written to {args.out}", file=sys.stderr)
    return EXIT_OK


def _report_invalid(path: str, error: InvalidPolicyFile) -> int:
    print(f"sendward: {path} {error}", file=sys.stderr)
    for field in error.fields[:50]:
        print(f"  {field['field'] or '(document)'}: {field['message']}", file=sys.stderr)
    return EXIT_INVALID


def _author() -> str:
    try:
        user = getpass.getuser()
    except Exception:  # no login name in some containers
        user = "unknown user"
    return f"{user} (command line)"
