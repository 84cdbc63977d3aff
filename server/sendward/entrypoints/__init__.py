"""The outer layer: Flask blueprints and the `sendward` command."""
