"""Scan-result caches (services.ports.ScanCache)."""
