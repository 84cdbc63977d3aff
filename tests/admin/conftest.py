"""Signing in to the admin page through its own sign-in form (the dev identity)."""

from __future__ import annotations

import pytest

from tests.admin.htmlform import csrf_of


@pytest.fixture
def sign_in(client):
    """sign_in(tenant=..., user=..., admin=True) -> the session's CSRF token."""

    def go(tenant="tenant-a", user="admin@northshire.gov.uk", admin=True):
        page = client.get("/admin/sign-in")
        form = {"csrf_token": csrf_of(page.text), "tenant": tenant, "user": user}
        if admin:
            form["admin"] = "on"
        response = client.post("/admin/sign-in", data=form)
        assert response.status_code == 302, response.text
        return csrf_of(client.get("/admin/").text)

    return go
