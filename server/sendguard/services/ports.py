"""What the services need from the edges. Adapters implement these; tests pass fakes."""

from __future__ import annotations

from typing import Mapping, Protocol, Sequence

from sendguard.detection.limits import Deadline
from sendguard.domain.draft import Attachment, Draft
from sendguard.signals.recipients import GroupSize


class AttachmentSource(Protocol):
    """Fetches attachment bytes the draft only names (Graph, for a saved draft)."""

    def fetch(self, draft: Draft, caller, deadline: Deadline) -> Sequence[Attachment]:
        """The draft's attachments with content filled in; one that could not be fetched keeps content None."""


class GroupSizes(Protocol):
    """Sizes of distribution lists among the recipients (Graph mail tips)."""

    def sizes(self, draft: Draft, caller, deadline: Deadline) -> Mapping[str, GroupSize]:
        """Address (lower case) -> its size, for the addresses that are groups."""


class ScanCache(Protocol):
    """Scan results by tenant, content hash and policy fingerprint (never the content)."""

    def get(self, key: str): ...

    def put(self, key: str, value) -> None: ...
