"""The caller's Graph token goes only to Graph's host, over https."""

import asyncio
from concurrent.futures import ThreadPoolExecutor

from sendward.adapters.graph.client import CallerToken


def token_for(provider: CallerToken, url: str) -> str:
    # A thread of its own: other suites (browser tests) may leave a loop running on this one.
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, provider.get_authorization_token(url)).result()


def test_the_token_is_given_only_for_the_graph_host_over_https():
    provider = CallerToken("secret", ["graph.microsoft.com"])
    assert token_for(provider, "https://graph.microsoft.com/v1.0/me/messages") == "secret"
    assert token_for(provider, "https://northshire.sharepoint.com/download") == ""
    assert token_for(provider, "http://graph.microsoft.com/v1.0/me") == ""
    assert "secret" not in repr(provider)
