"""/demo in headless Chromium: the shipped launchevent.js and details pane, a stand-in for Office.js,
and the real service behind them."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import text

pytestmark = pytest.mark.browser

TIMEOUT = 20_000


def until(page, expression: str, timeout: float = TIMEOUT / 1000):
    """Polls with page.evaluate: Playwright's wait_for_function would need 'unsafe-eval', which
    the demo's Content-Security-Policy rightly refuses."""
    deadline = time.monotonic() + timeout
    while True:
        value = page.evaluate(expression)
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {expression}")
        time.sleep(0.05)


@pytest.fixture
def demo(page, live_server):
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(live_server + "/demo")
    until(page, "typeof SendwardDemo.handlers.onMessageSendHandler === 'function'")
    yield page
    assert errors == [], errors


def load_example(page, name, recipients):
    page.select_option("#example", name)
    until(page, f"SendwardDemo.draft.to.length + SendwardDemo.draft.cc.length === {recipients}")


def send(page):
    count = page.evaluate("SendwardDemo.log.filter(e => e.event === 'completed').length")
    page.click("#send")
    until(page, f"SendwardDemo.log.filter(e => e.event === 'completed').length > {count}")
    return page.evaluate("SendwardDemo.log.filter(e => e.event === 'completed').pop()")


def pane(page):
    frame = page.frame_locator("#pane-frame")
    frame.locator("#summary:not([hidden])").wait_for(timeout=TIMEOUT)
    return frame


def events(page, name):
    return page.evaluate(f"SendwardDemo.log.filter(e => e.event === '{name}')")


def test_the_seed_incident_is_blocked_naming_the_spreadsheet_and_157_recipients(demo):
    load_example(demo, "01-mass-email-client-list", 157)

    completed = send(demo)

    assert completed["options"]["allowEvent"] is False
    assert "sendModeOverride" not in completed["options"]
    dialog = demo.locator("#smart-alert")
    assert "clients.xlsx" in dialog.inner_text()
    assert "157 people outside your organisation" in dialog.inner_text()
    assert demo.locator("#smart-alert-send-anyway").count() == 0
    assert demo.locator("#smart-alert-action").inner_text() == "Fix it"
    assert completed["ms"] < 4000
    assert events(demo, "sent") == []


def test_fix_it_opens_the_pane_and_move_to_bcc_fixes_the_recipients(demo):
    load_example(demo, "01-mass-email-client-list", 157)
    send(demo)
    demo.click("#smart-alert-action")
    frame = pane(demo)
    assert frame.locator("li.finding[data-rule='recipients.exposed']").count() == 1

    frame.locator("button[data-fix='move_to_bcc']").click()
    frame.locator("#fix-result:not([hidden])").wait_for()
    frame.locator("li.finding[data-rule='recipients.exposed']").wait_for(state="detached", timeout=TIMEOUT)

    draft = demo.evaluate("SendwardDemo.draft")
    assert [r["address"] for r in draft["to"]] == ["ils@northshire.gov.uk"]
    assert draft["cc"] == [] and len(draft["bcc"]) == 157
    assert "Moved 157 recipients to BCC" in frame.locator("#fix-result").inner_text()
    assert frame.locator("li.finding[data-rule='attachment.personal_data']").count() == 1


def test_fix_it_with_the_pane_open_shows_the_new_send_without_reloading_it(demo):
    """Outlook raises InitializationContextChanged in an open pane instead of reloading it (issue 13)."""
    load_example(demo, "01-mass-email-client-list", 157)
    send(demo)
    demo.click("#smart-alert-action")
    frame = pane(demo)
    frame.locator("button[data-fix='move_to_bcc']").click()
    frame.locator("li.finding[data-rule='recipients.exposed']").wait_for(state="detached", timeout=TIMEOUT)
    assert frame.locator("#headline").inner_text() == "Sendward would stop this e-mail"  # a check, not a Send

    send(demo)  # still blocked: the spreadsheet
    demo.click("#smart-alert-action")

    until(demo, "SendwardDemo.log.some(e => e.event === 'pane-context-changed')")
    frame.locator("#headline", has_text="Sendward stopped this e-mail").wait_for(timeout=TIMEOUT)
    assert len(events(demo, "pane")) == 1, "the open pane was not reloaded"
    assert frame.locator("li.finding[data-rule='attachment.personal_data']").count() == 1


