"""What every `sendward` command may raise: a usage error exits 64 (see cli.py)."""


class UsageError(Exception):
    pass
