from .webhooks import admin as webhooks_admin  # noqa: F401  (registers its models)
