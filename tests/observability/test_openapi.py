"""GET /api/v1/openapi.json: generated from the validating models, and true to real responses."""

from __future__ import annotations

import base64

import jsonschema
import pytest

from sendward.domain.rules import RULE_IDS
from sendward.drafts.json_draft import ScoreRequest
from sendward.entrypoints.http import schemas
from sendward.entrypoints.http.app import api_routes
from sendward.entrypoints.http.openapi import documented, openapi_document


@pytest.fixture
def document(client) -> dict:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.get_json()


def validator(document: dict, name: str) -> jsonschema.Draft202012Validator:
    """A validator for one component schema, resolving its $refs inside the document."""
    schema = {"$ref": f"#/components/schemas/{name}", "components": document["components"]}
    return jsonschema.Draft202012Validator(schema)


def conforms(document: dict, name: str, instance) -> None:
    errors = sorted(validator(document, name).iter_errors(instance), key=str)
    assert errors == [], [f"{list(e.absolute_path)}: {e.message}" for e in errors[:5]]


def test_it_describes_the_api_with_bearer_auth(document):
    assert document["openapi"].startswith("3.1")
    paths = document["paths"]
    assert {"/healthz", "/metrics", "/api/v1/score", "/api/v1/admin/policy", "/api/v1/openapi.json"} <= set(paths)
    assert document["components"]["securitySchemes"]["bearer"] == {
        **document["components"]["securitySchemes"]["bearer"], "type": "http", "scheme": "bearer"
    }
    score = paths["/api/v1/score"]["post"]
    assert score["security"] == [{"bearer": []}]
    assert paths["/healthz"]["get"]["security"] == []
    assert score["requestBody"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/ScoreRequest"}
    assert score["responses"]["200"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Verdict"}
    for status in ("400", "401", "413", "415", "422"):
        assert score["responses"][status]["content"]["application/json"]["schema"] == {
            "$ref": "#/components/schemas/Error"
        }


def test_every_route_of_the_api_is_described(app, document):
    described = {(path, method) for path, ops in document["paths"].items() for method in ops}
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/") or rule.rule in ("/healthz", "/metrics"):
            path = rule.rule.replace("<int:", "{").replace("<", "{").replace(">", "}")
            for method in rule.methods - {"HEAD", "OPTIONS"}:
                assert (path, method.lower()) in described, (path, method)


def test_the_request_schema_is_the_validating_model(document):
    generated = ScoreRequest.model_json_schema(ref_template="#/components/schemas/{model}")
    published = document["components"]["schemas"]["ScoreRequest"]
    assert published == {k: v for k, v in generated.items() if k != "$defs"}
    assert "from" in published["properties"]  # by alias, as clients send it


def test_enumerations_come_from_the_domain(document):
    finding = document["components"]["schemas"]["Finding"]
    assert finding["properties"]["rule"]["enum"] == list(RULE_IDS)
    assert "additionalProperties" in finding and finding["additionalProperties"] is False


def test_it_is_served_without_a_token_and_is_the_generated_document(document):
    assert document == openapi_document(api_routes())


def test_paths_methods_and_path_parameters_come_from_the_routes():
    from flask import Blueprint, Flask

    bp = Blueprint("things", __name__, url_prefix="/api/v9")

    @bp.delete("/things/<int:number>/parts/<name>")
    @documented("Remove a part", errors=(404,))
    def remove_part(number: int, name: str):
        return {}

    @bp.get("/undocumented")
    def hidden():
        return {}

    app = Flask("things")
    app.register_blueprint(bp)
    paths = openapi_document(app)["paths"]
    assert list(paths) == ["/api/v9/things/{number}/parts/{name}"]
    operation = paths["/api/v9/things/{number}/parts/{name}"]["delete"]
    assert operation["operationId"] == "delete_api_v9_things_number_parts_name"
    assert [(p["name"], p["schema"]) for p in operation["parameters"] if p["in"] == "path"] == [
        ("number", {"type": "integer", "minimum": 0}), ("name", {"type": "string"})
    ]
    assert set(operation["responses"]) == {"200", "404"}


# -- real responses against the schemas ------------------------------------------------------


def heavy_draft(clients_xlsx: bytes) -> dict:
    return {
        "from": {"address": "ils@northshire.gov.uk"},
        "to": [{"address": f"client{i}@gmail.com"} for i in range(157)],
        "subject": "Referrals",
        "body": {"type": "text", "content": "Amelia Okafor 07700 900123, Kwame Mensah 07700 900456"},
        "attachments": [
            {"name": "clients.xlsx", "content_base64": base64.b64encode(clients_xlsx).decode()},
            {"name": "scan.png", "content_base64": base64.b64encode(b"\x89PNG\r\n\x1a\n" + b"0" * 64).decode()},
            {"name": "locked.zip", "content_base64": base64.b64encode(b"PK\x03\x04garbage").decode()},
        ],
    }


def test_real_verdicts_match_the_verdict_model_exactly(client, auth, document, clients_xlsx):
    first = client.post("/api/v1/score", json=heavy_draft(clients_xlsx), headers=auth())
    assert first.status_code == 200
    verdict = first.get_json()
    assert verdict["findings"] and len(verdict["attachments"]) == 3
    schemas.Verdict.model_validate(verdict)  # extra fields forbidden: a new field must be modelled
    conforms(document, "Verdict", verdict)
    overridden = client.post(
        "/api/v1/score",
        json={**heavy_draft(clients_xlsx), "override": {"decision_id": verdict["decision_id"], "justification": "ok"}},
        headers=auth(),
    ).get_json()
    assert "override" in overridden
    schemas.Verdict.model_validate(overridden)
    conforms(document, "Verdict", overridden)


def test_monitor_mode_verdicts_match(client, auth, document):
    client.put("/api/v1/admin/policy", json={"mode": "monitor"}, headers=auth(admin=True))
    draft = {"from": {"address": "ils@northshire.gov.uk"}, "to": [{"address": f"c{i}@gmail.com"} for i in range(157)]}
    verdict = client.post("/api/v1/score", json=draft, headers=auth()).get_json()
    assert verdict["would_action"] == "block" and verdict["findings"][0]["would_action"] == "block"
    schemas.Verdict.model_validate(verdict)
    conforms(document, "Verdict", verdict)


def test_other_responses_match_their_models(client, auth, document):
    admin = auth(admin=True)
    conforms(document, "Health", client.get("/healthz").get_json())
    policy = client.get("/api/v1/admin/policy", headers=admin).get_json()
    schemas.PolicyDocument.model_validate(policy)
    conforms(document, "PolicyDocument", policy)
    checked = client.post("/api/v1/admin/policy/validate", json={}, headers=admin).get_json()
    conforms(document, "PolicyCheck", checked)
    draft = {"to": [{"address": "a@gmail.com"}]}
    simulated = client.post("/api/v1/admin/simulate", json={"draft": draft, "policy": {}}, headers=admin).get_json()
    assert simulated["verdict"]["policy_version"] is None
    schemas.Simulation.model_validate(simulated)
    conforms(document, "Simulation", simulated)


def test_error_bodies_match_the_error_model(client, auth, document):
    admin = auth(admin=True)
    errors = [
        client.post("/api/v1/score", json={"to": 5}, headers=auth()),
        client.post("/api/v1/score", json={"to": []}),
        client.put("/api/v1/admin/policy", json={"retention_days": 0}, headers=admin),
        client.put("/api/v1/admin/policy", json={}, headers={**admin, "If-Match": '"v9"'}),
    ]
    assert [e.status_code for e in errors] == [400, 401, 422, 409]
    for response in errors:
        conforms(document, "Error", response.get_json())
    assert errors[2].get_json()["fields"][0]["field"] == "retention_days"
