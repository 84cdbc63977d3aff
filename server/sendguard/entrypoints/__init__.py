"""The outer layer: Flask blueprints and the `sendguard` command."""
