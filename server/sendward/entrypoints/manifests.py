"""Render the add-in's manifests for one deployment: the add-in only (XML) manifest and the
unified manifest for Microsoft 365 (JSON, in an app package with its icons).

Templates are manifest/manifest.xml.tmpl and manifest/manifest.json.tmpl with ${name}
placeholders. `sendward manifest` calls write_manifests.
"""

from __future__ import annotations

import json
import re
import shutil
import uuid
import zipfile
from dataclasses import dataclass
from pathlib import Path
from string import Template
from urllib.parse import urlsplit
from xml.sax.saxutils import escape

import sendward

# Stable ids: Outlook identifies an add-in by its id, so a new id is a new add-in. The
# development variant has its own, so both can be installed side by side.
APP_ID = "3e2cdbfd-6ffd-41e9-869f-7f57d98825f9"
DEV_APP_ID = "6b0d68e8-5559-4cee-92a1-544ff4ba9fa6"
DEV_BASE_URL = "https://localhost:3000"
# When both manifests exist, Microsoft requires the unified manifest to have an id of its own and
# to hide the add-in-only one (extensions[].alternates[].hide.customOfficeAddin.officeAddinId), or
# users see the add-in twice ("Manage both a unified manifest and an add-in only manifest"). Its id
# is derived from the XML id, so it is stable and a custom --app-id gets its own pair.
UNIFIED_ID_NAMESPACE = uuid.UUID("c1a7e5d2-2b1f-4c7e-9a39-5e1d0b6f8a41")
PANE_COMMAND_ID = "SendwardPaneButton"  # also in addin/launchevent.js (event.completed commandId)
SEND_MODES = {"SoftBlock": "softBlock", "Block": "block", "PromptUser": "promptUser"}
_GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


class ManifestError(ValueError):
    """A deployment value the manifests cannot use; the message names it."""


@dataclass(frozen=True)
class Deployment:
    base_url: str  # an https origin, no trailing slash
    client_id: str  # the Entra ID application (client) id
    app_id: str = APP_ID
    send_mode: str = "SoftBlock"
    display_name: str = "Sendward"

    @property
    def unified_app_id(self) -> str:
        """The unified manifest's own id (never the XML manifest's)."""
        return str(uuid.uuid5(UNIFIED_ID_NAMESPACE, self.app_id.lower()))

    @property
    def host(self) -> str:
        return urlsplit(self.base_url).netloc

    @property
    def api_resource(self) -> str:
        """The Application ID URI Office SSO requires: api://<host>/<client id>."""
        return f"api://{self.host}/{self.client_id}"


def deployment(base_url: str, client_id: str, *, dev: bool = False, app_id: str | None = None,
               send_mode: str = "SoftBlock") -> Deployment:
    base_url = check_base_url(base_url)
    if not _GUID.match(client_id or ""):
        raise ManifestError("--client-id must be the application (client) id, a GUID")
    chosen_id = app_id or (DEV_APP_ID if dev else APP_ID)
    if not _GUID.match(chosen_id):
        raise ManifestError("--app-id must be a GUID")
    if send_mode not in SEND_MODES:
        raise ManifestError(f"--send-mode must be one of {', '.join(SEND_MODES)}")
    name = "Sendward (development)" if dev else "Sendward"
    return Deployment(base_url, client_id.lower(), chosen_id.lower(), send_mode, name)


def check_base_url(url: str) -> str:
    parts = urlsplit((url or "").strip())
    if parts.scheme != "https" or not parts.hostname:
        raise ManifestError("--base-url must be an absolute https URL (Outlook loads add-ins over https only)")
    if parts.path not in ("", "/") or parts.query or parts.fragment or parts.username or parts.password:
        raise ManifestError("--base-url must be an origin such as https://sendward.example.org, without a path")
    return f"https://{parts.netloc}"


def _values(d: Deployment) -> dict[str, str]:
    return {
        "app_id": d.app_id,
        "unified_app_id": d.unified_app_id,
        "version": sendward.__version__ + ".0",
        "short_version": sendward.__version__,
        "provider": "Sendward",
        "display_name": d.display_name,
        "base_url": d.base_url,
        "origin": d.base_url,
        "host": d.host,
        "client_id": d.client_id,
        "api_resource": d.api_resource,
        "send_mode": d.send_mode,
        "send_mode_json": SEND_MODES[d.send_mode],
        "pane_command_id": PANE_COMMAND_ID,
    }


def render_xml(d: Deployment, templates: Path) -> str:
    values = {k: escape(v, {'"': "&quot;"}) for k, v in _values(d).items()}
    return Template((templates / "manifest.xml.tmpl").read_text("utf-8")).substitute(values)


def render_json(d: Deployment, templates: Path) -> dict:
    values = _values(d)

    def fill(node):
        if isinstance(node, str):
            return Template(node).substitute(values)
        if isinstance(node, list):
            return [fill(n) for n in node]
        if isinstance(node, dict):
            return {k: fill(v) for k, v in node.items()}
        return node

    return fill(json.loads((templates / "manifest.json.tmpl").read_text("utf-8")))


def write_manifests(d: Deployment, out: Path, templates: Path, assets: Path) -> list[Path]:
    """manifest.xml, and the unified manifest's app package (manifest.json, color.png, outline.png, zipped)."""
    out.mkdir(parents=True, exist_ok=True)
    xml_path = out / "manifest.xml"
    xml_path.write_text(render_xml(d, templates), "utf-8")
    json_path = out / "manifest.json"
    json_path.write_text(json.dumps(render_json(d, templates), indent=2) + "\n", "utf-8")
    color, outline = out / "color.png", out / "outline.png"
    shutil.copyfile(assets / "icon-192.png", color)
    shutil.copyfile(assets / "outline-32.png", outline)
    package = out / "sendward-app.zip"
    with zipfile.ZipFile(package, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in (json_path, color, outline):
            archive.write(path, path.name)
    return [xml_path, json_path, color, outline, package]
