"""The public sign-up where Danish families volunteer as contact families (no log-in)."""
