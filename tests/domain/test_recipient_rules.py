"""Each recipient rule of the contract: when it fires, and when it must not."""

import pytest

from sendward.domain.policy import Policy
from sendward.signals.recipients import GroupSize
from tests.builders import draft, evaluate_recipients, finding, people

EXPOSED = "recipients.exposed"
LARGE = "recipients.large_audience"
DOMAINS = "recipients.external_domains"
LOOKALIKE = "recipients.lookalike_domain"


def policy(**rules) -> Policy:
    return Policy.model_validate({"rules": rules})


class TestExposed:
    def test_157_clients_in_to_block(self):
        verdict = evaluate_recipients(draft(to=people(157)))
        found = finding(verdict, EXPOSED)
        assert found.action == "block"
        assert found.fix == "move_to_bcc"
        assert found.evidence["visible_external"] == 157
        assert verdict.action == "block"

    def test_a_dozen_outside_people_in_to_and_cc_warn(self):
        verdict = evaluate_recipients(draft(to=people(6, prefix="a"), cc=people(6, prefix="b")))
        assert finding(verdict, EXPOSED).action == "warn"

    def test_below_the_threshold_does_not_fire(self):
        assert finding(evaluate_recipients(draft(to=people(9))), EXPOSED) is None

    def test_the_same_people_in_bcc_do_not_fire(self):
        verdict = evaluate_recipients(draft(to=["ils@northshire.gov.uk"], bcc=people(157)))
        assert finding(verdict, EXPOSED) is None
        assert verdict.recipients.visible_external == 0

    def test_hundreds_of_colleagues_in_to_are_normal(self):
        verdict = evaluate_recipients(draft(to=people(300, domain="northshire.gov.uk")))
        assert verdict.action == "allow"
        assert verdict.findings == ()

    def test_colleagues_on_a_subdomain_are_internal(self):
        verdict = evaluate_recipients(draft(to=people(30, domain="social.northshire.gov.uk")))
        assert finding(verdict, EXPOSED) is None

    def test_many_people_of_one_outside_organisation_do_not_fire(self):
        verdict = evaluate_recipients(draft(to=people(25, domain="partner-trust.org.uk")))
        assert finding(verdict, EXPOSED) is None

    def test_a_few_strangers_on_a_sensitive_topic_block(self):
        d = draft(cc=people(3), subject="Reminder: your HIV clinic appointment")
        found = finding(evaluate_recipients(d), EXPOSED)
        assert found.action == "block"
        assert found.evidence["sensitive_context"] == ["health"]
        assert "sensitive topic (health)" in found.message

    @pytest.mark.parametrize(
        "subject, topic",
        [
            ("Gender identity support group", "gender_identity"),
            ("Domestic abuse survivors' meeting", "abuse"),
            ("Update on your immigration status", "immigration"),
        ],
    )
    def test_sensitive_topics_from_the_issue(self, subject, topic):
        found = finding(evaluate_recipients(draft(to=people(2), subject=subject)), EXPOSED)
        assert found.action == "block"
        assert topic in found.evidence["sensitive_context"]

    def test_the_topic_may_be_in_the_body(self):
        d = draft(cc=people(2), body="Our asylum seekers' drop-in moves to Tuesdays.")
        assert finding(evaluate_recipients(d), EXPOSED).action == "block"

    def test_a_few_strangers_on_an_ordinary_topic_do_not_fire(self):
        assert finding(evaluate_recipients(draft(cc=people(3), subject="Coffee morning")), EXPOSED) is None

    def test_one_outside_person_is_exposed_to_nobody(self):
        d = draft(to=people(1) + people(40, domain="northshire.gov.uk"), subject="HIV clinic rota")
        assert finding(evaluate_recipients(d), EXPOSED) is None

    def test_trusted_partners_are_not_counted(self):
        p = Policy(trusted_domains=["nhs.net"])
        assert finding(evaluate_recipients(draft(to=people(60, domain="nhs.net")), p), EXPOSED) is None

    def test_thresholds_and_action_come_from_the_policy(self):
        p = policy(**{EXPOSED: {"min_visible_external": 3, "block_at": None, "action": "info"}})
        found = finding(evaluate_recipients(draft(to=people(100)), p), EXPOSED)
        assert found.action == "info"

    def test_block_at_escalates(self):
        p = policy(**{EXPOSED: {"min_visible_external": 3, "block_at": 5}})
        assert finding(evaluate_recipients(draft(to=people(4)), p), EXPOSED).action == "warn"
        assert finding(evaluate_recipients(draft(to=people(5)), p), EXPOSED).action == "block"

    def test_a_disabled_rule_never_fires(self):
        p = policy(**{EXPOSED: {"enabled": False}})
        assert finding(evaluate_recipients(draft(to=people(157)), p), EXPOSED) is None

    def test_a_custom_message_replaces_the_default(self):
        p = policy(**{EXPOSED: {"message": "Use BCC for clients - see the data protection policy."}})
        found = finding(evaluate_recipients(draft(to=people(157)), p), EXPOSED)
        assert found.message == "Use BCC for clients - see the data protection policy."

    def test_the_same_address_in_to_and_bcc_counts_once_and_is_visible(self):
        everyone = people(12)
        verdict = evaluate_recipients(draft(to=everyone, bcc=everyone))
        assert verdict.recipients.total == 12
        assert verdict.recipients.visible_external == 12

    def test_without_internal_domains_the_senders_domain_is_internal(self):
        d = draft(to=people(20, domain="northshire.gov.uk"), sender="ils@northshire.gov.uk")
        assert evaluate_recipients(d).recipients.external == 0

    def test_policy_internal_domains_replace_the_senders(self):
        p = Policy(internal_domains=["northshire.gov.uk", "northshire-ils.org.uk"])
        d = draft(to=people(20, domain="northshire-ils.org.uk"), sender="someone@elsewhere.org")
        assert evaluate_recipients(d, p).recipients.external == 0


