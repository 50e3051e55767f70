"""The default backend: the would-be message goes to the Python log (development and tests)."""

from __future__ import annotations

import logging
import uuid

from yizhan.lib.pii import mask_phone
from yizhan.sms.backends.base import OutgoingSms

logger = logging.getLogger("yizhan.sms")


class LoggingBackend:
    name = "logging"

    def send(self, sms: OutgoingSms) -> str:
        message_id = f"log-{uuid.uuid4().hex[:16]}"
        logger.info(
            "SMS to %s (template %s, id %s): %s",
            mask_phone(sms.phone),
            sms.template_code,
            message_id,
            sms.text,
        )
        return message_id
