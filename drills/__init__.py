"""Fault drills against the service's real processes (`make drills`).

Each drill starts what it breaks on a private PostgreSQL cluster and a private
redis-server on spare loopback ports (never the machine's shared servers),
breaks it, checks what the service promises, prints one line of figures and
cleans up what it started, also when it fails or runs out of time. See
drills/README.md."""
