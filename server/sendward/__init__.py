"""Sendward: a send-time data-leak guard for Outlook and Microsoft 365.

The data flows draft -> signals -> policy -> verdict:

- ``domain``      the pure core: draft model, signals, policy, rules, verdict (no IO)
- ``detection``   reading attachments and bodies into signals (CPU only, no network)
- ``services``    use cases that tie the core to the adapters (score a draft, manage policy)
- ``adapters``    the edges: storage, identity, Microsoft Graph, caches
- ``entrypoints`` the thin outer layer: Flask blueprints and the ``sendward`` command
- ``kernel``      the plain types every layer shares: deadline, caller, telemetry, time helpers
"""

__version__ = "0.1.0"


def create_app(*args, **kwargs):
    """Application factory (see ``sendward.entrypoints.http.app``)."""
    from sendward.entrypoints.http.app import create_app as factory

    return factory(*args, **kwargs)
