"""Background jobs of the SMS app: sending one message, retrying due ones, pruning the send log."""

from __future__ import annotations

from django_tasks import task

from yizhan.core.periodic import periodic
from yizhan.sms import services


@task()
def send_sms_task(message_id: int) -> str:
    """Send one queued message through the configured gateway (``services.send_message``)."""
    return services.send_message(message_id)


@periodic
@task()
def retry_sms_task() -> dict:
    """Enqueue the messages whose retry is due (and any whose first enqueue was lost)."""
    return {"enqueued": services.retry_due_messages()}


@periodic
@task()
def prune_sms_task() -> dict:
    """Delete send-log rows older than ``YIZHAN_SMS_RETENTION_DAYS``."""
    return {"deleted": services.prune_messages()}
