"""`sendward manifest`: both manifests for a deployment, validated offline.

The XML manifest is checked against the element order of the published schema
(MS-OWEMXML: OfficeApp/MailApp, VersionOverridesV1_0/V1_1) and for what Smart Alerts
needs; the unified manifest against Microsoft's JSON schema shipped in the npm package
@microsoft/app-manifest (installed by `npm ci` in addin/).
"""

from __future__ import annotations

import json
import re
import struct
import zipfile
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from defusedxml import ElementTree

from sendward.entrypoints import manifests
from sendward.entrypoints.addin_files import addin_dir, manifest_dir
from sendward.entrypoints.cli import main

BASE = "https://sendward.northshire.gov.uk"
CLIENT = "6a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"
NS = {
    "o": "http://schemas.microsoft.com/office/appforoffice/1.1",
    "bt": "http://schemas.microsoft.com/office/officeappbasictypes/1.0",
    "v10": "http://schemas.microsoft.com/office/mailappversionoverrides",
    "v11": "http://schemas.microsoft.com/office/mailappversionoverrides/1.1",
    "xsi": "http://www.w3.org/2001/XMLSchema-instance",
}
XSI_TYPE = f"{{{NS['xsi']}}}type"
SCHEMA = addin_dir() / "node_modules/@microsoft/app-manifest/build/json-schemas/teams/v1.22/MicrosoftTeams.schema.json"

# Child order of the schema's sequences (MS-OWEMXML 2.2: OfficeApp, MailApp, VersionOverridesV1_0/V1_1).
OFFICE_APP_ORDER = [
    "Id", "AlternateId", "Version", "ProviderName", "DefaultLocale", "DisplayName", "Description", "IconUrl",
    "HighResolutionIconUrl", "SupportUrl", "AppDomains", "Hosts", "Requirements", "FormSettings", "Permissions",
    "Rule", "DisableEntityHighlighting", "VersionOverrides",
]
OFFICE_APP_REQUIRED = ["Id", "Version", "ProviderName", "DefaultLocale", "DisplayName", "Description",
                       "Requirements", "FormSettings", "Rule"]
V10_ORDER = ["Description", "Requirements", "Hosts", "Resources", "VersionOverrides"]
V11_ORDER = ["Description", "Requirements", "Hosts", "Resources", "WebApplicationInfo", "EquivalentAddins",
             "ConnectedServiceControls", "ExtendedPermissions"]


def local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def assert_in_schema_order(element, order):
    names = [local(child.tag) for child in element]
    assert all(n in order for n in names), f"unexpected children of {local(element.tag)}: {names}"
    positions = [order.index(n) for n in names]
    assert positions == sorted(positions), f"children of {local(element.tag)} out of schema order: {names}"


def render(dev=False, **kwargs):
    d = manifests.deployment(kwargs.pop("base_url", BASE), CLIENT, dev=dev, **kwargs)
    return d, manifests.render_xml(d, manifest_dir()), manifests.render_json(d, manifest_dir())


@pytest.fixture(scope="module")
def xml_root():
    _, xml, _ = render()
    return ElementTree.fromstring(xml.encode())


@pytest.fixture(scope="module")
def unified():
    return render()[2]


# -- the XML (add-in only) manifest ------------------------------------------------------


def test_xml_is_a_mail_app_with_its_elements_in_schema_order(xml_root):
    assert local(xml_root.tag) == "OfficeApp" and xml_root.get(XSI_TYPE) == "MailApp"
    assert_in_schema_order(xml_root, OFFICE_APP_ORDER)
    present = {local(c.tag) for c in xml_root}
    assert set(OFFICE_APP_REQUIRED) <= present
    v10 = xml_root.find("v10:VersionOverrides", NS)
    assert v10.get(XSI_TYPE) == "VersionOverridesV1_0"
    assert_in_schema_order(v10, V10_ORDER)
    v11 = v10.find("v11:VersionOverrides", NS)
    assert v11.get(XSI_TYPE) == "VersionOverridesV1_1"
    assert_in_schema_order(v11, V11_ORDER)


def test_requirement_sets_are_declared(xml_root):
    base = xml_root.find("o:Requirements/o:Sets/o:Set", NS)
    assert (base.get("Name"), base.get("MinVersion")) == ("Mailbox", "1.1")
    sets = xml_root.find(".//v11:Requirements/bt:Sets", NS)
    assert sets.get("DefaultMinVersion") == "1.12"  # OnMessageSend needs Mailbox 1.12
    assert [s.get("Name") for s in sets] == ["Mailbox"]


