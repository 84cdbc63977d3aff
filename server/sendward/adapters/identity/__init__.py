"""Who is calling: bearer tokens validated the same way for the dev identity and Entra ID."""

from sendward.adapters.identity.tokens import ADMIN_ROLE, API_SCOPE, Caller, InvalidToken, TokenValidator

__all__ = ["ADMIN_ROLE", "API_SCOPE", "Caller", "InvalidToken", "TokenValidator"]
