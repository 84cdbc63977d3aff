"""recipients.misdirected: a recipient who does not fit the sender's history for this message.

"Data emailed to incorrect recipient" is the largest category of breaches reported to the UK
ICO: the autocomplete slip (the right John Smith's name, the wrong John Smith's address), a
client's letter to the previous client, a personal address next to the work one. Each
recipient is scored from what the sender's own sent mail says (``HistorySignals``): never
mailed, and then what makes that suspicious rather than simply new (a namesake or a typo of a
usual correspondent, the same person's work address, a conversation whose participant is
missing, the people the others usually come with). A new address on its own is not enough:
people write to someone new every week, and a prompt each time would teach them to click on.
When the sender's received mail is known too, someone who wrote to them or was copied with
them is not new; a stranger (in neither), the only one on the message, is what an autocomplete
slip looks like, unless the message answers a conversation Sendward never saw.
"""

from __future__ import annotations

from pydantic import Field, field_validator

from sendward.domain.domain_names import normalise_domain
from sendward.domain.rules._base import Action, RuleConfig, finding

RULE = "recipients.misdirected"

# Points a signal adds to a recipient's score (0-100). A score at or above ``threshold`` fires.
# Never mailed is worth NEW, plus up to NEW_UNUSUAL more for a sender who seldom writes to
# anyone new (novelty rate at or below 2%, falling to nothing at USUAL_NOVELTY).
NEW, NEW_UNUSUAL, USUAL_NOVELTY = 30, 15, 0.12
RARE = 10  # mailed once before (the first slip is remembered too)
RECEIVED_ONLY = 10  # never written to, but on mail the sender received (wrote to them, copied with them)
NAMESAKE = {"full_name": 55, "surname": 35, "first_name": 30}
TYPO = {1: 55, 2: 40}
PERSONAL_ADDRESS = 45
THREAD_DROPPED = 30
COMPANION_MISSING = 30
OTHER_COMPANY = 20
PERSONAL_DATA_EXTERNAL = 25
# A file or the body about one other correspondent of the sender: more than a name and contact
# details about them (a letter), or their name only (a mention).
LETTER_ABOUT = {True: 60, False: 35}


class Config(RuleConfig):
    action: Action = "warn"
    threshold: int = Field(
        default=60, ge=1, le=100, description="Score (0-100) of a recipient at which the rule fires"
    )
    block_at: int | None = Field(
        default=None, ge=1, le=100, description="At or above this score, block whatever the action"
    )
    min_history_messages: int = Field(
        default=20, ge=1, description="Sent messages known for the sender before the rule judges"
    )
    rarely_mailed: int = Field(
        default=1, ge=0, le=10, description="Mailed at most this often counts as rarely (0: only never)"
    )
    include_internal: bool = Field(
        default=True, description="Judge internal recipients too (the wrong colleague)"
    )
    exempt_domains: list[str] = Field(
        default_factory=list, max_length=500, description="Recipients in these domains are never flagged"
    )
    max_findings: int = Field(default=3, ge=1, le=20, description="Recipients named at most per message")
    question_strangers: bool = Field(
        default=True,
        description="Question a recipient the sender has neither written to nor received mail with, when no "
        "other recipient is such a stranger and the message is not a reply to a conversation never seen "
        "(needs the sender's received mail)",
    )
    min_received_messages: int = Field(
        default=20, ge=1, description="Received messages known for the sender before strangers are questioned"
    )
    quiet_sender_rate: float = Field(
        default=0.04, ge=0, le=1,
        description="A sender who writes to someone new in at most this share of their messages has every "
        "new address questioned (0: never); their prompts stay near that share",
    )

    @field_validator("exempt_domains")
    @classmethod
    def _valid_domains(cls, domains: list[str]) -> list[str]:
        return list(dict.fromkeys(normalise_domain(d) for d in domains))


