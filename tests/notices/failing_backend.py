"""Mail backends that fail the way real ones do, for the delivery tests."""

from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend


class FailingBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise OSError("mail server unreachable")


class WorkerKilled(BaseException):
    """Stands for SIGKILL: nothing in the delivery may catch it (BaseException, like SystemExit)."""


class CrashingBackend(LocmemBackend):
    """Delivers (into mail.outbox) the first `allowed` messages, then the 'worker dies'."""

    allowed = 0
    delivered = 0

    def send_messages(self, messages):
        for message in messages:
            if CrashingBackend.delivered >= CrashingBackend.allowed:
                raise WorkerKilled
            CrashingBackend.delivered += 1
            super().send_messages([message])
        return len(messages)


class RefusingBackend(LocmemBackend):
    """Refuses any message to an address that contains 'refused' (a bounced mailbox)."""

    def send_messages(self, messages):
        for message in messages:
            if any("refused" in address for address in message.to):
                raise OSError("550 mailbox unavailable")
        return super().send_messages(messages)
