"""Microsoft Graph and the identity platform, at the edge: msal tokens, msgraph-sdk calls."""
