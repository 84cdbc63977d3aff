"""The Scorer with the Graph adapters: group expansion, verified domains, links, and what happens when Graph fails."""

from __future__ import annotations

import logging
import time

import pytest

from sendward.domain.draft import Address, Attachment, Body, Draft
from sendward.domain.policy import Policy
from sendward.services.scoring import Scorer
from tests.builders import finding
from tests.fakes.graph import FakeAttachment
from tests.files import client_list_xlsx, csv_text, eml
from tests.graph.conftest import SENDER

LINK = "https://northshire.sharepoint.com/:x:/s/ils/EaBcD123?e=xyz"
AUDIENCE_300 = {"rules": {"recipients.large_audience": {"min_recipients": 300, "internal_min_recipients": 300}}}


@pytest.fixture
def scorer(scanner, adapters):
    return Scorer(
        scanner=scanner,
        attachment_source=adapters.attachments,
        group_sizes=adapters.group_sizes,
        tenant_domains=adapters.tenant_domains,
    )


def score(scorer, draft, caller, policy=None, fail_mode=None):
    policy = Policy.model_validate(policy or {})
    if fail_mode:
        policy = policy.model_copy(update={"fail_mode": fail_mode})
    return scorer.score(draft, policy, 1, caller=caller, tenant_id=caller.tenant_id)


def a_draft(to=("a@gmail.com",), attachments=(), item_id=None, body="Please see attached."):
    return Draft(
        sender=Address(SENDER), to=tuple(Address(a) for a in to), subject="Update", body=Body(body),
        attachments=tuple(attachments), item_id=item_id,
    )


# -- distribution lists ------------------------------------------------------------------------------


def test_a_list_turns_a_three_address_email_into_a_400_person_audience(graph, scorer, scanner, caller):
    graph.add_group("all-staff@northshire.gov.uk", total=398, external=3)
    d = a_draft(to=("all-staff@northshire.gov.uk", "partner@nhs.net", "ann@gmail.com"))
    verdict = score(scorer, d, caller, AUDIENCE_300)
    assert (verdict.recipients.total, verdict.recipients.groups_expanded) == (400, 1)
    assert verdict.recipients.external == 3 + 2
    assert finding(verdict, "recipients.large_audience").evidence["total"] == 400
    assert verdict.not_checked == ()
    request = graph.mail_tips_requests[0]
    assert sorted(request["EmailAddresses"]) == ["all-staff@northshire.gov.uk", "ann@gmail.com", "partner@nhs.net"]
    assert {o.strip() for o in request["MailTipsOptions"].split(",")} == {"totalMemberCount", "externalMemberCount"}
    without_graph = Scorer(scanner=scanner).score(d, Policy.model_validate(AUDIENCE_300), 1, caller=caller)
    assert finding(without_graph, "recipients.large_audience") is None


def test_mail_tips_are_cached_per_tenant_without_addresses_in_the_keys(graph, scorer, caller, kv_cache):
    graph.add_group("all-staff@northshire.gov.uk", total=398)
    d = a_draft(to=("all-staff@northshire.gov.uk", "ann@gmail.com"))
    first, second = score(scorer, d, caller), score(scorer, d, caller)
    assert first.recipients.total == second.recipients.total == 399
    assert graph.count("mail_tips") == 1
    keys = list(kv_cache._entries)
    assert keys and not any("@" in key for key in keys)


def test_only_groups_are_expanded_a_mailbox_counts_once(graph, adapters, caller):
    graph.add_group("team@northshire.gov.uk", total=12, external=1)
    d = a_draft(to=("team@northshire.gov.uk", "bob@northshire.gov.uk", "Ann@Gmail.com"))
    from sendward.kernel import Deadline

    sizes = adapters.group_sizes.sizes(d, caller, Deadline(4))
    assert {a: (s.total, s.external) for a, s in sizes.items()} == {"team@northshire.gov.uk": (12, 1)}


def test_failing_mail_tips_do_not_block_and_the_verdict_says_what_was_not_checked(graph, scorer, caller, caplog):
    graph.fail("mail_tips", times=100, status=503)
    d = a_draft(to=("all-staff@northshire.gov.uk",))
    with caplog.at_level(logging.WARNING):
        verdict = score(scorer, d, caller, fail_mode="closed")
    assert verdict.action == "allow"
    assert verdict.not_checked == ("distribution_lists",)
    assert verdict.to_json()["not_checked"] == ["distribution_lists"]
    assert "distribution_lists not checked" in caplog.text
    assert "@" not in caplog.text


# -- verified domains ---------------------------------------------------------------------------------


def test_verified_domains_are_internal_when_the_policy_names_none(graph, scorer, scanner, caller):
    graph.verified_domains = ["northshire.gov.uk", "northshire-council.org.uk"]
    d = a_draft(to=("carol@northshire-council.org.uk",))
    verdict = score(scorer, d, caller)
    assert verdict.recipients.external == 0
    assert sorted(verdict.to_json()["recipients"]["internal_domains"]) == ["northshire-council.org.uk", "northshire.gov.uk"]
    assert Scorer(scanner=scanner).score(d, Policy(), 1, caller=caller).recipients.external == 1
    assert score(scorer, d, caller).recipients.external == 0
    assert graph.count("organization") == 1  # cached per tenant


