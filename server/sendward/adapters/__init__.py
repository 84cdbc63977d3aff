"""The edges: storage, identity, Microsoft Graph, caches."""
