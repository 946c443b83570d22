"""STORAGE_URL → the ``default`` entry of Django's STORAGES setting.

* unset or ``file://`` — files under MEDIA_ROOT (the embedded default);
  ``file:///srv/tracker/media`` puts them in that directory instead.
* ``s3://BUCKET`` or ``s3://BUCKET/PREFIX`` — private objects in an
  S3-compatible store, addressed path-style (``AWS_S3_ENDPOINT_URL``,
  ``AWS_ACCESS_KEY_ID``, ``AWS_SECRET_ACCESS_KEY``, ``AWS_S3_REGION_NAME``).

Imported by the settings, so nothing here may touch django.conf.settings.
"""

from __future__ import annotations

from urllib.parse import unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

LOCAL_BACKEND = "config.storage_backends.LocalStorage"
OBJECT_BACKEND = "config.storage_backends.ObjectStorage"
# Files larger than this are buffered on the web node's disk while served.
MAX_MEMORY_BYTES = 4 * 1024 * 1024


def media_root(url: str) -> str | None:
    """The directory a ``file:///…`` URL names, or None."""
    parts = urlsplit(url or "")
    if parts.scheme == "file" and parts.path not in ("", "/"):
        return unquote(parts.path)
    return None


def default_storage(
    url: str,
    *,
    endpoint_url: str = "",
    access_key: str = "",
    secret_key: str = "",
    region: str = "us-east-1",
) -> dict:
    parts = urlsplit(url or "")
    if parts.scheme in ("", "file"):
        if parts.scheme == "" and url:
            raise ImproperlyConfigured(f"STORAGE_URL {url!r}: use file:// or s3://")
        return {"BACKEND": LOCAL_BACKEND}
    if parts.scheme != "s3":
        raise ImproperlyConfigured(
            f"STORAGE_URL scheme {parts.scheme!r}: use file:// or s3://"
        )
    if not parts.hostname:
        raise ImproperlyConfigured("STORAGE_URL s3:// needs a bucket: s3://BUCKET")
    return {
        "BACKEND": OBJECT_BACKEND,
        "OPTIONS": {
            "bucket_name": parts.netloc,
            "location": unquote(parts.path).strip("/"),
            "endpoint_url": endpoint_url or None,
            # Unset: boto3's own chain (environment, instance role).
            "access_key": access_key or None,
            "secret_key": secret_key or None,
            "region_name": region or "us-east-1",
            "addressing_style": "path",
            "signature_version": "s3v4",
            # Private: no ACL is sent, so the bucket's (private) one applies.
            "default_acl": None,
            "querystring_auth": True,
            "querystring_expire": 300,
            # Two uploads with one name both keep their file, as on disk.
            "file_overwrite": False,
            "max_memory_size": MAX_MEMORY_BYTES,
        },
    }
