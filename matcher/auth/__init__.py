"""Log-in landing, language switch and each role's start page."""