class TestLargeAudience:
    def test_a_large_mailing_with_outside_people_in_to_warns(self):
        found = finding(evaluate_recipients(draft(to=people(600))), LARGE)
        assert found.action == "warn"
        assert found.evidence["total"] == 600

    def test_a_large_bcc_only_mailing_does_not_fire_for_its_size_alone(self):
        # issue 15: a newsletter typed into BCC is deliberate and exposes nobody
        assert finding(evaluate_recipients(draft(bcc=people(600))), LARGE) is None

    def test_a_distribution_list_in_bcc_still_counts(self):
        sizes = {"all-clients@partner.org.uk": GroupSize(total=900, external=900)}
        verdict = evaluate_recipients(draft(bcc=["all-clients@partner.org.uk"]), group_sizes=sizes)
        assert finding(verdict, LARGE).action == "warn"

    def test_a_bcc_newsletter_below_the_threshold_is_allowed(self):
        verdict = evaluate_recipients(draft(to=["ils@northshire.gov.uk"], bcc=people(157)))
        assert verdict.action == "allow"

    def test_an_all_staff_email_is_allowed(self):
        assert finding(evaluate_recipients(draft(to=people(1500, domain="northshire.gov.uk"))), LARGE) is None

    def test_an_e_mail_to_the_whole_organisation_warns(self):
        found = finding(evaluate_recipients(draft(to=people(2500, domain="northshire.gov.uk"))), LARGE)
        assert found.action == "warn"
        assert "inside your organisation" in found.message

    def test_distribution_lists_count_their_members(self):
        d = draft(to=["all-clients@northshire.gov.uk", "a@northshire.gov.uk", "b@northshire.gov.uk"])
        sizes = {"all-clients@northshire.gov.uk": GroupSize(total=400, external=380)}
        p = policy(**{LARGE: {"min_recipients": 300}})
        verdict = evaluate_recipients(d, p, group_sizes=sizes)
        assert verdict.recipients.total == 402
        assert verdict.recipients.external == 380
        assert verdict.recipients.groups_expanded == 1
        assert finding(verdict, LARGE).evidence == {"total": 402, "external": 380, "groups_expanded": 1}


class TestExternalDomains:
    def test_ten_outside_organisations_warn(self):
        to = [f"contact@org{i}.org.uk" for i in range(10)]
        found = finding(evaluate_recipients(draft(to=to)), DOMAINS)
        assert found.action == "warn"
        assert found.evidence == {"external_organisations": 10}

    def test_nine_do_not(self):
        assert finding(evaluate_recipients(draft(to=[f"c@org{i}.org.uk" for i in range(9)])), DOMAINS) is None

    def test_each_webmail_address_is_its_own_organisation(self):
        # 157 addresses on five webmail domains: a domain count alone would say 5.
        verdict = evaluate_recipients(draft(to=people(157)))
        assert verdict.recipients.external_organisations == 157
        assert finding(verdict, DOMAINS) is not None

    def test_subdomains_of_one_organisation_count_once(self):
        to = [f"x@{d}.partner.org.uk" for d in ("mail", "hr", "finance")] + ["y@partner.org.uk"]
        assert evaluate_recipients(draft(to=to)).recipients.external_organisations == 1

    def test_bcc_recipients_do_not_count(self):
        bcc = [f"contact@org{i}.org.uk" for i in range(30)]
        assert finding(evaluate_recipients(draft(bcc=bcc)), DOMAINS) is None