def test_the_send_handler_is_a_soft_block_launch_event_with_both_runtimes(xml_root):
    events = {e.get("Type"): e for e in xml_root.iter(f"{{{NS['v11']}}}LaunchEvent")}
    assert set(events) == {"OnMessageSend", "OnMessageRecipientsChanged", "OnMessageAttachmentsChanged"}
    assert events["OnMessageSend"].get("SendMode") == "SoftBlock"
    assert events["OnMessageSend"].get("FunctionName") == "onMessageSendHandler"
    urls = resources(xml_root)
    runtime = xml_root.find(".//v11:Runtimes/v11:Runtime", NS)
    assert urls[runtime.get("resid")] == f"{BASE}/addin/commands.html"
    override = runtime.find("v11:Override", NS)
    assert override.get("type") == "javascript"
    assert urls[override.get("resid")] == f"{BASE}/addin/launchevent.js"
    handler = (addin_dir() / "launchevent.js").read_text()
    for event in events.values():
        assert f'associate("{event.get("FunctionName")}"' in handler


def test_the_pane_command_id_is_the_one_the_handler_names(xml_root):
    controls = list(xml_root.iter(f"{{{NS['v11']}}}Control"))
    assert [c.get("id") for c in controls] == [manifests.PANE_COMMAND_ID]
    action = controls[0].find("v11:Action", NS)
    assert action.get(XSI_TYPE) == "ShowTaskpane"
    assert resources(xml_root)[action.find("v11:SourceLocation", NS).get("resid")] == f"{BASE}/addin/taskpane.html"
    assert f'PANE_COMMAND_ID = "{manifests.PANE_COMMAND_ID}"' in (addin_dir() / "launchevent.js").read_text()


def test_every_resource_reference_resolves_and_fits(xml_root):
    declared = {e.get("id") for e in xml_root.iter() if local(e.tag) in ("Image", "Url", "String") and e.get("id")}
    referenced = {e.get("resid") for e in xml_root.iter() if e.get("resid")}
    assert referenced <= declared
    assert all(len(resid) <= 32 for resid in declared | referenced)


def test_every_url_is_absolute_https_on_the_deployment(xml_root):
    urls = [e.get("DefaultValue") for e in xml_root.iter() if (e.get("DefaultValue") or "").startswith("http")]
    urls += [e.text for e in xml_root.iter(f"{{{NS['o']}}}AppDomain")]
    assert len(urls) >= 10
    for url in urls:
        parts = urlsplit(url)
        assert parts.scheme == "https" and f"https://{parts.netloc}" == BASE, url


def test_sso_application_is_declared(xml_root):
    info = xml_root.find(".//v11:WebApplicationInfo", NS)
    assert info.find("v11:Id", NS).text == CLIENT
    assert info.find("v11:Resource", NS).text == f"api://sendward.northshire.gov.uk/{CLIENT}"


def test_permissions_and_activation_cover_composing_messages(xml_root):
    assert xml_root.find("o:Permissions", NS).text == "ReadWriteItem"
    rule = xml_root.find("o:Rule/o:Rule", NS)
    assert (rule.get("ItemType"), rule.get("FormType")) == ("Message", "Edit")


def resources(root) -> dict[str, str]:
    return {e.get("id"): e.get("DefaultValue") for e in root.iter(f"{{{NS['bt']}}}Url")}


# -- the unified manifest (JSON) ---------------------------------------------------------


def test_unified_manifest_validates_against_microsofts_schema(unified):
    if not SCHEMA.is_file():
        pytest.skip("the JSON schema comes with npm ci in addin/ (@microsoft/app-manifest)")
    import jsonschema

    schema = json.loads(SCHEMA.read_text("utf-8"))
    errors = sorted(jsonschema.Draft4Validator(schema).iter_errors(unified), key=str)
    assert errors == []
    assert unified["manifestVersion"] == schema["properties"]["manifestVersion"]["const"]


def test_the_schema_check_can_fail(unified):
    if not SCHEMA.is_file():
        pytest.skip("the JSON schema comes with npm ci in addin/")
    import jsonschema

    broken = json.loads(json.dumps(unified))
    broken["extensions"][0]["autoRunEvents"][0]["events"][0]["options"]["sendMode"] = "maybe"
    assert list(jsonschema.Draft4Validator(json.loads(SCHEMA.read_text())).iter_errors(broken))


def test_unified_events_point_at_declared_actions(unified):
    extension = unified["extensions"][0]
    actions = {a["id"] for r in extension["runtimes"] for a in r["actions"]}
    events = {e["type"]: e for e in extension["autoRunEvents"][0]["events"]}
    assert set(events) == {"messageSending", "messageRecipientsChanged", "messageAttachmentsChanged"}
    assert events["messageSending"]["options"] == {"sendMode": "softBlock"}
    assert {e["actionId"] for e in events.values()} <= actions
    event_runtime = next(r for r in extension["runtimes"] if any(a["type"] == "executeFunction" for a in r["actions"]))
    assert event_runtime["code"] == {"page": f"{BASE}/addin/commands.html", "script": f"{BASE}/addin/launchevent.js"}
    assert extension["requirements"]["capabilities"] == [{"name": "Mailbox", "minVersion": "1.12"}]


