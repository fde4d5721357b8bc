"""The background side of rounds: the runner, its heartbeat, the sweeper, and the queues.

A round is a row in the database; any worker may take a queued one (atomically), run the solver in
a process of its own while beating a heartbeat, and store the outcome in one transaction. The
built-in worker polls the table (`flask rounds-worker`, or a thread inside the web server with
ROUNDS_INLINE_WORKER); with REDIS_URL set, rounds are also queued on RQ for workers elsewhere.
"""
