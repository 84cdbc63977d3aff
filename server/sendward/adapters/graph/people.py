"""GraphPeople: who a user works with, to seed a new user's correspondent model (cold start).

Two sources, both metadata only:

- the People API, ``GET {mailbox}/people?$top=100&$select=displayName,scoredEmailAddresses,personType``
  (``/me/people`` on the user's behalf with People.Read; ``/users/{id}/people`` as the application
  with People.Read.All): the people most relevant to the user, by Microsoft's ranking of their
  mail, meetings and organisation;
- MailTips ``recipientSuggestions`` (``POST {mailbox}/getMailTips`` with ``MailTipsOptions``
  ``recipientSuggestions``, Mail.Read): for a few of those people, who usually appears on the
  same messages.

Each answer is a list of ``Correspondence`` (address, display name), most relevant first; rooms,
groups and entries without an address are left out. Nothing is logged.
"""

from __future__ import annotations

from collections.abc import Sequence

from sendward.adapters.graph.client import GraphClient
from sendward.adapters.graph.mail_tips import mail_tips
from sendward.adapters.graph.sdk import query
from sendward.domain.correspondents import Correspondence, normalise_address
from sendward.kernel import Deadline

SELECT = ["displayName", "scoredEmailAddresses", "personType"]
MAX_PEOPLE = 100  # the most relevant this many people
MAX_SUGGESTED_FOR = 20  # recipientSuggestions asked for the first this many people
BATCH = 20  # addresses per getMailTips call
CONCURRENCY = 2
_PEOPLE = query(select=SELECT, top=MAX_PEOPLE)


class GraphPeople:
    def __init__(self, client: GraphClient, *, mode: str = "application"):
        self.client = client
        self.mode = mode

    def relevant(self, caller, deadline: Deadline) -> list[Correspondence]:
        """The caller's relevant people (a person with several addresses gives each, best first)."""
        return self.client.call(caller, deadline, self._relevant)

    def suggested(self, caller, deadline: Deadline, addresses: Sequence[str]) -> list[Correspondence]:
        """Who Exchange suggests beside these addresses (MailTips recipientSuggestions)."""
        wanted = list(dict.fromkeys(normalise_address(a) for a in addresses if "@" in a))[:MAX_SUGGESTED_FOR]
        if not wanted:
            return []
        return self.client.call(caller, deadline, lambda session: self._suggested(session, wanted))

    async def _relevant(self, session) -> list[Correspondence]:
        people = session.mailbox(self.mode).people
        answer = await session.retried(lambda: people.get(request_configuration=_PEOPLE), "people")
        found: list[Correspondence] = []
        for person in (answer.value if answer else None) or []:
            kind = getattr(person.person_type, "class_", None) if person.person_type else None
            if kind and kind != "Person":
                continue  # a group or a room
            name = (person.display_name or "").strip()
            for scored in person.scored_email_addresses or []:
                address = normalise_address(scored.address or "")
                if "@" in address:
                    found.append(Correspondence(address, name))
        return list(dict.fromkeys(found))

    async def _suggested(self, session, addresses: list[str]) -> list[Correspondence]:
        tips = await mail_tips(session, self.mode, addresses, "recipientSuggestions", BATCH, CONCURRENCY)
        found: list[Correspondence] = []
        for tip in tips:
            for recipient in tip.recipient_suggestions or []:
                email = recipient.email_address
                address = normalise_address((email.address or "") if email else "")
                if "@" in address:
                    found.append(Correspondence(address, ((email.name or "") if email else "").strip()))
        return list(dict.fromkeys(found))
