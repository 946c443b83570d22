from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class IdempotencyRecord(models.Model):
    """The first successful response to a POST sent with an Idempotency-Key.

    A retry with the same key gets this response back instead of creating the
    thing twice. The unique (user, key) pair is what makes two simultaneous
    retries safe: the second insert waits for the first transaction and then
    fails, so only one request ever runs the view."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    key = models.CharField(_("idempotency key"), max_length=200)
    method = models.CharField(_("method"), max_length=8)
    path = models.CharField(_("path"), max_length=1000)
    request_fingerprint = models.CharField(_("request fingerprint"), max_length=64)
    status_code = models.PositiveSmallIntegerField(_("status code"))
    response_body = models.JSONField(_("response body"), null=True, blank=True)
    # Only ETag and Location: the headers a client acts on after a create.
    response_headers = models.JSONField(_("response headers"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("idempotency record")
        verbose_name_plural = _("idempotency records")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "key"], name="idempotency_one_record_per_user_key"
            )
        ]
        indexes = [models.Index(fields=["created_at"], name="idempotency_created_idx")]

    def __str__(self):
        return f"{self.method} {self.path} [{self.key}]"
