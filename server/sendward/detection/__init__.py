"""Reading attachments and bodies into content signals (see README.md)."""
