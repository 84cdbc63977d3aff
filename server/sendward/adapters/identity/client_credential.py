"""How Sendward proves to Entra ID that it is the app: a client secret or a certificate."""

from __future__ import annotations

import logging
import re
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization

from sendward.config import ConfigError

_CERTIFICATE = re.compile(rb"-----BEGIN CERTIFICATE-----.+?-----END CERTIFICATE-----", re.DOTALL)
_HEX = re.compile(r"^[0-9A-F]+$")
log = logging.getLogger(__name__)


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
        "(a PEM file with the private key and the certificate)"
    )


def certificate_credential(path: Path, thumbprint: str | None) -> dict:
    """A PEM file holding the private key and the certificate Entra ID knows.

    msal (1.35+) signs the client assertion with the certificate's SHA-256 thumbprint (``x5t#S256``,
    PS256) when it is given the certificate and no thumbprint; the SHA-1 ``thumbprint`` form is
    deprecated. So the certificate itself is passed, and SENDWARD_CLIENT_CERTIFICATE_THUMBPRINT (SHA-1
    as the Entra admin center shows it, or SHA-256) is optional: when set, it only checks that the
    file holds the certificate the operator meant. Only a file without the certificate falls back
    to the SHA-1 thumbprint (and a warning)."""
    wanted = _normalised(thumbprint)
    try:
        pem = path.read_bytes()
    except OSError as error:
        raise ConfigError(
            f"SENDWARD_CLIENT_CERTIFICATE_PATH cannot be read: {error.strerror or error}"
        ) from None
    try:
        private_key = serialization.load_pem_private_key(pem, password=None)
    except (ValueError, TypeError):
        raise ConfigError(
            "SENDWARD_CLIENT_CERTIFICATE_PATH must hold an unencrypted PEM private key"
        ) from None
    found = _CERTIFICATE.search(pem)
    if found is None:
        if wanted is None or len(wanted) != 40:
            raise ConfigError(
                "SENDWARD_CLIENT_CERTIFICATE_PATH holds no certificate: append the certificate (PEM) "
                "to the private key, or give its SHA-1 SENDWARD_CLIENT_CERTIFICATE_THUMBPRINT (deprecated)"
            )
        log.warning(
            "the client certificate file holds no certificate: signing in with its SHA-1 thumbprint, "
            "which msal deprecates; append the certificate to the file to use SHA-256"
        )
        return {"private_key": pem.decode("utf-8", "replace"), "thumbprint": wanted}
    try:
        certificate = x509.load_pem_x509_certificate(found.group(0))
    except ValueError:
        raise ConfigError("SENDWARD_CLIENT_CERTIFICATE_PATH holds a certificate that cannot be read") from None
    if _public_der(certificate.public_key()) != _public_der(private_key.public_key()):
        raise ConfigError(
            "the certificate in SENDWARD_CLIENT_CERTIFICATE_PATH is not the private key's certificate"
        )
    if wanted is not None and wanted != thumbprint_of(certificate, len(wanted)):
        raise ConfigError(
            "SENDWARD_CLIENT_CERTIFICATE_THUMBPRINT does not match the certificate in "
            "SENDWARD_CLIENT_CERTIFICATE_PATH"
        )
    return {
        "private_key": pem.decode("utf-8", "replace"),
        # no "thumbprint": msal computes the SHA-256 one from this (and sends the certificate as x5c)
        "public_certificate": found.group(0).decode("ascii"),
    }


def thumbprint_of(certificate: x509.Certificate, digits: int = 64) -> str:
    """The certificate's SHA-256 (64 hex digits) or SHA-1 (40) thumbprint, upper-case."""
    algorithm = hashes.SHA1() if digits == 40 else hashes.SHA256()
    return certificate.fingerprint(algorithm).hex().upper()


def _normalised(thumbprint: str | None) -> str | None:
    if not thumbprint:
        return None
    value = re.sub(r"[\s:]", "", thumbprint).upper()
    if not _HEX.match(value) or len(value) not in (40, 64):
        raise ConfigError(
            "SENDWARD_CLIENT_CERTIFICATE_THUMBPRINT must be 40 (SHA-1) or 64 (SHA-256) hexadecimal digits"
        )
    return value


def _public_der(key) -> bytes:
    return key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