def recipient_score(fit, signals, config: Config) -> tuple[int, list[str]]:
    """A recipient's score and the reasons behind it (signal names)."""
    history = signals.history
    points, reasons = 0, []
    if fit.known_person:
        pass  # cold start: Graph says the sender works with them; not new, not yet counted
    elif fit.mailed == 0 and fit.received:
        points += RECEIVED_ONLY
        reasons.append("only_received_from")
    elif fit.mailed == 0:
        unusual = max(0.0, min(1.0, (USUAL_NOVELTY - history.novelty_rate) / (USUAL_NOVELTY - 0.02)))
        points += NEW + round(NEW_UNUSUAL * unusual)
        reasons.append("never_mailed")
    elif fit.mailed <= config.rarely_mailed:
        points += RARE
        reasons.append("rarely_mailed")
    if fit.namesake:
        points += NAMESAKE[fit.namesake]
        reasons.append(f"namesake_{fit.namesake}")
    if fit.typo_of:
        points += TYPO.get(fit.typo_distance, 0)
        reasons.append("typo")
    if fit.personal_address_of:
        points += PERSONAL_ADDRESS
        reasons.append("personal_address")
    if fit.thread_dropped:
        points += THREAD_DROPPED
        reasons.append("thread_participant_missing")
    if fit.companion_missing:
        points += COMPANION_MISSING
        reasons.append("usual_companion_missing")
    if fit.other_company:
        points += OTHER_COMPANY
        reasons.append("other_company")
    if fit.letter_about:
        points += LETTER_ABOUT[fit.letter_identifies]
        reasons.append("letter_about_other")
    if fit.mailed == 0 and not fit.internal and _carries_personal_data(signals):
        points += PERSONAL_DATA_EXTERNAL
        reasons.append("personal_data_first_time_external")
    if fit.stranger and points < config.threshold and _lone_stranger(history, config):
        # Neither written to nor heard from, the only such recipient, and not answering mail
        # Sendward never saw: the typical autocomplete slip.
        points = config.threshold
        reasons.append("never_in_touch")
    if fit.stranger and points < config.threshold and _quiet(history, config):
        # For a sender who seldom writes to anyone new, a new address is itself the anomaly; the
        # prompts this adds are bounded by how often they do (their novelty rate).
        points = config.threshold
        reasons.append("sender_rarely_writes_to_anyone_new")
    return min(100, points), reasons


def suggestion(fit) -> str | None:
    return (
        fit.typo_of
        or fit.personal_address_of
        or fit.letter_about
        or fit.namesake_of
        or fit.thread_dropped
        or fit.companion_missing
    )


def evaluate(signals, config: Config, policy):
    history = signals.history
    cold = history.messages < config.min_history_messages
    if not history.known or (cold and not history.seeded):
        return []
    scored = []
    for fit in history.recipients:
        if (fit.internal and not config.include_internal) or _exempt(fit.address, config.exempt_domains):
            continue
        if cold and not (fit.namesake or fit.typo_of or fit.personal_address_of or fit.letter_about):
            continue  # cold start: only a recipient who looks like someone the sender works with
        points, reasons = recipient_score(fit, signals, config)
        if points >= config.threshold:
            scored.append((points, fit, reasons))
    scored.sort(key=lambda item: -item[0])
    return [_finding(points, fit, reasons, config) for points, fit, reasons in scored[: config.max_findings]]


def _finding(points, fit, reasons, config: Config):
    blocking = config.block_at is not None and points >= config.block_at
    suggested = suggestion(fit)
    evidence = {"recipient": fit.address, "score": points, "reasons": reasons, "mailed_before": fit.mailed}
    if suggested:
        evidence["suggestion"] = suggested
    return finding(
        RULE,
        config,
        action="block" if blocking else config.action,
        message=_message(fit, suggested, reasons),
        evidence=evidence,
        fix="remove_recipient",
        value=points,
        threshold=config.threshold,
    )


def _message(fit, suggested: str | None, reasons=()) -> str:
    if "never_in_touch" in reasons:
        said = f"You have not written to {fit.address} before, nor had mail from or with them."
    elif fit.mailed == 0:
        said = f"You have not written to {fit.address} before."
    else:
        said = f"{fit.address} does not usually get mail with these recipients."
    if suggested and suggested == fit.letter_about:
        said += f" What you are sending is about someone you write to at {suggested}: is this the right recipient?"
    elif suggested:
        said += f" You usually write to {suggested}: is this the right address?"
    else:
        said += " Check it is the person you mean."
    return said


def _carries_personal_data(signals) -> bool:
    """A file about someone (not only about a recipient), or a body about several people: a body about
    one person is most often the sender's own signature."""
    files = any(a.content.data_subjects > 0 and not a.content.about_recipient for a in signals.attachments)
    return files or signals.body.data_subjects >= 2


def _lone_stranger(history, config: Config) -> bool:
    return (
        config.question_strangers
        and history.received_messages >= config.min_received_messages
        and history.strangers == 1
        and not history.reply_unseen
    )


def _quiet(history, config: Config) -> bool:
    return config.quiet_sender_rate > 0 and history.novelty_rate <= config.quiet_sender_rate


def _exempt(address: str, domains) -> bool:
    domain = address.rpartition("@")[2]
    return any(domain == d or domain.endswith("." + d) for d in domains)
