"""What a process does before it forks workers: hand its freed memory back (whether it may
fork at all is tested where the site's daemonic process solves a round: test_parts.py)."""

from __future__ import annotations

import os

import pytest

from matcher.matching import workers


def _resident_mib() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


@pytest.mark.skipif(workers._malloc_trim() is None, reason="the C library has no malloc_trim")
def test_memory_freed_inside_the_heap_goes_back_to_the_system():
    # ~190 MiB in blocks small enough for the C heap, each written so that it is resident
    blocks = [bytes(range(256)) * 256 for _ in range(3000)]
    last = blocks[-1]  # still in use at the heap's top: freeing the others cannot shrink it
    del blocks
    kept = _resident_mib()
    workers.release_free_memory()
    assert _resident_mib() < kept - 100
    assert len(last) == 65536
