"""Group-chat robots and generic webhooks: the notifications a task force's
group chats receive (企业微信, 钉钉, 飞书) and any system that listens for them.

`services.webhook_queue` writes one delivery row per subscribed webhook in the
transaction of the act (notifications.services.notify calls it once per act);
the worker sends each row (tasks.py), retries with backoff, and refuses any
address that would reach inside the service's own network (addresses.py)."""
