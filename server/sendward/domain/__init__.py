"""The pure core of Sendward: no IO here (see README.md)."""