def test_removing_the_spreadsheet_and_moving_to_bcc_lets_the_message_go(demo):
    load_example(demo, "01-mass-email-client-list", 157)
    demo.click("#open-pane")
    frame = pane(demo)
    frame.locator("button[data-fix='remove_attachment']").click()
    frame.locator("li.finding[data-rule='attachment.personal_data']").wait_for(state="detached", timeout=TIMEOUT)
    frame.locator("button[data-fix='move_to_bcc']").click()
    frame.locator("#summary.allow").wait_for(timeout=TIMEOUT)

    assert demo.evaluate("SendwardDemo.draft.attachments.length") == 0
    assert send(demo)["options"] == {"allowEvent": True}
    assert events(demo, "sent")[0]["bcc"] == 157


def test_a_clean_draft_sends(demo):
    demo.fill("#to", "Ann Example <ann@northshire.gov.uk>")
    demo.press("#to", "Tab")
    demo.fill("#subject", "Team meeting")
    demo.fill("#body", "See you at ten.")

    completed = send(demo)

    assert completed["options"] == {"allowEvent": True}
    assert demo.locator("#smart-alert").count() == 0
    assert events(demo, "sent") == [{**events(demo, "sent")[0], "how": "allowed", "to": 1}]
    assert demo.locator("#sent").inner_text().startswith("Sent:")


def test_a_warning_offers_send_anyway(demo):
    demo.evaluate(
        "SendwardDemo.setRecipients('to', Array.from({length: 12}, (_, i) => "
        "({address: `friend.${i}@gmail.com`, name: ''})))"
    )
    completed = send(demo)

    assert completed["options"]["sendModeOverride"] == "promptUser"
    demo.click("#smart-alert-send-anyway")
    assert events(demo, "sent")[0]["how"] == "send-anyway"


def test_demo_sends_reach_the_admin_dashboard_and_send_anyway_counts(demo, live_server):
    demo.evaluate(
        "SendwardDemo.setRecipients('to', Array.from({length: 12}, (_, i) => "
        "({address: `friend.${i}@gmail.com`, name: ''})))"
    )
    send(demo)
    demo.click("#smart-alert-send-anyway")
    assert events(demo, "sent")[0]["how"] == "send-anyway"

    # the admin page's default tenant is the demo's: the loop closes
    demo.goto(live_server + "/admin/")
    demo.get_by_role("button", name="Sign in").click()
    demo.wait_for_url(live_server + "/admin/")
    cards = [" ".join(card.split()) for card in demo.locator("ul.cards li").all_inner_texts()]
    assert cards == ["1 e-mail checked", "1 e-mail warned or blocked", "100% of those went as they were"]
    assert "1 of 1 (100%) of warned or blocked e-mails went as they were" in demo.content()


def test_a_lookalike_recipient_is_removed_from_the_pane(demo):
    load_example(demo, "04-lookalike-domain", 1)
    assert send(demo)["options"]["allowEvent"] is False
    demo.click("#smart-alert-action")
    frame = pane(demo)

    frame.locator("button[data-fix='remove_recipient']").click()
    frame.locator("li.finding[data-rule='recipients.lookalike_domain']").wait_for(state="detached", timeout=TIMEOUT)

    assert demo.evaluate("SendwardDemo.draft.to") == []


def test_a_lookalike_recipient_is_corrected_to_the_real_domain(demo):
    load_example(demo, "04-lookalike-domain", 1)
    before = demo.evaluate("SendwardDemo.draft.to[0]")
    demo.click("#open-pane")
    frame = pane(demo)
    correct = frame.locator("button[data-fix='correct_recipient']")
    assert correct.inner_text() == "Change to @northshire.gov.uk"
    correct.click()
    frame.locator("li.finding[data-rule='recipients.lookalike_domain']").wait_for(state="detached", timeout=TIMEOUT)

    after = demo.evaluate("SendwardDemo.draft.to")
    assert [r["address"] for r in after] == [before["address"].split("@")[0] + "@northshire.gov.uk"]
    assert before["address"] not in after[0]["name"]  # a name that was the wrong address is not kept
    assert "Changed 1 address from northshlre.gov.uk to northshire.gov.uk" in frame.locator("#fix-result").inner_text()


