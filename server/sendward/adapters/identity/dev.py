"""The embedded default's identity: a local RSA key signs tokens shaped like Entra ID's.

Tokens go through the same TokenValidator as Entra ID tokens. The key lives in
``SENDWARD_DATA_DIR/dev-identity`` and is created on first use. This identity
must never face a network: `sendward serve` refuses a non-loopback address.
"""

from __future__ import annotations

import threading
import time
import uuid
from pathlib import Path

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from sendward.adapters.identity.tokens import API_SCOPE, InvalidToken, TokenValidator
from sendward.adapters.local_secrets import create_secret_file
from sendward.kernel import ADMIN_ROLE

DEV_AUTHORITY = "https://dev-identity.sendward.invalid"
DEV_AUDIENCE = "api://sendward-dev"
DEV_TENANT = "dev-tenant"
DEV_USER = "dev.user@example.org"
TOKEN_LIFETIME_SECONDS = 8 * 3600


def dev_issuer(tenant_id: str) -> str:
    return f"{DEV_AUTHORITY}/{tenant_id}/v2.0"


class DevIdentity:
    def __init__(self, data_dir: Path):
        self.key_path = Path(data_dir) / "dev-identity" / "signing-key.pem"
        self._private_key = None
        self._lock = threading.Lock()

    @property
    def private_key(self):
        with self._lock:
            if self._private_key is None:
                self._private_key = self._load_or_create()
            return self._private_key

    @property
    def kid(self) -> str:
        public = self.private_key.public_key().public_numbers()
        return format(public.n % (1 << 64), "016x")

    def signing_key(self, kid: str, tenant_id: str):
        if kid != self.kid:
            raise InvalidToken("token signed by an unknown key")
        return self.private_key.public_key()

    def validator(self) -> TokenValidator:
        return TokenValidator(
            keys=self, issuers_for_tenant=lambda tid: [dev_issuer(tid)], audiences=(DEV_AUDIENCE,)
        )

    def issue(
        self,
        tenant_id: str = DEV_TENANT,
        user: str = DEV_USER,
        *,
        admin: bool = False,
        lifetime: int = TOKEN_LIFETIME_SECONDS,
        now: float | None = None,
    ) -> str:
        now = int(time.time() if now is None else now)
        claims = {
            "iss": dev_issuer(tenant_id),
            "aud": DEV_AUDIENCE,
            "tid": tenant_id,
            "oid": str(uuid.uuid5(uuid.NAMESPACE_URL, f"sendward-dev:{tenant_id}:{user}")),
            "sub": user,
            "preferred_username": user,
            "scp": API_SCOPE,
            "roles": [ADMIN_ROLE] if admin else [],
            "ver": "2.0",
            "iat": now,
            "nbf": now,
            "exp": now + lifetime,
        }
        return jwt.encode(claims, self.private_key, algorithm="RS256", headers={"kid": self.kid})

    def _load_or_create(self):
        if not self.key_path.exists():
            key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
            pem = key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
            create_secret_file(self.key_path, pem)  # another worker's key wins a race: read it back
        return serialization.load_pem_private_key(self.key_path.read_bytes(), password=None)
