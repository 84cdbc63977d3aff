"""Schemathesis against the WSGI app: generated requests from the OpenAPI document.

No answer is a 500, every status, content type and header is one the document declares,
and the body conforms to its schema. `make test` runs a few examples per operation; `make soak` (slow)
runs many more.
"""

from __future__ import annotations

import os

import pytest
import schemathesis
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from sendward.entrypoints.http.app import api_routes
from sendward.entrypoints.http.openapi import openapi_document

# Not negative_data_rejection: pydantic's lax mode accepts 0 for false and "5" for 5, which
# JSON Schema calls invalid; that leniency is deliberate (docs/reference.md).
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
QUICK_EXAMPLES = 5
SOAK_EXAMPLES = int(os.environ.get("SENDWARD_FUZZ_EXAMPLES", "300"))
FIXTURE_HEALTH = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much]


@pytest.fixture
def settings(settings):
    """No rate limit: hundreds of generated requests from one user must each reach the endpoint."""
    return settings.with_changes(rate_limit_per_user=0)


@pytest.fixture
def admin_headers(auth):
    return auth(admin=True)


# The document GET /api/v1/openapi.json serves (test_openapi.py checks they are the same); loaded
# from the function because schemathesis's fixture loader does not run under pytest 9.
schema = schemathesis.openapi.from_dict(openapi_document(api_routes()))
quick = schemathesis.openapi.from_dict(openapi_document(api_routes()))
quick.config.phases.coverage.enabled = False  # its boundary cases for every field: soak only


@quick.parametrize()
@hypothesis_settings(max_examples=QUICK_EXAMPLES, deadline=None, suppress_health_check=FIXTURE_HEALTH, database=None)
def test_the_api_answers_as_its_document_says(case, app, admin_headers):
    case.call_and_validate(app=app, headers=admin_headers, checks=CHECKS)


@pytest.mark.slow
@schema.parametrize()
@hypothesis_settings(max_examples=SOAK_EXAMPLES, deadline=None, suppress_health_check=FIXTURE_HEALTH, database=None)
def test_the_api_answers_as_its_document_says_at_length(case, app, admin_headers):
    case.call_and_validate(app=app, headers=admin_headers, checks=CHECKS)
