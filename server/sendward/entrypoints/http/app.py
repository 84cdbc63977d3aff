"""The application factory."""

from __future__ import annotations

import logging

from flask import Flask, request

from sendward.bootstrap import Container, bootstrap
from sendward.config import Settings
from sendward.entrypoints.http import (
    addin,
    admin_api,
    admin_page,
    api,
    demo,
    health,
    home,
    metrics,
    observe,
    openapi,
)
from sendward.entrypoints.http.errors import register_error_handlers


def create_app(settings: Settings | None = None, container: Container | None = None) -> Flask:
    app = Flask("sendward")
    if container is None:
        container = bootstrap(settings or Settings.from_env())
    app.extensions["sendward"] = container
    app.config["MAX_CONTENT_LENGTH"] = container.settings.max_request_bytes
    app.json.sort_keys = False
    logging.basicConfig(level=container.settings.log_level)
    observe.install(app)  # first: request ids and timing before any other hook
    register_error_handlers(app)
    for blueprint in (home.bp, health.bp, api.bp, admin_api.bp, admin_page.bp, addin.bp, metrics.bp, openapi.bp):
        app.register_blueprint(blueprint)
    if container.settings.identity == "dev":
        app.register_blueprint(demo.bp)  # the demo's token endpoint exists only with the dev identity
    app.after_request(_no_store)
    return app


API_BLUEPRINTS = (health.bp, api.bp, admin_api.bp, metrics.bp, openapi.bp)  # the routes the OpenAPI document covers


def api_routes() -> Flask:
    """An app with the API's routes and nothing else (no container): enough to derive the OpenAPI document."""
    app = Flask("sendward")
    for blueprint in API_BLUEPRINTS:
        app.register_blueprint(blueprint)
    return app


NO_STORE_PATHS = ("/api/", "/metrics")


def _no_store(response):
    """API answers (verdicts, policies, audit data) are never kept by a browser or a proxy cache."""
    if request.path.startswith(NO_STORE_PATHS):
        response.headers["Cache-Control"] = "no-store"
    return response
