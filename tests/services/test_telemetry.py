"""What the scorer and the decision service report through the Telemetry port."""

from __future__ import annotations

from dataclasses import dataclass, field
from types import SimpleNamespace

from sendward.domain.policy import Policy
from sendward.services.scoring import Scorer
from sendward.kernel import StageTimes
from sendward.signals.recipients import GroupSize
from tests.builders import attachment, draft


@dataclass
class RecordingTelemetry:
    stages: list[dict] = field(default_factory=list)
    decisions: list[tuple] = field(default_factory=list)
    cache: list[bool] = field(default_factory=list)

    def stages_finished(self, seconds_by_stage):
        self.stages.append(dict(seconds_by_stage))

    def decided(self, action, finding_rules, *, purpose, tenant_id):
        self.decisions.append((action, list(finding_rules), purpose))

    def scan_cache(self, *, hit):
        self.cache.append(hit)

    def graph_error(self, kind):
        pass


class StaffListGroups:
    def sizes(self, d, caller, deadline):
        return {"all-staff@northshire.gov.uk": GroupSize(total=400, external=0)}


class DictCache(dict):
    def put(self, key, value):
        self[key] = value


def test_graph_calls_are_timed_as_the_graph_stage(scanner):
    scorer = Scorer(scanner=scanner, group_sizes=StaffListGroups())
    stages = StageTimes()
    scorer.score(draft(to=["all-staff@northshire.gov.uk"]), Policy(), 1, caller=SimpleNamespace(), stages=stages)
    assert {"graph", "detection", "policy"} <= set(stages.seconds())


def test_without_a_caller_nothing_is_fetched_so_graph_is_not_timed(scanner):
    stages = StageTimes()
    Scorer(scanner=scanner, group_sizes=StaffListGroups()).score(draft(to=["a@gmail.com"]), Policy(), 1, stages=stages)
    assert "graph" not in stages.seconds()


def test_reading_an_attachment_is_extraction_and_finding_people_is_detection(scanner):
    csv = "\n".join(["Name,Phone"] + [f"Person {i},07700 900{i:03d}" for i in range(50)]).encode()
    stages = StageTimes()
    d = draft(to=["a@gmail.com"], attachments=[attachment("people.csv", csv, "text/csv")])
    Scorer(scanner=scanner).score(d, Policy(), 1, stages=stages)
    seconds = stages.seconds()
    assert seconds["extraction"] > 0 and seconds["detection"] > 0


def test_cache_lookups_are_reported_as_miss_then_hit(scanner):
    telemetry = RecordingTelemetry()
    scorer = Scorer(scanner=scanner, scan_cache=DictCache(), telemetry=telemetry)
    csv = "\n".join(["Name,Phone"] + [f"Person {i},07700 900{i:03d}" for i in range(20)]).encode()
    d = draft(to=["a@gmail.com"], attachments=[attachment("people.csv", csv, "text/csv")])
    scorer.score(d, Policy(), 1, tenant_id="t")
    scorer.score(d, Policy(), 1, tenant_id="t")
    assert telemetry.cache == [False, True]


def test_the_decision_service_reports_stages_and_the_verdict_once(container):
    telemetry = RecordingTelemetry()
    container.decisions.telemetry = telemetry
    caller = SimpleNamespace(tenant_id="tenant-a", user_id="u1")
    d = draft(sender="ils@northshire.gov.uk", to=[f"c{i}@gmail.com" for i in range(157)])
    verdict = container.decisions.decide(caller, d, record=False)
    assert telemetry.decisions == [(verdict.action, [(f.rule, f.action) for f in verdict.findings], "precheck")]
    (stages,) = telemetry.stages
    assert {"policy", "detection"} <= set(stages)
    assert all(seconds >= 0 for seconds in stages.values())
