"""Bearer token validation: signature, algorithm, issuer, audience, expiry, tenant, scope.

The same validator serves the embedded dev identity and Entra ID; only the key
source and the expected issuers differ.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable, Protocol

import jwt

from sendward.kernel import TENANT_ID, Caller

API_SCOPE = "access_as_user"
ALGORITHMS = ("RS256",)


class InvalidToken(Exception):
    """The token cannot be trusted; ``str(error)`` says why, without echoing the token."""


class KeySource(Protocol):
    def signing_key(self, kid: str, tenant_id: str):
        """The public key for ``kid``; raise InvalidToken when there is none."""


@dataclass
class TokenValidator:
    keys: KeySource
    issuers_for_tenant: Callable[[str], Iterable[str]]
    audiences: tuple[str, ...]
    allowed_tenants: tuple[str, ...] = ()  # empty: any tenant
    required_scope: str = API_SCOPE
    leeway_seconds: int = 60

    def validate(self, token: str) -> Caller:
        if not token or len(token) > 16_384:
            raise InvalidToken("missing or oversized token")
        header = self._header(token)
        tenant_id = self._unverified_tenant(token)
        if self.allowed_tenants and tenant_id.lower() not in self.allowed_tenants:
            raise InvalidToken("tenant not allowed")
        key = self.keys.signing_key(header["kid"], tenant_id)
        claims = self._verified_claims(token, key, tenant_id)
        scopes = frozenset(str(claims.get("scp", "")).split())
        roles = frozenset(r for r in claims.get("roles", []) if isinstance(r, str))
        if self.required_scope not in scopes:
            raise InvalidToken(f"token lacks the '{self.required_scope}' scope")
        user_id = str(claims.get("oid") or claims.get("sub") or "")
        if not user_id:
            raise InvalidToken("token names no user (oid)")
        return Caller(
            tenant_id=tenant_id,
            user_id=user_id,
            name=str(claims.get("preferred_username") or claims.get("upn") or claims.get("name") or user_id),
            scopes=scopes,
            roles=roles,
            assertion=token,
        )

    @staticmethod
    def _header(token: str) -> dict:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError:
            raise InvalidToken("malformed token") from None
        if header.get("alg") not in ALGORITHMS:
            raise InvalidToken(f"algorithm '{header.get('alg')}' not accepted")
        if not isinstance(header.get("kid"), str) or not header["kid"]:
            raise InvalidToken("token has no key id")
        return header

    @staticmethod
    def _unverified_tenant(token: str) -> str:
        try:
            claims = jwt.decode(token, options={"verify_signature": False})
        except jwt.PyJWTError:
            raise InvalidToken("malformed token") from None
        tenant_id = claims.get("tid")
        if not isinstance(tenant_id, str) or not TENANT_ID.match(tenant_id):
            raise InvalidToken("token has no valid tenant (tid)")
        return tenant_id

    def _verified_claims(self, token: str, key, tenant_id: str) -> dict:
        try:
            return jwt.decode(
                token,
                key,
                algorithms=list(ALGORITHMS),
                audience=list(self.audiences),
                issuer=list(self.issuers_for_tenant(tenant_id)),
                leeway=self.leeway_seconds,
                options={"require": ["exp", "iss", "aud", "tid"], "verify_nbf": True},
            )
        except jwt.ExpiredSignatureError:
            raise InvalidToken("token expired") from None
        except jwt.InvalidAudienceError:
            raise InvalidToken("token is for another audience") from None
        except jwt.InvalidIssuerError:
            raise InvalidToken("token from an unexpected issuer") from None
        except jwt.InvalidSignatureError:
            raise InvalidToken("token signature does not verify") from None
        except jwt.ImmatureSignatureError:
            raise InvalidToken("token not yet valid") from None
        except jwt.MissingRequiredClaimError as error:
            raise InvalidToken(f"token lacks the '{error.claim}' claim") from None
        except jwt.PyJWTError:
            raise InvalidToken("token rejected") from None
