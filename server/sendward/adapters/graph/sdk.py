"""The msgraph-sdk names the Graph adapters use, imported in one place.

The generated request builders define deprecated configuration classes as
their modules load, which warns on every first import; the warnings are about
the SDK's generated code, not ours, so they are silenced here and only here.
"""

import warnings
from dataclasses import dataclass

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    from kiota_abstractions.authentication import AnonymousAuthenticationProvider
    from kiota_abstractions.base_request_configuration import RequestConfiguration
    from msgraph import GraphRequestAdapter, GraphServiceClient
    from msgraph.generated.models.entity import Entity
    from msgraph.generated.models.item_attachment import ItemAttachment
    from msgraph.generated.models.reference_attachment import ReferenceAttachment
    from msgraph.generated.users.item.get_mail_tips.get_mail_tips_post_request_body import (
        GetMailTipsPostRequestBody,
    )


def load_sdk_models() -> None:
    """Import the SDK's models and request builders now, not inside the first request's time budget.

    Reading any entity makes kiota import the whole model hierarchy (about 1,200
    modules, ~2 s on a small machine), and request builders are imported on first
    use. Done while the app is built, so with gunicorn's --preload it is paid
    once, before the workers fork. No request is sent.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        Entity().get_field_deserializers()
        sdk = GraphServiceClient(request_adapter=GraphRequestAdapter(AnonymousAuthenticationProvider()))
        for mailbox in (sdk.me, sdk.users.by_user_id("warm-up")):
            mailbox.get_mail_tips.to_post_request_information(GetMailTipsPostRequestBody())
            mailbox.messages.by_message_id("warm-up").attachments.by_attachment_id("warm-up")
            mailbox.people.to_get_request_information()
        sdk.shares.by_shared_drive_item_id("warm-up").drive_item.content.to_get_request_information()
        sdk.organization.to_get_request_information()


@dataclass
class _Query:
    """OData query options, as kiota reads the SDK's per-request-builder classes: each field is sent under
    the name ``get_query_parameter`` gives (``select`` as ``$select``), when not None."""

    select: list[str] | None = None
    top: int | None = None

    def get_query_parameter(self, original_name: str) -> str:
        return f"%24{original_name}"


def query(*, select: list[str], top: int | None = None) -> RequestConfiguration:
    """A GET's configuration with ``$select`` (and ``$top``), for any request builder."""
    return RequestConfiguration(query_parameters=_Query(select=select, top=top))


__all__ = [  # re-exported, so the adapters import the SDK only through this module
    "GetMailTipsPostRequestBody", "GraphRequestAdapter", "GraphServiceClient", "ItemAttachment", "ReferenceAttachment",
]
