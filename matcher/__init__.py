"""matcher: matchmaking for refugee families, contact families and subsidised club places.

The package root stays free of Flask imports so that `matcher.matching` (the pure solver) and the
`matcher solve` command load quickly and without the web stack.
"""


def create_app(test_config=None):
    """Build the Flask application (see `matcher.app.create_app`)."""
    from matcher.app import create_app as _create_app

    return _create_app(test_config)
