"""The built-in worker: a loop that sweeps and runs queued rounds, in a process or a thread.

`flask rounds-worker` runs the loop in its own process; with ROUNDS_INLINE_WORKER the web server
runs it in a background thread (one per app), which is how `make run` and the browser tests work.
"""

import logging
import threading

from flask import Flask

from matcher.extensions import db

log = logging.getLogger("matcher.rounds")
DEFAULT_POLL = 1.0
_threads: dict[int, tuple[threading.Thread, threading.Event]] = {}
_lock = threading.Lock()


def run_pending(app: Flask) -> int:
    """Sweep, run every queued round, then deliver due e-mail; return how many rounds were run."""
    from matcher.services.mailer import deliver_pending
    from matcher.worker.runner import next_queued, run_round
    from matcher.worker.sweeper import sweep

    ran = 0
    with app.app_context():
        try:
            sweep()
            while (round_id := next_queued()) is not None:
                if run_round(round_id) != "skipped":
                    ran += 1
            # The outbox keeps failed messages with a back-off; each pass sends those now due.
            deliver_pending()
        finally:
            db.session.remove()
    return ran


def loop(app: Flask, stop: threading.Event, poll: float | None = None) -> None:
    """Run queued rounds until `stop` is set, polling the table every `poll` seconds."""
    every = poll or float(app.config.get("ROUNDS_POLL", DEFAULT_POLL))
    while not stop.is_set():
        try:
            run_pending(app)
        except Exception:  # the database may be away a moment (or not created yet): try again
            log.exception("round worker: polling failed, retrying")
        stop.wait(every)


def start_thread(app: Flask) -> threading.Thread:
    """Start the built-in worker thread for this app once; return it."""
    with _lock:
        known = _threads.get(id(app))
        if known and known[0].is_alive():
            return known[0]
        stop = threading.Event()
        thread = threading.Thread(
            target=loop, args=(app, stop), name="matcher-rounds-worker", daemon=True
        )
        _threads[id(app)] = (thread, stop)
        thread.start()
        return thread


def stop_thread(app: Flask, timeout: float = 10.0) -> None:
    """Ask the app's worker thread to stop and wait for it."""
    with _lock:
        known = _threads.pop(id(app), None)
    if known:
        known[1].set()
        known[0].join(timeout)


def wanted(app: Flask) -> bool:
    """Return whether this app should run the built-in worker in a thread: config
    ROUNDS_INLINE_WORKER, or the environment variable of the same name set to 1 (for `make run`)."""
    import os

    setting = app.config.get("ROUNDS_INLINE_WORKER")
    if setting is None:
        return os.environ.get("ROUNDS_INLINE_WORKER", "") in ("1", "true", "yes")
    return bool(setting)
