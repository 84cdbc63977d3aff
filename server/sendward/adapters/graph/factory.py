"""Build the Graph adapters for a configuration: one client (one loop, one pool) shared by all three."""

from __future__ import annotations

from dataclasses import dataclass

from sendward.adapters.graph.attachments import GraphAttachmentSource
from sendward.adapters.graph.client import GraphClient
from sendward.adapters.graph.domains import GraphTenantDomains
from sendward.adapters.graph.mail_tips import GraphGroupSizes
from sendward.adapters.graph.people import GraphPeople
from sendward.adapters.graph.sdk import load_sdk_models
from sendward.adapters.graph.sent_items import GraphSentItems
from sendward.kernel import NO_TELEMETRY


@dataclass
class GraphAdapters:
    attachments: GraphAttachmentSource
    group_sizes: GraphGroupSizes
    tenant_domains: GraphTenantDomains
    client: GraphClient
    sent_items: GraphSentItems | None = None  # recipients.misdirected's history (Sent Items, metadata only)
    people: GraphPeople | None = None  # ... and its cold start (People API, MailTips recipientSuggestions)

    def close(self) -> None:
        """Close the connection pool and stop the worker's Graph loop."""
        self.client.close()


def build_graph_adapters(settings, graph_tokens, cache, telemetry=NO_TELEMETRY) -> GraphAdapters:
    """``graph_tokens`` implements services.ports.GraphTokens; ``cache`` the KeyValueCache port."""
    load_sdk_models()
    client = GraphClient(
        settings.graph_base_url, graph_tokens, ca_bundle=settings.ca_bundle, telemetry=telemetry
    )
    return GraphAdapters(
        attachments=GraphAttachmentSource(
            client, mode=settings.graph_mode, max_bytes=settings.max_attachment_bytes
        ),
        group_sizes=GraphGroupSizes(client, cache, mode=settings.graph_mode),
        tenant_domains=GraphTenantDomains(client, cache),
        client=client,
        sent_items=GraphSentItems(client, mode=settings.graph_mode),
        people=GraphPeople(client, mode=settings.graph_mode),
    )
