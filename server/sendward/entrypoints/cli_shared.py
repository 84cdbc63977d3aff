"""What the `sendward` commands share: the usage error (exit 64, see cli.py), the database, --tenant."""

from __future__ import annotations


class UsageError(Exception):
    pass


def plural(count: int, singular: str, many: str | None = None) -> str:
    """ "1 person", "2 people"; "1 e-mail", "3 e-mails"."""
    return f"{count} {singular if count == 1 else (many or singular + 's')}"


def open_storage():
    """(settings, storage) from SENDWARD_* settings, the database upgraded to this release."""
    from sendward.adapters.storage.repository import open_storage
    from sendward.config import Settings

    settings = Settings.from_env()
    return settings, open_storage(settings)


def tenant_argument(tenant: str | None, settings, *, required: bool) -> str | None:
    """--tenant: without it the dev tenant (with the dev identity) when a command needs one, else all."""
    from sendward.adapters.identity.dev import DEV_TENANT

    if tenant is None:
        if settings.identity == "dev":
            return DEV_TENANT if required else None
        if required:
            raise UsageError("--tenant is required with Entra ID (the directory's tenant id)")
        return None
    return checked_tenant(tenant)


def checked_tenant(tenant: str) -> str:
    from sendward.kernel import TENANT_ID

    if not TENANT_ID.match(tenant):
        raise UsageError("--tenant must be letters, digits, '.', '_' or '-' (at most 64)")
    return tenant