class TestLookalikeDomain:
    @pytest.mark.parametrize(
        "domain, kind",
        [
            ("northshlre.gov.uk", "homoglyph"),
            ("n0rthshire.gov.uk", "homoglyph"),
            ("nоrthshire.gov.uk", "homoglyph"),  # Cyrillic о
            ("northshre.gov.uk", "edit"),
            ("nortshire.gov.uk", "edit"),
            ("northsihre.gov.uk", "edit"),
            ("north-shire.gov.uk", "separator"),
            ("northshire-gov.uk", "separator"),
            ("northshire.co.uk", "suffix"),
            ("northshire.gov.com", "suffix"),  # the public suffix swapped under another owner's domain
            ("northshire.gov.co.uk", "suffix"),
            ("northshire.gov.uk.attacker.com", "prefix"),
            ("mail.northshire.gov.uk.attacker.com", "prefix"),
            ("n0rthshire.gov.uk.attacker.com", "prefix"),
            ("northshire.gov.uk.com", "prefix"),
        ],
    )
    def test_lookalikes_of_the_internal_domain_block(self, domain, kind):
        verdict = evaluate_recipients(draft(to=[f"jo@{domain}"]))
        found = finding(verdict, LOOKALIKE)
        assert found.action == "block"
        assert found.fix == "remove_recipient"
        assert found.evidence["resembles"] == "northshire.gov.uk"
        assert found.evidence["kind"] == kind

    @pytest.mark.parametrize(
        "domain",
        [
            "southshire.gov.uk", "gmail.com", "northshire.gov.uk", "mail.northshire.gov.uk", "westshire.gov.uk",
            # Named after the organisation, not imitating its domain: a local business, a supplier's
            # tenant subdomain, a domain that merely ends like ours.
            "northshire-cars.com", "northshire.zendesk.com", "northshire.onmicrosoft.com", "gov.uk.attacker.com",
        ],
    )
    def test_other_domains_do_not_fire(self, domain):
        assert finding(evaluate_recipients(draft(to=[f"jo@{domain}"])), LOOKALIKE) is None

    def test_a_real_subdomain_stays_internal(self):
        verdict = evaluate_recipients(draft(to=["jo@social.northshire.gov.uk"]))
        assert verdict.recipients.external == 0
        assert finding(verdict, LOOKALIKE) is None

    def test_a_domain_in_front_of_another_is_named_whole(self):
        d = draft(to=["a@northshire.gov.uk.attacker.com", "b@northshire.gov.uk.attacker.com", "c@hr.northshire.gov.uk.attacker.com"])
        findings = [f for f in evaluate_recipients(d).findings if f.rule == LOOKALIKE]
        assert sorted((f.evidence["domain"], f.evidence["recipients"]) for f in findings) == [
            ("hr.northshire.gov.uk.attacker.com", 1),
            ("northshire.gov.uk.attacker.com", 2),
        ]
        assert "northshire.gov.uk.attacker.com is someone else's domain made to look like northshire.gov.uk" in findings[1].message

    def test_turning_suffix_swaps_off_keeps_prefixes(self):
        p = policy(**{LOOKALIKE: {"check_suffix_swap": False}})
        assert finding(evaluate_recipients(draft(to=["jo@northshire.gov.com"]), p), LOOKALIKE) is None
        assert finding(evaluate_recipients(draft(to=["jo@northshire.gov.uk.attacker.com"]), p), LOOKALIKE) is not None

    def test_trusted_domains_are_protected_too(self):
        p = Policy(internal_domains=["northshire.gov.uk"], trusted_domains=["leedsteachinghospitals.nhs.uk"])
        found = finding(evaluate_recipients(draft(to=["dr.x@leedsteachinghospltals.nhs.uk"]), p), LOOKALIKE)
        assert found.evidence["resembles"] == "leedsteachinghospitals.nhs.uk"

    def test_suffix_swaps_can_be_allowed(self):
        p = policy(**{LOOKALIKE: {"check_suffix_swap": False}})
        assert finding(evaluate_recipients(draft(to=["jo@northshire.co.uk"]), p), LOOKALIKE) is None

    def test_each_lookalike_domain_is_one_finding_with_its_count(self):
        d = draft(to=["a@northshlre.gov.uk", "b@northshlre.gov.uk", "c@n0rthshire.gov.uk"])
        findings = [f for f in evaluate_recipients(d).findings if f.rule == LOOKALIKE]
        assert sorted((f.evidence["domain"], f.evidence["recipients"]) for f in findings) == [
            ("n0rthshire.gov.uk", 1),
            ("northshlre.gov.uk", 2),
        ]


def test_professionals_count_as_exposed_when_their_organisations_were_not_worked_out():
    """Past the budget the organisations are not counted: the rule must not read that as 'a few agencies'."""
    from dataclasses import replace

    from sendward.domain.evaluate import evaluate
    from sendward.domain.policy import Policy
    from sendward.domain.signals import RecipientSignals, Signals

    counted = RecipientSignals(total=60, visible=60, external=60, visible_external=60, visible_external_private=0,
                               external_organisations=0, largest_external_organisation=0)
    assert evaluate(Signals(recipients=counted), Policy(fail_mode="open"), decision_id="d", policy_version=1).action == "allow"  # complete: no organisations, no one
    verdict = evaluate(Signals(recipients=replace(counted, complete=False)), Policy(fail_mode="open"), decision_id="d", policy_version=1)
    assert verdict.action == "block" and "recipients.exposed" in verdict.rules
