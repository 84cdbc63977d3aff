"""Who is calling: bearer tokens validated the same way for the dev identity and Entra ID.

The validated ``Caller`` and ``ADMIN_ROLE`` live in ``sendward.kernel``: every layer uses them.
"""

from sendward.adapters.identity.tokens import API_SCOPE, InvalidToken, TokenValidator

__all__ = ["API_SCOPE", "InvalidToken", "TokenValidator"]
