"""`runserver` (what `make run` starts), closing each thread's database
connections when the thread's client connection ends.

The development server handles every client connection in a new thread, and
Django keeps one database connection per thread. With persistent connections
(CONN_MAX_AGE, as in production) a finished thread's connection stayed open
until the garbage collector happened to find it: 25 parallel requests left
about 20 idle connections, and at PostgreSQL's limit of 100 the server refused
everyone. Django's own threaded test server closes them the same way
(django.core.servers.basehttp.ThreadedWSGIServer.close_request).
"""

from django.core.servers.basehttp import WSGIServer
from django.db import connections
from whitenoise.runserver_nostatic.management.commands.runserver import (
    Command as WhiteNoiseRunserver,
)


class ConnectionClosingWSGIServer(WSGIServer):
    def close_request(self, request):
        # Runs in the thread that served the client connection, so it closes
        # exactly that thread's database connections.
        connections.close_all()
        super().close_request(request)


class Command(WhiteNoiseRunserver):
    server_cls = ConnectionClosingWSGIServer
