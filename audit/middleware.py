import pghistory.middleware

REASON_HEADER = "X-Change-Reason"


class AuditContextMiddleware(pghistory.middleware.HistoryMiddleware):
    """Who, from where and why, on every change a request makes.

    The actor is filled in when the user is known (DRF authenticates in the
    view; pghistory's request class updates the context then)."""

    def get_context(self, request):
        context = super().get_context(request)
        path = request.path
        if path.startswith("/admin/"):
            source = "admin"
        elif path.startswith("/api/"):
            source = "api"
        else:
            source = "web"
        context.update(
            source=source,
            request_id=getattr(request, "request_id", None),
            method=request.method,
            path=path,
        )
        reason = request.headers.get(REASON_HEADER, "").strip()
        if reason:
            context["reason"] = reason[:500]
        return context
