"""The admin page in headless Chromium: edit a threshold, see a validation error, simulate the seed draft,
try a pattern, roll back. Everything runs against the app on a loopback port, signed in with the dev identity.
"""

from pathlib import Path

import pytest

from sendward.domain.records import DecisionFilter

SEED = Path(__file__).resolve().parents[2] / "examples" / "01-mass-email-client-list.eml"
TENANT = "northshire"


@pytest.fixture
def admin_page(page, live_server):
    """A page signed in as an admin of TENANT through the sign-in form."""
    page.goto(live_server + "/admin/policy")
    assert "/admin/sign-in" in page.url
    page.get_by_label("Tenant", exact=True).fill(TENANT)
    page.get_by_label("User", exact=True).fill("it.admin@northshire.gov.uk")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(live_server + "/admin/policy")
    return page


def exposed(container):
    return container.policies.current(TENANT)[0].rule("recipients.exposed")


def test_editing_a_threshold(admin_page, container):
    page = admin_page
    field = page.get_by_label("Outside people in To/CC", exact=True)
    assert field.input_value() == "10"
    field.fill("4")
    page.get_by_label("Comment for the history (optional)").fill("Four strangers are enough")
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    page.get_by_role("button", name="Save and publish").click()
    page.wait_for_function("true")  # answered "Cancel": nothing is saved or published
    assert asked and "Save and publish this policy?" in asked[0]
    assert container.policies.latest_version(TENANT) == 0
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Save and publish").click()
    page.get_by_role("status").filter(has_text="Saved and published version 1").wait_for()
    assert page.get_by_label("Outside people in To/CC", exact=True).input_value() == "4"
    assert exposed(container).min_visible_external == 4
    assert container.policies.version(TENANT, 1).comment == "Four strangers are enough"


def test_seeing_a_validation_error(admin_page, container):
    page = admin_page
    block_at = page.locator("#f-rules-recipients-exposed-block_at")
    block_at.fill("5")
    block_at.dispatch_event("change")
    inline = page.locator("#f-rules-recipients-exposed-block_at-error")
    inline.wait_for(state="visible")  # shown while typing, before any save
    assert inline.inner_text() == "block_at (5) must not be below min_visible_external (10)"
    assert block_at.get_attribute("aria-invalid") == "true"

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Save and publish").click()
    summary = page.locator("#error-summary")
    summary.wait_for(state="visible")
    assert "There is a problem with the policy" in summary.inner_text()
    assert (
        page.evaluate("document.activeElement.id") == "error-summary"
    )  # focus moves to the problem
    summary.get_by_role("link").click()
    assert page.url.endswith("#f-rules-recipients-exposed-block_at")
    assert container.policies.latest_version(TENANT) == 0

    block_at = page.locator("#f-rules-recipients-exposed-block_at")
    block_at.fill("60")
    block_at.dispatch_event("change")
    page.locator("#f-rules-recipients-exposed-block_at-error").wait_for(state="hidden")


def test_simulating_the_seed_draft(admin_page, container):
    page = admin_page
    page.get_by_role("navigation", name="Admin sections").get_by_role(
        "link", name="Simulator"
    ).click()
    page.set_input_files("#draft", str(SEED))
    page.get_by_role("button", name="Simulate").click()
    alert = page.locator(".smart-alert .smart-alert-box")
    alert.wait_for()
    # the add-in's own dialog: its title, intro, one line per problem and its buttons
    assert page.locator("#simulated-alert-title").inner_text() == "Sendward"
    assert "Sendward stopped this e-mail." in alert.inner_text()
    assert "157 people outside your organisation" in alert.inner_text()
    assert page.locator("#simulated-alert-message li").count() == 2  # recipients, then clients.xlsx
    assert page.locator("#simulated-alert-action").inner_text() == "Fix it"
    assert page.locator("#simulated-alert-send-anyway").count() == 0  # a block offers no Send Anyway
    assert "cannot send it as it is" in page.locator("#sender-may-override").inner_text()
    cells = page.get_by_role("row", name="clients.xlsx yes").get_by_role("cell").all_inner_texts()
    assert cells[:2] == ["yes", "163"]
    assert (
        container.storage.decisions_page(TENANT, DecisionFilter(), offset=0, limit=1)[1] == 0
    )  # not recorded


def test_trying_a_pattern_live(admin_page):
    page = admin_page
    page.locator("#f-custom_patterns-0-pattern").fill(r"ILS/[A-Z]{3}/\d{5}")
    page.locator("#sample-0").fill("Re: ILS/ABC/00042 and ILS/XYZ/12345, not ILS/AB/1")
    result = page.locator("#sample-0-result")
    result.get_by_text("2 matches: ILS/ABC/00042, ILS/XYZ/12345").wait_for()
    page.locator("#f-custom_patterns-0-pattern").fill("ILS/(?=x)")
    result.get_by_text("not a valid pattern").wait_for()


def test_rolling_back(admin_page, container):
    container.policies.replace(
        TENANT,
        {"rules": {"recipients.exposed": {"min_visible_external": 5}}},
        author="a",
        comment="five",
    )
    container.policies.replace(
        TENANT,
        {"rules": {"recipients.exposed": {"min_visible_external": 3}}},
        author="a",
        comment="three",
    )
    page = admin_page
    page.get_by_role("navigation", name="Admin sections").get_by_role(
        "link", name="History"
    ).click()
    page.get_by_role("button", name="Show the differences").click()
    assert (
        "rules.recipients.exposed.min_visible_external" in page.locator("table.diff").inner_text()
    )
    page.go_back()
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    page.get_by_role("button", name="Roll back to this (version 1)").click()
    page.wait_for_function("true")  # the dialog was answered "Cancel": nothing happens
    assert asked and "Roll back to version 1?" in asked[0]
    assert container.policies.latest_version(TENANT) == 2
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Roll back to this (version 1)").click()
    page.get_by_role("status").filter(has_text="version 3 is a copy of version 1").wait_for()
    assert exposed(container).min_visible_external == 5
    assert "(copy of version 1)" in page.locator("#version-3").inner_text()
    assert "Published" in page.locator("#version-3").inner_text()


def test_the_simulator_shows_send_anyway_only_where_the_policy_allows_it(admin_page, container, tmp_path):
    to = ", ".join(f"friend.{i}@gmail.com" for i in range(12))
    warned = tmp_path / "warned.eml"
    warned.write_text(f"From: a@northshire.gov.uk\nTo: {to}\nSubject: Meeting\n\nSee you there.")
    page = admin_page

    def simulate():
        page.goto(page.url.split("/admin")[0] + "/admin/simulate")
        page.set_input_files("#draft", str(warned))
        page.get_by_role("button", name="Simulate").click()
        page.locator(".smart-alert .smart-alert-box").wait_for()

    simulate()
    assert page.locator("#simulated-alert-send-anyway").inner_text() == "Send Anyway"
    assert "may send it as it is" in page.locator("#sender-may-override").inner_text()

    container.policies.replace(TENANT, {"overrides": {"allow_warn_override": False}}, author="a")
    simulate()
    assert page.locator("#simulated-alert-send-anyway").count() == 0
    assert page.locator("#simulated-alert-action").inner_text() == "Fix it"
    assert "cannot send it as it is" in page.locator("#sender-may-override").inner_text()
