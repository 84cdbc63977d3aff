"""Request ids and the log format: JSON lines that parse and carry the request id."""

from __future__ import annotations

import io
import json
import logging

import pytest

from sendward.config import ConfigError, Settings
from sendward.entrypoints.logs import configure_logging


def test_a_sane_incoming_request_id_is_kept_and_echoed(client, auth):
    response = client.post(
        "/api/v1/score", json={"to": []}, headers={**auth(), "X-Request-Id": "edge-01HX/abc=+_:.-9"}
    )
    assert response.headers["X-Request-Id"] == "edge-01HX/abc=+_:.-9"


@pytest.mark.parametrize(
    "offered",
    ["", "x" * 129, "alice@example.org", "has space", "semi;colon", "-starts-with-dash", "naïve", "a\tb"],
)
def test_an_unusable_request_id_is_replaced(client, offered):
    response = client.get("/healthz", headers={"X-Request-Id": offered})
    generated = response.headers["X-Request-Id"]
    assert generated != offered
    assert len(generated) == 32 and int(generated, 16) >= 0


def test_every_response_gets_a_fresh_request_id(client):
    ids = {client.get("/healthz").headers["X-Request-Id"] for _ in range(5)}
    assert len(ids) == 5


def test_error_bodies_name_the_request_id(client, auth):
    for response in (
        client.post("/api/v1/score", json={"to": []}),  # 401
        client.post("/api/v1/score", data="{", content_type="application/json", headers=auth()),  # 400
        client.post("/api/v1/score", data="x", content_type="text/plain", headers=auth()),  # 415
        client.get("/no/such/page"),  # 404
        client.get("/api/v1/admin/policy", headers=auth()),  # 403
    ):
        assert response.status_code >= 400
        assert response.get_json()["request_id"] == response.headers["X-Request-Id"]


def test_access_lines_are_json_with_route_status_and_duration(client, auth, json_log):
    client.post("/api/v1/score", json={"to": [{"address": "a@gmail.com"}]}, headers={**auth(), "X-Request-Id": "req-1"})
    client.get("/api/v1/admin/versions/7", headers={**auth(admin=True), "X-Request-Id": "req-2"})
    access = {line["request_id"]: line for line in json_log() if line["logger"] == "sendward.access"}
    score = access["req-1"]
    assert set(score) == {"time", "level", "logger", "message", "request_id", "method", "route", "status", "duration_ms"}
    assert (score["level"], score["method"], score["route"], score["status"]) == ("INFO", "POST", "/api/v1/score", 200)
    assert score["duration_ms"] > 0
    assert score["time"].endswith("+00:00")
    assert access["req-2"]["route"] == "/api/v1/admin/versions/<int:version>"
    assert access["req-2"]["status"] == 404


def test_service_log_lines_carry_the_request_id(client, auth, json_log, container, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("a message that quotes the draft: alice@example.org")

    monkeypatch.setattr(container.decisions, "decide", broken)
    response = client.post("/api/v1/score", json={"to": []}, headers={**auth(), "X-Request-Id": "req-500"})
    assert response.status_code == 500
    lines = [line for line in json_log() if line["request_id"] == "req-500"]
    service = [line for line in lines if line["logger"] == "sendward.entrypoints.http.errors"]
    assert service and service[0]["level"] == "ERROR"
    assert "alice@example.org" not in json.dumps(lines)


def test_exceptions_are_logged_as_type_and_frames_without_their_message(json_log):
    quoted = "Amelia" + " Okafor, 07700 900123"  # not on the raising line itself
    try:
        raise ValueError(quoted)
    except ValueError:
        logging.getLogger("sendward.test").exception("scan failed")
    (line,) = [entry for entry in json_log() if entry["logger"] == "sendward.test"]
    assert line["exc_type"] == "ValueError"
    assert "test_logs.py" in line["stack"]
    assert "Amelia" not in json.dumps(line)


def test_extra_attributes_outside_the_access_fields_are_not_written(json_log):
    logging.getLogger("sendward.test").warning("counted", extra={"subject": "Care plan for Kwame"})
    (line,) = [entry for entry in json_log() if entry["logger"] == "sendward.test"]
    assert "subject" not in line and "Kwame" not in json.dumps(line)
    assert line["request_id"] is None


def test_probes_are_logged_at_debug(client, json_log):
    client.get("/healthz")
    client.get("/metrics")
    levels = {line["route"]: line["level"] for line in json_log() if line["logger"] == "sendward.access"}
    assert levels == {"/healthz": "DEBUG", "/metrics": "DEBUG"}


def test_text_format_names_the_request_id():
    stream = io.StringIO()
    root = logging.getLogger()
    saved = list(root.handlers)
    try:
        configure_logging("text", "INFO", stream=stream)
        logging.getLogger("sendward.test").info("plain")
    finally:
        for handler in list(root.handlers):
            root.removeHandler(handler)
        for handler in saved:
            root.addHandler(handler)
    assert stream.getvalue().rstrip().endswith("INFO sendward.test [-] plain")


@pytest.mark.parametrize("raw, expected", [("json", "json"), ("TEXT", "text")])
def test_log_format_setting(raw, expected):
    assert Settings.from_env({"SENDWARD_LOG_FORMAT": raw}).log_format == expected


def test_an_unknown_log_format_is_a_configuration_error():
    with pytest.raises(ConfigError, match="SENDWARD_LOG_FORMAT"):
        Settings.from_env({"SENDWARD_LOG_FORMAT": "xml"})


@pytest.mark.parametrize("raw, expected", [("true", True), ("1", True), ("off", False), ("no", False)])
def test_metrics_tenant_label_setting(raw, expected):
    assert Settings.from_env({"SENDWARD_METRICS_TENANT_LABEL": raw}).metrics_tenant_label is expected


def test_a_metrics_tenant_label_that_is_not_a_boolean_is_refused():
    with pytest.raises(ConfigError, match="SENDWARD_METRICS_TENANT_LABEL"):
        Settings.from_env({"SENDWARD_METRICS_TENANT_LABEL": "maybe"})


def test_an_unmatched_request_names_its_path_but_nothing_personal(client, json_log):
    client.get("/favicon.icon", headers={"X-Request-Id": "u-1"})
    client.get("/people/alice@example.org/0207946095?q=secret", headers={"X-Request-Id": "u-2"})
    access = {line["request_id"]: line for line in json_log() if line["logger"] == "sendward.access"}
    assert access["u-1"]["message"] == "GET /favicon.icon 404 (no such route)"
    assert access["u-1"]["route"] == "unmatched" and access["u-1"]["path"] == "/favicon.icon"
    assert access["u-2"]["path"] == "/people/…/…"
    assert "alice" not in json.dumps(access["u-2"]) and "secret" not in json.dumps(access["u-2"])
