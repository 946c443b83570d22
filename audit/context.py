"""The application's say-so on the audit context.

Each event row's ``pgh_context`` (who, from where, why) is JSON that the
application puts in a session setting before each write; the history trigger
copies it. Anyone holding the application's database credentials could set
that setting too, naming any user. So the application signs it: an HMAC
(SHA-256, keyed by ``SECRET_KEY``) over the context and the identity of the
database session it is sent on (backend pid and start time). The trigger
records that session itself (``pgh_session``), and ``audit_verify`` recomputes
the signature from what the trigger recorded:

- a context set by hand (psql with the application's password) has no valid
  signature: whoever sets it lacks the key;
- a signed context copied from another event (it is readable) was signed for
  another session: the trigger recorded this one, so it does not verify;
- an event with no context at all is a direct database change, attributed by
  its session alone.

Keys: the signature uses ``SECRET_KEY``; verification also tries
``SECRET_KEY_FALLBACKS``, so keep a retired key there for as long as its
events are to be checked.
"""

from __future__ import annotations

import hmac
import json
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection
from django.db.backends.signals import connection_created
from django.dispatch import receiver
from django.utils.crypto import salted_hmac

SIGNATURE_KEY = "sig"
_SALT = "audit.context"

# The session's identity, as the trigger's audit_session() records it.
SESSION_SQL = (
    "SELECT pg_backend_pid(), (extract(epoch FROM a.backend_start) * 1000000)::bigint"
    " FROM pg_stat_get_activity(pg_backend_pid()) a"
)


def session_id(pid: Any, backend_start_us: Any) -> str:
    return f"{pid}:{backend_start_us}"


@receiver(connection_created, dispatch_uid="audit.context.remember_session")
def _remember_session(sender, connection, **kwargs):
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(SESSION_SQL)
        connection.audit_session_id = session_id(*cursor.fetchone())


def canonical(context: dict[str, Any]) -> str:
    """The context as signed: the JSON value as PostgreSQL stores it (jsonb),
    keys sorted, no signature."""
    body = {k: v for k, v in context.items() if k != SIGNATURE_KEY}
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _signature(context: dict[str, Any], session: str, secret: str) -> str:
    message = f"{session}\n{canonical(context)}"
    return salted_hmac(_SALT, message, secret=secret, algorithm="sha256").hexdigest()


def sign(context: dict[str, Any], session: str) -> str:
    return _signature(context, session, settings.SECRET_KEY)


def is_signed_for(context: dict[str, Any], session: str | None) -> bool:
    """True when the context carries the application's signature for this
    database session."""
    given = context.get(SIGNATURE_KEY)
    if not isinstance(given, str) or not session:
        return False
    return any(
        hmac.compare_digest(given, _signature(context, session, secret))
        for secret in (settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS)
    )


class SigningEncoder(DjangoJSONEncoder):
    """pghistory's encoder for the context it sends with each write
    (PGHISTORY_JSON_ENCODER): the JSON plus its signature for the session of
    the default connection, which is the one pghistory writes through."""

    def encode(self, o):
        if not isinstance(o, dict):
            return super().encode(o)
        # Through JSON and back: what PostgreSQL will store is what is signed.
        context = json.loads(super().encode(o))
        session = getattr(connection, "audit_session_id", None)
        if session is not None:
            context[SIGNATURE_KEY] = sign(context, session)
        return json.dumps(context, ensure_ascii=False)


def session_of(event_session: dict | None) -> str | None:
    """The session identity recorded by the trigger (``pgh_session``)."""
    if not event_session:
        return None
    pid, start = event_session.get("pid"), event_session.get("backend_start_us")
    if pid is None or start is None:
        return None
    return session_id(pid, start)