def test_an_override_with_a_reason_is_accepted_for_a_warning_and_recorded(demo, container):
    demo.evaluate(
        "SendwardDemo.setRecipients('to', Array.from({length: 12}, (_, i) => "
        "({address: `parent.${i}@gmail.com`, name: ''})))"
    )
    send(demo)
    demo.click("#smart-alert-action")
    frame = pane(demo)
    frame.locator("#override:not([hidden])").wait_for()
    frame.locator("#justification").fill("Parents' committee: they agreed to share addresses.")
    frame.locator("#override-submit").click()
    frame.locator("#override-result:not([hidden])").wait_for(timeout=TIMEOUT)
    assert frame.locator("#override-result").inner_text().startswith("Accepted")

    assert send(demo)["options"] == {"allowEvent": True}
    with container.storage.engine.connect() as connection:
        rows = connection.execute(text("select justification, override_of from decisions where justification is not null")).all()
    assert [row.justification for row in rows] == ["Parents' committee: they agreed to share addresses."]


def test_a_blocked_message_that_cannot_be_overridden_asks_for_no_justification(demo):
    load_example(demo, "06-clinic-reminder-cc", 3)
    completed = send(demo)
    assert "sendModeOverride" not in completed["options"]
    demo.click("#smart-alert-action")
    frame = pane(demo)
    frame.locator("#findings li").first.wait_for(timeout=TIMEOUT)
    assert frame.locator("#headline").inner_text() == "Sendward stopped this e-mail"
    assert frame.locator("#override").is_hidden()  # by default blocks are never overridable: no question
    assert "does not allow a blocked e-mail to go as it is" in frame.locator("#subline").inner_text()
    assert demo.evaluate("'sendward.override' in SendwardDemo.session") is False


def test_the_pane_opened_before_sending_does_not_say_the_e_mail_was_stopped(demo):
    load_example(demo, "01-mass-email-client-list", 157)
    demo.click("#open-pane")
    frame = pane(demo)
    assert frame.locator("#headline").inner_text() == "Sendward would stop this e-mail"
    assert frame.locator("#subline").inner_text().startswith("Fix what is listed below before you press Send.")
    assert "press Send again" not in frame.locator("#summary").inner_text()
    assert events(demo, "sent") == [] and events(demo, "dialog") == []


def test_every_example_is_offered_including_all_staff_and_the_foi_reply(demo):
    offered = demo.evaluate("Array.from(document.querySelectorAll('#example option')).map(o => o.value)")
    assert {"03-all-staff", "07-foi-reply-hidden-sheet"} <= set(offered)
    load_example(demo, "07-foi-reply-hidden-sheet", 1)
    completed = send(demo)
    dialog = demo.locator("#smart-alert-message").inner_text()
    assert completed["options"]["allowEvent"] is False
    assert "the hidden sheet 'Staff list'" in dialog
    assert demo.locator("#smart-alert-message li").count() == 1  # one line for the one file
    demo.click("#smart-alert-action")
    frame = pane(demo)
    hidden = frame.locator("li.finding[data-rule='attachment.hidden_content']").inner_text()
    assert "Unhide it and check it, delete the sheet, or send a PDF of the visible part instead." in hidden


def test_the_all_staff_example_goes(demo):
    load_example(demo, "03-all-staff", 420)
    assert send(demo)["options"] == {"allowEvent": True}


def test_background_checks_run_while_writing_and_are_not_recorded(demo, container):
    load_example(demo, "01-mass-email-client-list", 157)
    until(demo, "'sendward.precheck' in SendwardDemo.session")
    with container.storage.engine.connect() as connection:
        assert connection.execute(text("select count(*) from decisions")).scalar_one() == 0
    send(demo)
    with container.storage.engine.connect() as connection:
        assert connection.execute(text("select count(*) from decisions")).scalar_one() == 1
