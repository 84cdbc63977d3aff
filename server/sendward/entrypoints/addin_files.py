"""Where the Outlook add-in's files (addin/) and manifest templates (manifest/) are.

They live beside server/ in a checkout (`make run`, `pip install -e`). A deployment that
installs the package elsewhere copies both folders and sets SENDWARD_ADDIN_DIR to the
addin/ folder; the templates are then looked for in the manifest/ folder next to it.
"""

from __future__ import annotations

from pathlib import Path

import sendward

CHECKOUT = Path(sendward.__file__).resolve().parents[2]


class AddinFilesMissing(RuntimeError):
    """The add-in's files are not where the configuration says."""


def addin_dir(configured: Path | None = None) -> Path:
    path = Path(configured) if configured else CHECKOUT / "addin"
    if not (path / "launchevent.js").is_file():
        raise AddinFilesMissing(f"the add-in's files are not in {path}: set SENDWARD_ADDIN_DIR to the addin/ folder")
    return path


def manifest_dir(configured: Path | None = None) -> Path:
    path = addin_dir(configured).parent / "manifest"
    if not (path / "manifest.xml.tmpl").is_file():
        raise AddinFilesMissing(f"the manifest templates are not in {path}")
    return path
