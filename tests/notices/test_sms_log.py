"""Issue 14 point 14: the SMS log keeps what went out, with every number masked."""

import logging

from notices.sms import LoggingSMSBackend


def test_the_sms_log_masks_the_recipient_and_numbers_in_the_text(caplog):
    with caplog.at_level(logging.INFO, logger="notices.sms"):
        assert LoggingSMSBackend().send("13800001234", "请回电13912345678，编号20260310123456789")

    logged = caplog.text
    assert "138****1234" in logged and "139****5678" in logged
    assert "13800001234" not in logged and "13912345678" not in logged
    assert "20260310123456789" in logged  # a long number that is no phone number stays readable
