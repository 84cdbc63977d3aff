"""The deployment guide names what a first deployment trips on (issue 16)."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GUIDE = (ROOT / "docs" / "deployment.md").read_text(encoding="utf-8")


def test_the_app_registration_has_the_admin_pages_redirect_uri():
    register = GUIDE.split("## 4.")[0]  # steps 1 to 3: the app registration
    assert "https://<host>/admin/auth/callback" in register and "**Web**" in register


def test_there_is_a_recipe_for_https_on_localhost_3000():
    section = GUIDE.split("## https on localhost:3000 for development")[1].split("\n## ")[0]
    assert "npx office-addin-dev-certs install" in section
    assert "sendward serve --port 3000" in section and "--tls-cert" in section and "--tls-key" in section
    assert "sendward manifest --dev" in section
