"""The gunicorn worker ``halonotes serve`` runs: gthread, taking connections only when free.

Every worker process waits on the same listening socket, and the one awake first takes each
connection clients open at once. Keep-alive connections then stay with that process for good:
with 4 connections opened together on 4 workers, 6 starts in 10 put 3 or all 4 of them on one
process, where they queued for its single interpreter lock while the other core idled, and
every request on them took two to four times as long.

This worker stops accepting while every one of its threads is handling a request, so a burst
of connections spreads over the workers that have a thread free; the ones no worker can take
yet wait in the kernel's accept queue, as they would for any busy server. Connections a
worker already holds are served as before.
"""

from __future__ import annotations

import threading

from gunicorn.workers.gthread import ThreadWorker


class BalancedThreadWorker(ThreadWorker):
    """Gunicorn's gthread worker that accepts a new connection only while a thread is free."""

    def __init__(self, *args, **kwargs):
        self._busy = 0  # requests being handled (or waited for) by the thread pool
        self._busy_lock = threading.Lock()
        super().__init__(*args, **kwargs)

    @property
    def worker_connections(self) -> int:
        """The number of open connections under which the worker accepts more.

        Gunicorn accepts while its open connections number fewer than this. Open connections
        are the busy ones plus idle keep-alive ones, so capping it at the idle ones plus one per
        thread makes the worker accept only while fewer requests than threads are in hand.
        """
        return min(self._connection_limit, self.nr_conns - self._busy + self.cfg.threads)

    @worker_connections.setter
    def worker_connections(self, limit: int) -> None:
        self._connection_limit = limit  # gunicorn's --worker-connections

    def enqueue_req(self, conn) -> None:
        """Hand the connection to a thread (the main thread calls this)."""
        with self._busy_lock:
            self._busy += 1
        super().enqueue_req(conn)

    def handle(self, conn):
        """Serve one request on a pool thread; the thread counts as free again afterwards."""
        try:
            return super().handle(conn)
        finally:
            with self._busy_lock:
                self._busy -= 1
