"""The `sendward` command (see docs/reference.md, "Command line").

Exit status: 0 allow, 1 warn, 2 block; 64 usage error; 65 unreadable input.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from sendward.domain.verdict import Action
from sendward.entrypoints import cli_admin, cli_history, is_loopback
from sendward.entrypoints.cli_shared import UsageError, checked_tenant, plural

EXIT_ALLOW, EXIT_WARN, EXIT_BLOCK = 0, 1, 2
EXIT_USAGE, EXIT_UNREADABLE = 64, 65
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, what a shell reports for a writer whose reader left
EXIT_FOR_ACTION = {Action.ALLOW: EXIT_ALLOW, Action.WARN: EXIT_WARN, Action.BLOCK: EXIT_BLOCK}


class _Parser(argparse.ArgumentParser):
    """argparse exits 2 on a usage error; 2 means "block" here, so usage errors exit 64."""

    def error(self, message):
        self.print_usage(sys.stderr)
        print(f"sendward: {message}", file=sys.stderr)
        sys.exit(EXIT_USAGE)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="sendward", description="Send-time data-leak guard for Outlook and Microsoft 365.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    check = commands.add_parser(
        "check",
        help="score .eml/.msg drafts offline",
        description="Exit 0 allow, 1 warn, 2 block (the strongest over all files), 65 if any file is unreadable. "
        "A draft not fully read within the time budget blocks, unless the policy sets fail_mode.",
    )
    check.add_argument("files", nargs="+", metavar="FILE")
    check.add_argument("--policy", metavar="POLICY.json", help="a policy document (default: built-in defaults)")
    check.add_argument("--internal-domain", action="append", default=[], metavar="DOMAIN")
    check.add_argument("--json", action="store_true", help="one verdict JSON object per line")
    check.add_argument("--time-budget-ms", type=int, default=60_000, help="per draft (default 60000)")
    check.add_argument(
        "--history",
        metavar="HISTORY.jsonl",
        help="sent mail in Graph's message shape, one a line (.gz too): recipients.misdirected judges "
        "each draft against what its From sent before its Date",
    )

    raw = argparse.RawDescriptionHelpFormatter
    serve = commands.add_parser(
        "serve",
        help="run the HTTP service",
        formatter_class=raw,
        description="Serve the scoring API, the add-in's files, /admin and (with the dev identity) /demo\n"
        "under gunicorn. Settings come from SENDWARD_* environment variables (docs/configuration.md);\n"
        "the embedded default is SQLite in the data directory and the local dev identity, which\n"
        "serves on a loopback address only.",
        epilog="examples:\n"
        "  sendward serve                         http://127.0.0.1:8000/\n"
        "  sendward serve --port 8001             when port 8000 is taken (make run: PORT=8001 make run)\n"
        "  sendward serve --port 3000 --tls-cert ~/.office-addin-dev-certs/localhost.crt \\\n"
        "      --tls-key ~/.office-addin-dev-certs/localhost.key    https://localhost:3000 for Outlook\n"
        "  SENDWARD_IDENTITY=entra SENDWARD_CLIENT_ID=... sendward serve --host 0.0.0.0\n"
        "logs: text on a terminal, JSON lines otherwise (SENDWARD_LOG_FORMAT).",
    )
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000, help="port to listen on (default 8000)")
    serve.add_argument(
        "--tls-cert", metavar="CERT.pem",
        help="serve https with this certificate (with --tls-key), e.g. office-addin-dev-certs' "
        "~/.office-addin-dev-certs/localhost.crt for `manifest --dev` on https://localhost:3000",
    )
    serve.add_argument("--tls-key", metavar="KEY.pem", help="the certificate's private key")
    serve.add_argument(
        "--workers", type=int, default=None,
        help="gunicorn worker processes, 1-64 (default: SENDWARD_WORKERS or 2; SENDWARD_THREADS threads each)",
    )

    token = commands.add_parser(
        "dev-token",
        help="print a bearer token from the local dev identity",
        formatter_class=raw,
        description="Print a bearer token signed by the local dev identity (its key is in the data\n"
        "directory), for calling the API by hand against `sendward serve` with the dev identity.\n"
        "Not for Entra ID deployments: there the add-in gets tokens from Office.",
        epilog="example:\n"
        '  TOKEN=$(sendward dev-token)\n'
        '  curl -H "Authorization: Bearer $TOKEN" -H "Content-Type: application/json" \\\n'
        "       -d @examples/clinic-reminder-request.json http://127.0.0.1:8000/api/v1/score\n"
        "  sendward dev-token --admin             a token for the admin API",
    )
    token.add_argument("--tenant", default=None, help="tenant id (default: dev-tenant, the one /admin and /demo use)")
    token.add_argument("--user", default=None, help="the signed-in user (default: dev.user@example.org)")
    token.add_argument("--admin", action="store_true", help="with the Sendward.Admin role (the admin API)")

    manifest = commands.add_parser(
        "manifest",
        help="write the Outlook add-in's manifests for a deployment",
        formatter_class=raw,
        description="Write the add-in's manifests (the XML add-in-only manifest and the unified JSON\n"
        "manifest with its icons) for one deployment into DIR. Upload one of them in the Microsoft 365\n"
        "admin center (Integrated apps) or sideload it (docs/deployment.md).",
        epilog="examples:\n"
        "  sendward manifest --base-url https://sendward.example.org --client-id CLIENT-ID --out dist/\n"
        "  sendward manifest --dev --client-id CLIENT-ID --out dist-dev/\n"
        "      for https://localhost:3000 (docs/deployment.md: serving https on localhost)",
    )
    manifest.add_argument("--base-url", help="the https origin serving Sendward (with --dev: https://localhost:3000)")
    manifest.add_argument("--client-id", required=True, help="the Entra ID application (client) id")
    manifest.add_argument("--out", required=True, metavar="DIR", help="folder to write the manifests into")
    manifest.add_argument("--dev", action="store_true", help="the localhost development variant, with its own add-in id")
    manifest.add_argument(
        "--send-mode", default="SoftBlock", choices=["SoftBlock", "Block", "PromptUser"],
        help="what Outlook does when the add-in cannot answer (default SoftBlock: the mail goes)",
    )
    manifest.add_argument("--app-id", help="an add-in id (GUID) of your own, e.g. for a second deployment in one tenant")

    db = commands.add_parser(
        "db",
        help="database migrations",
        formatter_class=raw,
        description="Migrate the database named by SENDWARD_DATABASE_URL (default: SQLite in the data\n"
        "directory). `sendward serve` upgrades on start, so this is for operators who migrate\n"
        "before a rollout. Prints the revision the database is at afterwards.",
        epilog="examples:\n"
        "  sendward db upgrade                    to the newest revision\n"
        "  sendward db current                    print the current revision\n"
        "  sendward db downgrade base             undo every migration (deletes the tables)",
    )
    db.add_argument("action", choices=["upgrade", "downgrade", "current"], help="what to do")
    db.add_argument("revision", nargs="?", default=None, help="target revision (upgrade: default head; downgrade: required)")

    cli_admin.add_commands(commands)  # policy export|import|validate, purge
    cli_history.add_commands(commands)  # history sync|import|forget|purge
    return parser


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return _run(args)
    except BrokenPipeError:
        # the reader went away (`sendward check *.eml | head`): stop quietly, as other tools do
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        except (OSError, ValueError):
            pass
        return EXIT_BROKEN_PIPE


def _run(args) -> int:
    from sendward.config import ConfigError  # a bad setting is a usage error, whichever command reads it

    try:
        handler = {
            "check": run_check,
            "serve": run_serve,
            "dev-token": run_dev_token,
            "manifest": run_manifest,
            "db": run_db,
            "policy": cli_admin.run_policy,
            "purge": cli_admin.run_purge,
            "history": cli_history.run_history,
        }[args.command]
        return handler(args)
    except (UsageError, ConfigError) as error:
        print(f"sendward: {error}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130


# -- check ----------------------------------------------------------------------


def run_check(args) -> int:
    from sendward.detection.scanner import Scanner
    from sendward.drafts import UnreadableDraft, read_draft_file
    from sendward.services.scoring import Scorer

    policy = load_policy(args.policy, args.internal_domain)
    if args.time_budget_ms < 100:
        raise UsageError("--time-budget-ms must be at least 100")
    history = load_history(args.history) if args.history else None
    scorer = Scorer(
        scanner=Scanner(), time_budget_ms=args.time_budget_ms, default_fail_mode="closed", history=history
    )
    worst = EXIT_ALLOW
    unreadable = False
    for path in args.files:
        try:
            draft = read_draft_file(path)
        except UnreadableDraft as error:
            print(f"sendward: {error}", file=sys.stderr)
            if args.json:  # one line per file, so a reader of the JSON lines misses none
                print(json.dumps({"file": str(path), "error": "unreadable", "message": str(error)}))
            unreadable = True
            continue
        verdict = scorer.score(draft, policy, policy_version=0)
        if args.json:
            print(json.dumps({"file": str(path), **verdict.to_json()}))
        else:
            print(human_verdict(str(path), verdict))
        worst = max(worst, EXIT_FOR_ACTION[verdict.action])
    return EXIT_UNREADABLE if unreadable else worst


def load_history(path: str):
    from sendward.drafts.history import HistoryFile, UnreadableHistory

    try:
        return HistoryFile(path)
    except UnreadableHistory as error:
        raise UsageError(f"--history {error}") from None


def load_policy(path: str | None, internal_domains: list[str]):
    from sendward.domain.policy import InvalidPolicyFile, Policy, normalise_domain

    try:
        policy = cli_admin.read_policy_file(path) if path else Policy()
    except InvalidPolicyFile as error:
        raise UsageError(f"--policy {path} {error}") from None
    if internal_domains:
        try:
            extra = [normalise_domain(d) for d in internal_domains]
        except ValueError as error:
            raise UsageError(f"--internal-domain: {error}") from None
        policy = policy.model_copy(update={"internal_domains": list(policy.internal_domains) + extra})
    return policy


def human_verdict(name: str, verdict) -> str:
    lines = [f"{name}: {verdict.action.upper()} (score {verdict.score})"]
    for finding in verdict.findings:
        fix = f"  [fix: {finding.fix}]" if finding.fix != "none" else ""
        lines.append(f"  {finding.action:<5}  {finding.rule}: {finding.message}{fix}")
    r = verdict.recipients
    lines.append(
        f"  recipients: {r.total} in all, {r.visible} in To/CC, {r.external} outside, "
        f"{r.visible_external} outside in To/CC, {plural(r.external_organisations, 'outside organisation')}"
    )
    for attachment in verdict.attachments:
        state = "scanned" if attachment.scanned else f"not fully scanned ({attachment.error or attachment.note})"
        people = attachment.content.data_subjects
        lines.append(
            f"  attachment {attachment.name}: {state}, personal data about {plural(people, 'person', 'people')}"
            + (", some of it hidden" if attachment.hidden_content else "")
        )
    return "\n".join(lines)


# -- serve ----------------------------------------------------------------------


def run_serve(args) -> int:
    from sendward.config import Settings
    from sendward.entrypoints.gunicorn_app import serve

    settings = Settings.from_env()  # a bad SENDWARD_THREADS is refused before gunicorn starts (exit 64)
    if settings.identity == "dev" and not is_loopback(args.host):
        raise UsageError(
            f"the dev identity only serves on a loopback address, not {args.host}: "
            "configure Entra ID (SENDWARD_IDENTITY=entra) to serve on a network"
        )
    if args.workers is not None and not 1 <= args.workers <= 64:
        raise UsageError("--workers must be between 1 and 64")
    if not 0 < args.port < 65536:
        raise UsageError("--port must be between 1 and 65535")
    tls = tls_files(args.tls_cert, args.tls_key)
    if port_in_use(args.host, args.port):
        other = args.port + 1 if args.port < 65535 else 8001
        raise UsageError(
            f"port {args.port} on {args.host} is already in use (another Sendward, or another program): "
            f"choose another with --port, e.g. `sendward serve --port {other}` or `PORT={other} make run`"
        )
    return serve(settings, host=args.host, port=args.port, workers=args.workers, tls=tls)


def tls_files(cert: str | None, key: str | None) -> tuple[str, str] | None:
    """(certificate, key) to serve https with, both readable files; None for plain http."""
    if not cert and not key:
        return None
    if not (cert and key):
        raise UsageError("--tls-cert and --tls-key go together (a certificate and its private key)")
    for option, path in (("--tls-cert", cert), ("--tls-key", key)):
        file = Path(path).expanduser()
        try:
            with open(file, "rb") as handle:
                handle.read(1)
        except OSError as error:
            raise UsageError(f"{option} {path}: {error.strerror or error}") from None
    return str(Path(cert).expanduser()), str(Path(key).expanduser())


def port_in_use(host: str, port: int) -> bool:
    """Whether something already listens on host:port (gunicorn would retry, then fail, with no hint)."""
    import errno
    import socket

    try:
        infos = socket.getaddrinfo(host.strip("[]"), port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except OSError:
        return False  # gunicorn reports an address it cannot resolve
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as gunicorn binds
        try:
            probe.bind(address)
        except OSError as error:
            return error.errno == errno.EADDRINUSE
    return False


# -- dev-token ------------------------------------------------------------------


def run_dev_token(args) -> int:
    from sendward.adapters.identity.dev import DEV_TENANT, DEV_USER, DevIdentity
    from sendward.config import Settings

    tenant = checked_tenant(args.tenant or DEV_TENANT)
    print(DevIdentity(Settings.from_env().data_dir).issue(tenant, args.user or DEV_USER, admin=args.admin))
    return 0


# -- manifest -------------------------------------------------------------------


def run_manifest(args) -> int:
    from sendward.config import Settings
    from sendward.entrypoints import manifests
    from sendward.entrypoints.addin_files import AddinFilesMissing, addin_dir, manifest_dir

    try:
        configured = Settings.from_env().addin_dir
        base_url = args.base_url or (manifests.DEV_BASE_URL if args.dev else None)
        if not base_url:
            raise UsageError("--base-url is required (or --dev for https://localhost:3000)")
        d = manifests.deployment(
            base_url, args.client_id, dev=args.dev, app_id=args.app_id, send_mode=args.send_mode
        )
        written = manifests.write_manifests(
            d, Path(args.out), manifest_dir(configured), addin_dir(configured) / "assets"
        )
    except manifests.ManifestError as error:
        raise UsageError(str(error)) from None
    except AddinFilesMissing as error:
        print(f"sendward: {error}", file=sys.stderr)
        return EXIT_UNREADABLE
    except OSError as error:
        raise UsageError(f"--out {args.out}: {error.strerror or error}") from None
    for path in written:
        print(path)
    return 0


# -- db -------------------------------------------------------------------------


def run_db(args) -> int:
    from sendward.adapters.storage import schema
    from sendward.adapters.storage.repository import open_storage
    from sendward.config import Settings

    engine = open_storage(Settings.from_env(), migrate=False).engine
    if args.action == "upgrade":
        schema.upgrade(engine, args.revision or "head")
    elif args.action == "downgrade":
        if not args.revision:
            raise UsageError("db downgrade needs a revision (e.g. base)")
        schema.downgrade(engine, args.revision)
    print(schema.current_revision(engine) or "base")
    return 0


if __name__ == "__main__":
    sys.exit(main())
