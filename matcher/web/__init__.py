"""Web-layer plumbing shared by every blueprint: errors, locale, headers, access rules."""
