"""The HTTP service: one Flask blueprint per surface, created by ``app.create_app``."""
