"""Errors the services raise for the views to turn into clear answers."""


class StaleEdit(Exception):
    """Someone else saved the record after this edit form was loaded (optimistic locking)."""
