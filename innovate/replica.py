"""Reads from a PostgreSQL replica, when there is one (settings.DATABASE_REPLICA_URL).

The dashboards, the exports and the API's reads are what many run and none change, so they go
to the replica; everything else, and every write, goes to the primary. A replica lags the
primary by a moment, so a person who wrote in the last REPLICA_LAG_SECONDS reads from the
primary wherever they are: each successful write answers with a short-lived cookie saying so,
which every app server reads (read-your-writes). Without a replica, all of this does nothing."""

from contextvars import ContextVar

from django.conf import settings

REPLICA = "replica"
WROTE_COOKIE = "innovate_wrote"
# The areas whose reads may go to the replica (URL namespaces), and any CSV or PDF download.
READ_AREAS = {"dashboard", "api"}
DOWNLOAD_SUFFIXES = (".csv", ".pdf")

_on_replica = ContextVar("on_replica", default=False)


def reads_from_replica(request):
    """Whether this request's reads go to the replica: a GET of a dashboard, an export or the
    API, by someone who has not written in the last few seconds."""
    if not settings.READ_FROM_REPLICA or REPLICA not in settings.DATABASES:
        return False
    if request.method not in ("GET", "HEAD"):
        return False
    if request.COOKIES.get(WROTE_COOKIE):
        return False
    match = request.resolver_match
    in_area = match is not None and match.namespace in READ_AREAS
    return in_area or request.path.endswith(DOWNLOAD_SUFFIXES)


class ReplicaRouter:
    """Reads on the replica while a request that may use it runs; writes on the primary."""

    def db_for_read(self, model, **hints):
        if _on_replica.get() and settings.READ_FROM_REPLICA and REPLICA in settings.DATABASES:
            return REPLICA
        return None

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        # The replica holds the primary's rows: an object read from either may point at one
        # read from the other.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db != REPLICA


class ReplicaMiddleware:
    """Chooses where each request reads (after the URL is resolved), and marks a person who
    has just written so that their next reads, on any app server, go to the primary."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Set for every request, so nothing carries over to the next one in this thread; left
        # set after the response, so a streamed export reads from the same database.
        _on_replica.set(False)
        response = self.get_response(request)
        if request.method not in ("GET", "HEAD", "OPTIONS") and response.status_code < 400:
            response.set_cookie(
                WROTE_COOKIE,
                "1",
                max_age=settings.REPLICA_LAG_SECONDS,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        if reads_from_replica(request):
            _on_replica.set(True)
