"""gunicorn settings from the environment (`gunicorn familieschool.wsgi` reads this file).

Threads let one process serve several requests while others wait on PostgreSQL; every thread
keeps its own database connection (CONN_MAX_AGE), so one machine holds up to
GUNICORN_WORKERS x GUNICORN_THREADS connections. See docs/performance.md for the figures.
"""

import gc
import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
worker_class = "gthread"
# Seconds a request may take before the worker is restarted; the statement timeout below stops
# a slow query well before that.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))
# Restart a worker after this many requests (with jitter), so slow memory growth cannot pile up.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = max_requests // 10
# Load the portal once in the master and fork every worker from it: a worker recycled after
# max_requests is then ready in milliseconds, instead of importing Django and the portal again
# (about 1.9 s of CPU). Under `make load` one such boot stalled every request of that moment by
# 200-300 ms, /healthz included. Nothing opens a database or Redis connection at import, so no
# connection is shared between processes. New code needs a restart of the master (a deploy
# restarts the container), not a HUP. GUNICORN_PRELOAD=0 loads it in each worker instead.
preload_app = os.environ.get("GUNICORN_PRELOAD", "1") != "0"
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None

# Python's cyclic garbage collector stops every thread of a process while it walks the objects it
# tracks; its full collection walks all of them. In a worker that is Django and the portal
# (some 160,000 objects): measured in-process on the city-sized set, one full collection took
# 110-160 ms, a stall of every request in that worker (once every few hundred requests). Frozen
# objects are left out of every collection (they are still freed when no longer referenced, only
# reference cycles among them stay): the master freezes what it loaded before each fork, and each
# worker freezes what its first requests built (compiled templates, URL and translation caches)
# after GC_FREEZE_AFTER requests. Full collections then walk the requests' own objects: 4.5 ms
# instead of 110. GUNICORN_GC_FREEZE=0 leaves the collector as Python sets it.
GC_FREEZE = os.environ.get("GUNICORN_GC_FREEZE", "1") != "0"
GC_FREEZE_AFTER = int(os.environ.get("GUNICORN_GC_FREEZE_AFTER", "200"))


def pre_fork(server, worker):
    if GC_FREEZE:
        gc.freeze()


def post_request(worker, req, environ, resp):
    if GC_FREEZE and worker.nr >= GC_FREEZE_AFTER and not getattr(worker, "gc_frozen", False):
        worker.gc_frozen = True
        gc.freeze()


# Web requests only: a query that runs longer than this (ms) is cancelled by PostgreSQL.
os.environ.setdefault(
    "DATABASE_STATEMENT_TIMEOUT", os.environ.get("WEB_STATEMENT_TIMEOUT", "10000")
)
