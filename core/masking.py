"""How a phone or ID number looks masked (138****5678, 110***********1234). Who sees them unmasked
is the visibility rule (secretaries/visibility.py); logs never do."""

import re

MOBILE_IN_TEXT = re.compile(r"(?<!\d)(1[3-9]\d)\d{4}(\d{4})(?!\d)")


def normalize_phone(value):
    return re.sub(r"[\s-]", "", value or "")


def mask_phone(value):
    value = normalize_phone(value)
    if len(value) < 7:
        return "*" * len(value)
    return f"{value[:3]}****{value[-4:]}"


def mask_id_number(value):
    value = (value or "").strip()
    if not value:
        return ""
    if len(value) < 8:
        return "*" * len(value)
    return f"{value[:3]}{'*' * (len(value) - 7)}{value[-4:]}"


def mask_phones_in(text):
    """Every mainland mobile number inside free text, masked (for log lines)."""
    return MOBILE_IN_TEXT.sub(r"\1****\2", text or "")


PASSWORD_IN_TEXT = re.compile(r"(密码[：:]\s*)[^\s，。,;；]+")


def mask_passwords_in(text):
    """A password written as `密码：xxxx` inside free text, starred (an initial password's SMS)."""
    return PASSWORD_IN_TEXT.sub(r"\1******", text or "")
