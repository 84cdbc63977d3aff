"""`sendward history sync|import|forget|purge`: the correspondent models behind recipients.misdirected.

Exit status: 0 done; 64 usage error; 65 an unreadable history file; 69 some users could not be
synced (each named by the id given, with the reason's type). Nothing printed names an
address: counts only.
"""

from __future__ import annotations

import sys
from datetime import timedelta

from sendward.entrypoints.cli_shared import UsageError, open_storage, plural, tenant_argument

EXIT_OK, EXIT_USAGE, EXIT_UNREADABLE, EXIT_UNAVAILABLE = 0, 64, 65, 69


def add_commands(commands) -> None:
    history = commands.add_parser("history", help="the sent-mail history recipients.misdirected learns from")
    actions = history.add_subparsers(dest="history_action", required=True, parser_class=type(history))

    sync = actions.add_parser("sync", help="learn from users' Sent Items (Graph delta query); schedule it")
    sync.add_argument("--tenant", default=None, help="default: the dev tenant, or every tenant with --all")
    sync.add_argument("--user", action="append", default=[], metavar="OBJECT_ID", help="a user's object id (repeat)")
    sync.add_argument("--users-file", metavar="FILE", help="object ids, one a line")
    sync.add_argument("--max-pages", type=int, default=None, help="pages per user at most (default: all)")

    imported = actions.add_parser("import", help="store a user's model from a HISTORY.jsonl[.gz] file")
    imported.add_argument("file", metavar="HISTORY.jsonl")
    imported.add_argument("--tenant", default=None, help="default: the dev tenant in the embedded default")
    imported.add_argument("--user", required=True, metavar="OBJECT_ID")
    imported.add_argument("--sender", metavar="ADDRESS", help="only this sender's messages (default: all)")

    forget = actions.add_parser("forget", help="delete a user's model (a leaver, a request to erase)")
    forget.add_argument("--tenant", default=None, help="default: the dev tenant in the embedded default")
    forget.add_argument("--user", required=True, metavar="OBJECT_ID")

    purge = actions.add_parser("purge", help="delete models not synced for --days")
    purge.add_argument("--days", type=int, default=90, help="default 90")
    purge.add_argument("--tenant", default=None, help="default: every tenant")
    purge.add_argument("--dry-run", action="store_true", help="count, delete nothing")


def run_history(args, graph_tokens=None) -> int:
    handler = {"sync": _sync, "import": _import, "forget": _forget, "purge": _purge}[args.history_action]
    return handler(args, graph_tokens) if args.history_action == "sync" else handler(args)


def _context():
    from sendward.adapters.storage.correspondents import CorrespondentStore, sealing_key_from
    from sendward.adapters.local_secrets import load_user_hash_key

    settings, storage = open_storage()
    key = load_user_hash_key(settings.user_hash_key, settings.data_dir)
    return settings, CorrespondentStore(storage.engine, sealing_key_from(key)), key


def _user(value: str) -> str:
    value = value.strip()
    if not value or len(value) > 128 or any(c in value for c in "/?#% \t"):
        raise UsageError(f"--user '{value}' is not an object id")
    return value


def _sync(args, graph_tokens=None) -> int:
    from sendward.adapters.cache.key_value import MemoryKeyValueCache
    from sendward.services.recipient_history import HistorySync

    if args.max_pages is not None and args.max_pages < 1:
        raise UsageError("--max-pages must be at least 1")
    settings, store, key = _context()
    # A scheduled job has no user present: the application's own permission (Mail.ReadBasic.All).
    application = settings.with_changes(graph_mode="application")
    if graph_tokens is None:
        if settings.identity != "entra":
            raise UsageError("history sync reads Microsoft Graph: configure Entra ID (SENDWARD_IDENTITY=entra)")
        from sendward.adapters.graph.tokens import MsalGraphTokens

        graph_tokens = MsalGraphTokens(application, MemoryKeyValueCache())
    tenant = tenant_argument(args.tenant, settings, required=bool(args.user or args.users_file))
    users = [(tenant, _user(u)) for u in args.user + _users_file(args.users_file)]
    if not users:
        users = [(t, u) for t, _, u in store.users(tenant)]
    from sendward.adapters.graph.factory import build_graph_adapters

    adapters = build_graph_adapters(application, graph_tokens, MemoryKeyValueCache())
    failed = 0
    try:
        people = adapters.people if settings.recipient_history_people else None
        sync = HistorySync(adapters.sent_items, store, key, people=people)
        for tenant_id, user_id in users:
            try:
                result = sync.sync(tenant_id, user_id, max_pages=args.max_pages)
            except Exception as error:  # one user's failure (no mailbox, no permission) is not the others'
                failed += 1
                print(f"{tenant_id} {user_id}: not synced ({type(error).__name__}: {error})", file=sys.stderr)
                continue
            state = "complete" if result.complete else "continues next run"
            again = ", started over (delta link expired)" if result.restarted else ""
            seeded = f", {result.seeded} people known from Graph (cold start)" if result.seeded else ""
            print(f"{tenant_id} {user_id}: {result.messages} new messages, {result.total} in all, "
                  f"{result.received} new received, {result.pages} pages, {state}{again}{seeded}")
    finally:
        adapters.close()
    print(f"synced {len(users) - failed} of {len(users)} users")
    return EXIT_UNAVAILABLE if failed else EXIT_OK


def _users_file(path: str | None) -> list[str]:
    if not path:
        return []
    try:
        with open(path, encoding="utf-8") as handle:
            return [line.strip() for line in handle if line.strip() and not line.startswith("#")]
    except OSError as error:
        raise UsageError(f"--users-file {path}: {error.strerror or error}") from None


def _import(args) -> int:
    from sendward.drafts.history import HistoryFile, UnreadableHistory, read_history
    from sendward.services.recipient_history import import_model

    settings, store, key = _context()
    tenant = tenant_argument(args.tenant, settings, required=True)
    user = _user(args.user)
    try:  # with --sender, the others' mail to them in the file is their received mail
        messages, received = HistoryFile(args.file).mail_of(args.sender) if args.sender else (read_history(args.file), [])
    except UnreadableHistory as error:
        print(f"sendward: {error}", file=sys.stderr)
        return EXIT_UNREADABLE
    model = import_model(store, key, tenant, user, messages, received, own=args.sender or "")
    print(f"{tenant} {user}: {model.messages} messages, {len(model.correspondents)} correspondents, "
          f"{model.received_messages} received")
    return EXIT_OK


def _forget(args) -> int:
    from sendward.services.recipient_history import forget_user

    settings, store, key = _context()
    tenant = tenant_argument(args.tenant, settings, required=True)
    user = _user(args.user)
    print(f"{tenant} {user}: {'deleted' if forget_user(store, key, tenant, user) else 'nothing stored'}")
    return EXIT_OK


def _purge(args) -> int:
    from sendward.kernel import utcnow

    if not 1 <= args.days <= 3650:
        raise UsageError("--days must be between 1 and 3650")
    settings, store, _ = _context()
    tenant = tenant_argument(args.tenant, settings, required=False)
    count = store.purge(utcnow() - timedelta(days=args.days), tenant, dry_run=args.dry_run)
    verb = "would delete" if args.dry_run else "deleted"
    print(f"{verb} {plural(count, 'model')} not synced for {args.days} days")
    return EXIT_OK
