class UnreadableDraft(ValueError):
    """The input is not a draft we can read; the message says why in one line."""
