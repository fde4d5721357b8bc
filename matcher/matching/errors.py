"""The one error a round document can raise: it names the field and the record."""


class RoundError(ValueError):
    """A malformed or invalid round document; `path` names the offending field."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}" if path else message)
        self.path = path
        self.message = message

    def __reduce__(self) -> tuple:  # rebuilt from its parts (a forked worker sends it back)
        return (type(self), (self.path, self.message))