def test_unified_pane_control_and_urls(unified):
    controls = [c for r in unified["extensions"][0]["ribbons"] for t in r["tabs"] for g in t["groups"] for c in g["controls"]]
    assert [c["id"] for c in controls] == [manifests.PANE_COMMAND_ID]
    urls = re.findall(r'"(https?://[^"]+)"', json.dumps({k: v for k, v in unified.items() if k != "$schema"}))
    assert urls and all(u.startswith(BASE + "/") for u in urls)
    assert unified["validDomains"] == ["sendward.northshire.gov.uk"]
    assert unified["webApplicationInfo"] == {"id": CLIENT, "resource": f"api://sendward.northshire.gov.uk/{CLIENT}"}


# -- ids and variants --------------------------------------------------------------------


def test_ids_are_stable_and_the_dev_variant_has_its_own():
    first, second, dev = render(), render(), render(dev=True, base_url="https://localhost:3000")
    ids = [ElementTree.fromstring(x[1].encode()).find("o:Id", NS).text for x in (first, second, dev)]
    assert ids[0] == ids[1] == manifests.APP_ID
    assert ids[2] == manifests.DEV_APP_ID != ids[0]
    assert first[1] == second[1]
    assert first[2]["id"] == second[2]["id"], "the unified id is stable too"


def test_the_unified_manifest_has_its_own_id_and_hides_the_xml_add_in():
    """Both manifests deployed: Outlook must not show the add-in twice (issue 13)."""
    for variant in (render(), render(dev=True, base_url="https://localhost:3000")):
        xml_id = ElementTree.fromstring(variant[1].encode()).find("o:Id", NS).text
        unified = variant[2]
        assert unified["id"] != xml_id
        assert unified["extensions"][0]["alternates"] == [{"hide": {"customOfficeAddin": {"officeAddinId": xml_id}}}]
    own = manifests.deployment(BASE, CLIENT, app_id="0f0e0d0c-0b0a-4909-8807-060504030201")
    assert own.unified_app_id not in (own.app_id, manifests.deployment(BASE, CLIENT).unified_app_id)


def test_send_mode_can_be_chosen():
    _, xml, unified = render(send_mode="Block")
    assert 'SendMode="Block"' in xml
    assert unified["extensions"][0]["autoRunEvents"][0]["events"][0]["options"]["sendMode"] == "block"


@pytest.mark.parametrize(
    "base_url",
    ["http://sendward.example.org", "sendward.example.org", "https://sendward.example.org/app", "https://", ""],
)
def test_base_urls_that_cannot_host_an_add_in_are_refused(base_url):
    with pytest.raises(manifests.ManifestError):
        manifests.deployment(base_url, CLIENT)


def test_values_are_escaped_into_the_xml():
    d = manifests.Deployment(base_url=BASE, client_id=CLIENT, display_name='A & "B"')
    root = ElementTree.fromstring(manifests.render_xml(d, manifest_dir()).encode())
    assert root.find("o:DisplayName", NS).get("DefaultValue") == 'A & "B"'


# -- the command -------------------------------------------------------------------------


def test_the_command_writes_both_manifests_and_the_app_package(tmp_path, capsys):
    assert main(["manifest", "--base-url", BASE + "/", "--client-id", CLIENT, "--out", str(tmp_path)]) == 0
    written = capsys.readouterr().out.split()
    assert [Path(p).name for p in written] == ["manifest.xml", "manifest.json", "color.png", "outline.png", "sendward-app.zip"]
    ElementTree.parse(tmp_path / "manifest.xml")
    assert json.loads((tmp_path / "manifest.json").read_text())["id"] == manifests.deployment(BASE, CLIENT).unified_app_id
    assert png_size(tmp_path / "color.png") == (192, 192)
    assert png_size(tmp_path / "outline.png") == (32, 32)
    with zipfile.ZipFile(tmp_path / "sendward-app.zip") as package:
        assert sorted(package.namelist()) == ["color.png", "manifest.json", "outline.png"]


def test_the_dev_variant_needs_no_base_url(tmp_path):
    assert main(["manifest", "--dev", "--client-id", CLIENT, "--out", str(tmp_path)]) == 0
    assert "https://localhost:3000/addin/launchevent.js" in (tmp_path / "manifest.xml").read_text()


@pytest.mark.parametrize(
    "args, message",
    [
        (["--base-url", "http://x.org", "--client-id", CLIENT], "https"),
        (["--base-url", BASE, "--client-id", "not-a-guid"], "client-id"),
        (["--client-id", CLIENT], "--base-url"),
        (["--base-url", BASE, "--client-id", CLIENT, "--app-id", "x"], "app-id"),
    ],
)
def test_bad_arguments_are_usage_errors(tmp_path, capsys, args, message):
    assert main(["manifest", *args, "--out", str(tmp_path)]) == 64
    assert message in capsys.readouterr().err


def test_every_url_in_the_manifests_is_served(client):
    _, xml, unified = render()
    urls = set(re.findall(re.escape(BASE) + r"(/[^\"'<\s#]*)", xml + json.dumps(unified)))
    assert "/addin/launchevent.js" in urls and "/addin/taskpane.html" in urls
    for path in sorted(urls):
        assert client.get(path).status_code == 200, path


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])
