"""Metrics adapters: the services' Telemetry as Prometheus metrics."""
