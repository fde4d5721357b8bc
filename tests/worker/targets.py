"""Compute targets for the worker tests, run in the spawned solver process by dotted name."""

import os
import time


def slow(doc, time_limit, progress):
    """Report some progress, then take far longer than any test waits."""
    progress(0.3, "solving")
    time.sleep(120)
    raise AssertionError("never reached in the tests")


def crash(doc, time_limit, progress):
    """Fail the way a solver bug would."""
    progress(0.2, "solving")
    raise RuntimeError("simulated solver bug")


def die(doc, time_limit, progress):
    """Stop the solver process abruptly, as a segfault in native code would."""
    os._exit(3)
