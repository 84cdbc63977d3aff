"""The outer layer: Flask blueprints and the `sendward` command."""

import ipaddress


def is_loopback(host: str) -> bool:
    """``localhost`` or a loopback address (IPv6 with or without brackets)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False
