"""Bearer token validation: signature, algorithm, issuer, audience, expiry, tenant, scope, calling app.

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


def _check_signature_shape(token: str) -> None:
    """An RS256 signature is as long as its RSA key: 2048 to 8192 bits. Anything else is junk."""
    signature = token.rpartition(".")[2]
    size = len(signature) * 3 // 4  # base64url without padding
    if not 256 <= size <= 1024:
        raise InvalidToken("token signature is malformed")


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
    # The client ids that may call the API (the token's azp, v2, or appid, v1); empty: any.
    allowed_clients: tuple[str, ...] = ()

    def validate(self, token: str) -> Caller:
        if not token or len(token) > 16_384:
            raise InvalidToken("missing or oversized token")
        header = self._header(token)
        tenant_id = self._unverified_tenant(token)
        if self.allowed_tenants and tenant_id.lower() not in self.allowed_tenants:
            raise InvalidToken("tenant not allowed")
        # Everything that can be checked without the key is checked before a key is looked up (which
        # may mean a fetch from Entra ID): junk tokens must not spend the key-fetch budget.
        self._check_claims(token, tenant_id, key=None)
        _check_signature_shape(token)
        key = self.keys.signing_key(header["kid"], tenant_id)
        claims = self._check_claims(token, tenant_id, key=key)
        scopes = frozenset(str(claims.get("scp", "")).split())
        roles = frozenset(r for r in claims.get("roles", []) if isinstance(r, str))
        user_id = str(claims.get("oid") or claims.get("sub") or "")
        return Caller(
            tenant_id=tenant_id.lower(),  # one tenant whatever the case of its id (tid)
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

    def _check_claims(self, token: str, tenant_id: str, key) -> dict:
        """The claims, checked (issuer, audience, expiry, scope, user); the signature too when ``key`` is given."""
        claims = self._decoded(token, tenant_id, key)
        scopes = frozenset(str(claims.get("scp", "")).split())
        if self.required_scope not in scopes:
            raise InvalidToken(f"token lacks the '{self.required_scope}' scope")
        if not (claims.get("oid") or claims.get("sub")):
            raise InvalidToken("token names no user (oid)")
        if self.allowed_clients:
            client = claims.get("azp") or claims.get("appid")
            if not isinstance(client, str) or client.lower() not in self.allowed_clients:
                raise InvalidToken("token was issued to an app that may not call Sendward (azp/appid)")
        return claims

    def _decoded(self, token: str, tenant_id: str, key) -> dict:
        options = {"require": ["exp", "iss", "aud", "tid"], "verify_nbf": True}
        if key is None:  # every check PyJWT makes, but the signature's
            options.update(verify_signature=False, verify_exp=True, verify_aud=True, verify_iss=True)
        try:
            return jwt.decode(
                token,
                key,
                algorithms=list(ALGORITHMS),
                audience=list(self.audiences),
                issuer=list(self.issuers_for_tenant(tenant_id)),
                leeway=self.leeway_seconds,
                options=options,
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
