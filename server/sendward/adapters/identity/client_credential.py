"""How Sendward proves to Entra ID that it is the app: a client secret or a certificate."""

from __future__ import annotations

import re
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization

from sendward.config import ConfigError

_CERTIFICATE = re.compile(rb"-----BEGIN CERTIFICATE-----.+?-----END CERTIFICATE-----", re.DOTALL)
_SHA1_HEX = re.compile(r"^[0-9A-F]{40}$")


def client_credential(settings) -> str | dict:
    """msal's ``client_credential``: the certificate when one is configured, else the secret."""
    if settings.client_certificate_path:
        return certificate_credential(
            Path(settings.client_certificate_path), settings.client_certificate_thumbprint
        )
    if settings.client_secret:
        return settings.client_secret
    raise ConfigError(
        "SENDWARD_IDENTITY=entra needs SENDWARD_CLIENT_SECRET, or SENDWARD_CLIENT_CERTIFICATE_PATH "
        "with SENDWARD_CLIENT_CERTIFICATE_THUMBPRINT"
    )


def certificate_credential(path: Path, thumbprint: str | None) -> dict:
    """A PEM file holding the private key (and usually the certificate), with the certificate's SHA-1
    thumbprint as the Entra admin center shows it."""
    if not thumbprint:
        raise ConfigError(
            "SENDWARD_CLIENT_CERTIFICATE_PATH needs SENDWARD_CLIENT_CERTIFICATE_THUMBPRINT"
        )
    thumbprint = re.sub(r"[\s:]", "", thumbprint).upper()
    if not _SHA1_HEX.match(thumbprint):
        raise ConfigError(
            "SENDWARD_CLIENT_CERTIFICATE_THUMBPRINT must be 40 hexadecimal digits (SHA-1)"
        )
    try:
        pem = path.read_bytes()
    except OSError as error:
        raise ConfigError(
            f"SENDWARD_CLIENT_CERTIFICATE_PATH cannot be read: {error.strerror or error}"
        ) from None
    try:
        serialization.load_pem_private_key(pem, password=None)
    except (ValueError, TypeError):
        raise ConfigError(
            "SENDWARD_CLIENT_CERTIFICATE_PATH must hold an unencrypted PEM private key"
        ) from None
    certificate = _CERTIFICATE.search(pem)
    if certificate and _sha1(certificate.group(0)) != thumbprint:
        raise ConfigError(
            "SENDWARD_CLIENT_CERTIFICATE_THUMBPRINT does not match the certificate in "
            "SENDWARD_CLIENT_CERTIFICATE_PATH"
        )
    return {"private_key": pem.decode("utf-8", "replace"), "thumbprint": thumbprint}


def _sha1(certificate_pem: bytes) -> str:
    certificate = x509.load_pem_x509_certificate(certificate_pem)
    return certificate.fingerprint(hashes.SHA1()).hex().upper()
