"""Whether this process may start worker processes for independent parts."""

from __future__ import annotations

import multiprocessing


def may_fork_workers() -> bool:
    """Return False inside a daemonic process (the site runs rounds in one, so that a round
    over its limit can be killed), which multiprocessing forbids to have children."""
    return not multiprocessing.current_process().daemon
