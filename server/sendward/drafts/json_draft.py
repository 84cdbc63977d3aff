"""The JSON draft of ``POST /api/v1/score`` (see docs/reference.md) -> Draft.

These pydantic models both validate requests and generate the OpenAPI schema.
"""

from __future__ import annotations

import base64
import binascii
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from sendward.domain.draft import Address, Attachment, Body, Draft, Override
from sendward.domain.policy import first_error
from sendward.drafts.errors import UnreadableDraft

MAX_RECIPIENTS_PER_FIELD = 100_000
MAX_ATTACHMENTS = 250
MIN_BUDGET_MS = 100
MAX_BUDGET_MS = 300_000


class AddressIn(BaseModel):
    model_config = ConfigDict(extra="ignore")

    address: str = Field(default="", max_length=320, description="Empty for an unresolved contact group")
    name: str = Field(default="", max_length=512)


class BodyIn(BaseModel):
    model_config = ConfigDict(extra="ignore")

    type: Literal["text", "html"] = "text"
    content: str = ""


class AttachmentIn(BaseModel):
    model_config = ConfigDict(extra="ignore")

    id: str | None = Field(default=None, max_length=2048, description="Graph attachment id")
    name: str = Field(min_length=1, max_length=1024)
    content_type: str = Field(default="application/octet-stream", max_length=255)
    size: int = Field(default=0, ge=0)
    content_base64: str | None = Field(
        default=None, description="Inline bytes: embedded default, or a draft Outlook cannot save"
    )
    is_inline: bool = Field(default=False, description="An inline image in the body")
    kind: Literal["file", "item", "reference"] = "file"
    url: str | None = Field(
        default=None, max_length=4096, description="A cloud attachment's link (Office.js AttachmentDetailsCompose.url)"
    )

    @field_validator("content_base64")
    @classmethod
    def _valid_base64(cls, value: str | None) -> str | None:
        if value is None:
            return value
        try:
            base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            raise ValueError("not valid base64") from None
        return value

    @field_validator("url")
    @classmethod
    def _https_link(cls, value: str | None) -> str | None:
        if value is not None and not value.lower().startswith("https://"):
            raise ValueError("must be an https:// link")
        return value


class OverrideIn(BaseModel):
    model_config = ConfigDict(extra="ignore")

    decision_id: str = Field(min_length=1, max_length=100)
    justification: str = Field(default="", max_length=500)


class ClientIn(BaseModel):
    model_config = ConfigDict(extra="ignore")

    platform: str = Field(default="", max_length=64, description="e.g. 'OfficeOnline', 'PC', 'Mac'")
    version: str = Field(default="", max_length=64)


class ScoreRequest(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True)

    sender: AddressIn | None = Field(default=None, alias="from")
    to: list[AddressIn] = Field(max_length=MAX_RECIPIENTS_PER_FIELD)
    cc: list[AddressIn] = Field(default_factory=list, max_length=MAX_RECIPIENTS_PER_FIELD)
    bcc: list[AddressIn] = Field(default_factory=list, max_length=MAX_RECIPIENTS_PER_FIELD)
    subject: str = Field(default="", max_length=16_384)
    body: BodyIn = Field(default_factory=BodyIn)
    item_id: str | None = Field(
        default=None, max_length=2048, description="REST id of the saved draft: attachments come from Graph"
    )
    attachments: list[AttachmentIn] = Field(default_factory=list, max_length=MAX_ATTACHMENTS)
    override: OverrideIn | None = None
    previous_decision_id: str | None = Field(
        default=None,
        min_length=1,
        max_length=100,
        description="The decision_id of this e-mail's previous Send, when Send is pressed again: "
        "that e-mail did not go as it was (a warning not sent anyway)",
    )
    client: ClientIn | None = None
    purpose: Literal["send", "precheck"] = Field(
        default="send",
        description="'precheck': a background check while the draft is written; not recorded as a decision",
    )
    budget_ms: int | None = Field(
        default=None,
        ge=MIN_BUDGET_MS,
        le=MAX_BUDGET_MS,
        description="How many milliseconds the client still waits for the answer (network margin taken off); "
        "the service answers within the smaller of this and its own budget",
    )

    @property
    def recorded(self) -> bool:
        return self.purpose == "send"

    def to_draft(self) -> Draft:
        return Draft(
            sender=_address(self.sender) if self.sender else None,
            to=tuple(_address(a) for a in self.to),
            cc=tuple(_address(a) for a in self.cc),
            bcc=tuple(_address(a) for a in self.bcc),
            subject=self.subject,
            body=Body(content=self.body.content, type=self.body.type),
            attachments=tuple(_attachment(a) for a in self.attachments if not a.is_inline),
            item_id=self.item_id,
            override=(
                Override(self.override.decision_id, self.override.justification) if self.override else None
            ),
            previous_decision_id=self.previous_decision_id,
        )


def draft_from_json(document) -> Draft:
    """For files: a JSON draft that fails validation is unreadable input."""
    try:
        return ScoreRequest.model_validate(document).to_draft()
    except ValidationError as error:
        raise UnreadableDraft(f"invalid JSON draft: {first_error(error, 'draft')}") from None


def _address(a: AddressIn) -> Address:
    return Address(address=a.address.strip(), name=a.name.strip())


def _attachment(a: AttachmentIn) -> Attachment:
    """The declared size is kept until bytes replace it: 0 bytes for a declared size > 0 is unread."""
    declared = Attachment(name=a.name, content_type=a.content_type, size=a.size, id=a.id, kind=a.kind, url=a.url)
    if a.content_base64 is None:
        return declared
    return declared.read_as(base64.b64decode(a.content_base64))
