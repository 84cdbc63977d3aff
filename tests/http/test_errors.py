"""Bad requests get clear JSON errors with the right status, never a 500."""

import pytest

from sendward.entrypoints.http.app import create_app


def post(client, data=None, json=None, headers=None, content_type=None):
    return client.post("/api/v1/score", data=data, json=json, headers=headers, content_type=content_type)


def assert_error(response, status, code=None):
    assert response.status_code == status, response.get_data(as_text=True)
    body = response.get_json()
    assert set(body) >= {"error", "message"}
    assert body["message"]
    if code:
        assert body["error"] == code
    return body


def test_malformed_json(client, auth):
    assert_error(post(client, data="{not json", headers=auth(), content_type="application/json"), 400, "invalid_json")


def test_json_that_is_not_an_object(client, auth):
    assert_error(post(client, data="[1, 2]", headers=auth(), content_type="application/json"), 400, "invalid_json")


def test_missing_to(client, auth):
    body = assert_error(post(client, json={"subject": "hi"}, headers=auth()), 400, "invalid_draft")
    assert body["fields"] == [{"field": "to", "message": "Field required"}]


def test_wrong_field_types(client, auth):
    body = assert_error(post(client, json={"to": "someone@example.org"}, headers=auth()), 400, "invalid_draft")
    assert body["fields"][0]["field"] == "to"


def test_invalid_base64(client, auth):
    body = {"to": [{"address": "a@b.org"}], "attachments": [{"name": "x.xlsx", "content_base64": "not base64!"}]}
    response = assert_error(post(client, json=body, headers=auth()), 400, "invalid_draft")
    assert response["fields"][0]["field"] == "attachments.0.content_base64"


def test_deeply_nested_json(client, auth):
    assert_error(post(client, data="[" * 100000 + "]" * 100000, headers=auth(), content_type="application/json"), 400)


def test_wrong_content_type(client, auth):
    assert_error(post(client, data="to=a@b.org", headers=auth(), content_type="text/plain"), 415)


def test_no_token(client):
    response = post(client, json={"to": []})
    assert_error(response, 401, "missing_token")
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("header", ["Bearer", "Bearer ", "Basic dXNlcjpwYXNz", "Bearer not.a.jwt", "token abc"])
def test_bad_authorization_headers(client, header):
    assert_error(post(client, json={"to": []}, headers={"Authorization": header}), 401)


def test_expired_token(client, token):
    response = post(client, json={"to": []}, headers={"Authorization": f"Bearer {token(lifetime=-600)}"})
    assert "expired" in assert_error(response, 401, "invalid_token")["message"]


def test_oversized_body(settings, scanner, auth):
    from sendward.bootstrap import bootstrap

    container = bootstrap(settings.with_changes(max_request_bytes=10_000), scanner=scanner)
    small = create_app(container=container).test_client()
    headers = auth()
    response = small.post("/api/v1/score", json={"to": [], "subject": "x" * 20_000}, headers=headers)
    assert_error(response, 413, "too_large")


def test_too_long_a_subject_is_refused_clearly(client, auth):
    assert_error(post(client, json={"to": [], "subject": "x" * 20_000}, headers=auth()), 400, "invalid_draft")


def test_unknown_route_and_method(client, auth):
    assert_error(client.get("/api/v1/nothing"), 404)
    assert_error(client.get("/api/v1/score", headers=auth()), 405)


def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json()["status"] == "ok"


def test_errors_never_echo_the_request(client, auth):
    body = post(client, data='{"to": [{"address": 12345}], "subject": "07700 900123"}', headers=auth(), content_type="application/json")
    assert "07700" not in body.get_data(as_text=True)
