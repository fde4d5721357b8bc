"""The matching engine: pure functions from a `matcher-round/1` document to a result.

Imports only the standard library, NumPy and OR-Tools (never Flask or the ORM).
"""

from .errors import RoundError
from .greedy import first_come_first_served
from .solve import solve

__all__ = ["RoundError", "first_come_first_served", "solve"]
