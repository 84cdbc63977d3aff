"""The pure core of SendGuard: no IO here (see README.md)."""
