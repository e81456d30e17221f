"""The gunicorn worker ``halonotes serve`` runs: gthread, leaving connections to idle workers.

Every worker process waits on the same listening socket, and the one awake first takes each
connection clients open at once. Keep-alive connections then stay with that process for good:
with 4 connections opened together on 4 workers, 6 starts in 10 put 3 or all 4 of them on one
process, where their requests queued for its single interpreter lock while the other core
idled.

This worker holds back from accepting for a moment while every one of its threads is busy,
so a burst of connections goes to the workers with a thread free. It holds back for at most
ACCEPT_HOLD_OFF after its last accept: a worker that refused outright while its own
keep-alive connections kept it busy left new connections waiting seconds in the kernel's
queue (a p99 of 6 s at 64 connections).
"""

from __future__ import annotations

import threading
import time

from gunicorn.workers.gthread import ThreadWorker

ACCEPT_HOLD_OFF = 0.01  # seconds a worker with no free thread leaves new connections to others


class BalancedThreadWorker(ThreadWorker):
    """Gunicorn's gthread worker that leaves new connections to idle workers while it is busy."""

    def __init__(self, *args, **kwargs):
        self._busy = 0  # requests handed to the thread pool and not finished
        self._busy_lock = threading.Lock()
        self._accepted_at = 0.0
        super().__init__(*args, **kwargs)

    @property
    def worker_connections(self) -> int:
        """The number of open connections under which the worker accepts more.

        Gunicorn checks it before each wait for events; while every thread is busy and the
        last accept was moments ago, it is the connections already open: accept none now.
        """
        if (
            self._busy >= self.cfg.threads
            and time.monotonic() - self._accepted_at < ACCEPT_HOLD_OFF
        ):
            return self.nr_conns
        return self._connection_limit

    @worker_connections.setter
    def worker_connections(self, limit: int) -> None:
        self._connection_limit = limit  # gunicorn's --worker-connections

    def accept(self, listener) -> None:
        """Accept a connection and hand it to a thread (the main thread calls this)."""
        self._accepted_at = time.monotonic()
        super().accept(listener)

    def enqueue_req(self, conn) -> None:
        """Hand a connection with a request (or a new one) to the thread pool."""
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