def test_the_policys_internal_domains_win_and_graph_is_not_asked(graph, scorer, caller):
    graph.verified_domains = ["northshire.gov.uk", "northshire-council.org.uk"]
    d = a_draft(to=("carol@northshire-council.org.uk",))
    verdict = score(scorer, d, caller, {"internal_domains": ["northshire.gov.uk"]})
    assert verdict.recipients.external == 1
    assert graph.count("organization") == 0


def test_failing_domains_fall_back_to_the_senders_domain(graph, scorer, caller):
    graph.fail("organization", times=100, status=500)
    d = a_draft(to=("bob@northshire.gov.uk",))
    verdict = score(scorer, d, caller)
    assert verdict.recipients.external == 0
    assert verdict.not_checked == ("verified_domains",)


# -- attachments ------------------------------------------------------------------------------------


def test_an_attached_email_is_scanned_inside(graph, scorer, caller):
    rows = [["Name", "Phone"]] + [[f"Person {i}", f"07700 900{i:03d}"] for i in range(30)]
    mime = eml(attachments=[("clients.csv", csv_text(rows))])
    graph.add_message("draft-1", [FakeAttachment("att-1", "Fwd: clients", kind="item", content=mime)])
    d = a_draft(attachments=[Attachment("Fwd: clients", id="att-1")], item_id="draft-1")
    verdict = score(scorer, d, caller)
    (attachment,) = verdict.attachments
    assert attachment.scanned and attachment.content.data_subjects == 30
    assert finding(verdict, "attachment.personal_data") is not None


def test_a_linked_client_list_is_caught_when_the_policy_reads_links(graph, scorer, caller):
    graph.list_source_url = True
    graph.add_message("draft-1", [FakeAttachment("att-1", "clients.xlsx", kind="reference", source_url=LINK)])
    graph.add_shared_file(LINK, "clients.xlsx", client_list_xlsx(40))
    d = a_draft(attachments=[Attachment("clients.xlsx", id="att-1", kind="reference", url=LINK)], item_id="draft-1")
    read = score(scorer, d, caller, {"scan_linked_files": True})
    assert read.attachments[0].content.data_subjects == 40
    assert finding(read, "attachment.personal_data") is not None
    unread = score(scorer, d, caller)
    assert (unread.attachments[0].scanned, unread.attachments[0].error) == (False, None)
    assert "not read" in unread.attachments[0].note
    assert finding(unread, "attachment.unscannable") is None


def test_a_link_the_policy_does_not_read_needs_no_graph_at_all(scanner, caller):
    d = a_draft(attachments=[Attachment("plan.docx", kind="reference", url=LINK)])
    verdict = Scorer(scanner=scanner).score(d, Policy(), 1, caller=caller)
    assert verdict.attachments[0].note and verdict.findings == ()


@pytest.mark.parametrize("fail_mode, action, finding_action", [("open", "allow", "info"), ("closed", "block", "block")])
def test_a_hanging_graph_leaves_the_fail_mode_to_decide_within_the_budget(
    graph, adapters, scanner, caller, fail_mode, action, finding_action
):
    graph.add_message("draft-1", [FakeAttachment("att-1", "clients.xlsx", content=client_list_xlsx(10))])
    graph.slow("attachment_value", 30)
    scorer = Scorer(scanner=scanner, attachment_source=adapters.attachments, time_budget_ms=1500)
    d = a_draft(to=("a@northshire.gov.uk",), attachments=[Attachment("clients.xlsx", id="att-1")], item_id="draft-1")
    started = time.monotonic()
    verdict = score(scorer, d, caller, fail_mode=fail_mode)
    assert time.monotonic() - started < 15, "loose on purpose: the fake answers after 30 s"
    assert verdict.action == action
    unscannable = finding(verdict, "attachment.unscannable")
    assert unscannable.action == finding_action
    assert unscannable.evidence["reason"] == "time_budget"
    assert unscannable.evidence["infrastructure_failure"] is True
    assert "time budget" in unscannable.message


def test_graph_refusing_the_token_leaves_the_fail_mode_to_decide(graph, make_adapters, graph_settings, scanner, caller):
    from tests.graph.conftest import FakeGraphTokens

    adapters = make_adapters(graph_settings, tokens=FakeGraphTokens(fail=True))
    scorer = Scorer(scanner=scanner, attachment_source=adapters.attachments, group_sizes=adapters.group_sizes)
    d = a_draft(attachments=[Attachment("clients.xlsx", id="att-1")], item_id="draft-1")
    verdict = score(scorer, d, caller, fail_mode="closed")
    assert verdict.action == "block"
    assert finding(verdict, "attachment.unscannable").evidence["reason"] == "auth"
    assert verdict.not_checked == ("distribution_lists",)


def test_an_attachment_adapter_that_crashes_still_reads_as_not_fetched(scanner, caller):
    class Broken:
        def fetch(self, *args, **kwargs):
            raise RuntimeError("bug")

    scorer = Scorer(scanner=scanner, attachment_source=Broken())
    d = a_draft(attachments=[Attachment("clients.xlsx", id="att-1")], item_id="draft-1")
    verdict = score(scorer, d, caller, fail_mode="closed")
    assert verdict.action == "block"
    assert finding(verdict, "attachment.unscannable").evidence["reason"] == "unavailable"


def test_a_draft_to_thousands_skips_the_lookup_and_says_so(graph, scorer, caller):
    from tests.builders import people

    d = Draft(sender=Address(SENDER), to=tuple(people(1500)))
    verdict = score(scorer, d, caller)
    assert verdict.recipients.total == 1500
    assert verdict.not_checked == ("distribution_lists",)
    assert graph.count("mail_tips") == 0
