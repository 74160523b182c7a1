"""SMS delivery. The default backend only logs; set SMS_BACKEND to a class with the same
interface to plug in a real gateway."""

import logging

from django.conf import settings
from django.utils.module_loading import import_string

from core.masking import mask_passwords_in, mask_phone, mask_phones_in

logger = logging.getLogger(__name__)


class BaseSMSBackend:
    def send(self, phone, text):
        """Send one message. Return True when the gateway accepted it."""
        raise NotImplementedError


class LoggingSMSBackend(BaseSMSBackend):
    sent = []  # kept in memory so a development session can inspect what would have gone out

    def send(self, phone, text):
        # The log keeps what happened, not whom to call nor what to type: numbers masked, in the
        # recipient and the text, and an initial password starred.
        logger.info("SMS to %s: %s", mask_phone(phone), mask_phones_in(mask_passwords_in(text)))
        self.sent.append((phone, text))
        return True


def get_sms_backend():
    return import_string(settings.SMS_BACKEND)()


def user_phone(user):
    secretary = getattr(user, "secretary", None)
    if secretary is not None and secretary.phone:
        return secretary.phone
    profile = getattr(user, "staff_profile", None)
    return getattr(profile, "phone", "") or ""
