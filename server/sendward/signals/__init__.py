"""Gathering signals from a draft (see README.md): CPU only, no network."""
