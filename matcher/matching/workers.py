"""Worker processes for independent parts: whether this process may start them, and what it
does before it forks them."""

from __future__ import annotations

import ctypes
import multiprocessing
from functools import cache


def may_fork_workers() -> bool:
    """Return False inside a daemonic process (the site runs rounds in one, so that a round
    over its limit can be killed), which multiprocessing forbids to have children."""
    return not multiprocessing.current_process().daemon


@cache
def _malloc_trim():  # glibc's; None where the C library has none (musl, macOS)
    try:
        return getattr(ctypes.CDLL(None), "malloc_trim", None)
    except OSError:
        return None


def release_free_memory() -> None:
    """Hand the memory that this process freed back to the system, before it forks workers.

    The C allocator keeps freed memory for reuse: 240 MiB after the national round's family
    pairs are built (measured), which a forked worker shares, and which the parent then
    copies page by page as it reuses it while the worker lives. Trimming it first took
    ~15 ms and lowered that round's peak over all processes by ~195 MiB (measured)."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)
