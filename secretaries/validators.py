"""Validators for Chinese mainland identifiers, phone numbers, amounts of money and passwords.
Messages are in Chinese. Every form that takes a phone number or an amount calls these."""

import re
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError

# The masks live in the kernel so that notices (which may not import this app) use the same ones.
from core.masking import mask_id_number, mask_phone, normalize_phone  # noqa: F401

MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
# A landline with its area code: 010-61340000, 0898-12345678 (dash or space optional).
LANDLINE_RE = re.compile(r"^0\d{2,3}\d{7,8}$")
# A village's demand, a project's budget: more than this is a slip of the unit (元 typed as 分).
FUNDS_MAX = Decimal("100000000")
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_CHARS = "10X98765432"


def validate_mobile(value):
    if not MOBILE_RE.match(normalize_phone(value)):
        raise ValidationError("手机号码应为11位中国大陆手机号（以1开头，第二位3-9）", code="invalid_mobile")


def validate_contact_phone(value):
    """A contact may be a mobile (11 digits starting with 1) or a landline with its area code."""
    digits = normalize_phone(value)
    if digits and not (MOBILE_RE.match(digits) or LANDLINE_RE.match(digits)):
        raise ValidationError(
            "联系电话应为11位手机号（以1开头），或带区号的座机（如010-61340000）", code="invalid_contact_phone"
        )


def validate_funds(value):
    """An amount of money in yuan: not negative, and not beyond what a village or project asks."""
    if value is None:
        return
    if value < 0:
        raise ValidationError("金额不能为负数", code="negative_funds")
    if value > FUNDS_MAX:
        raise ValidationError("金额超过1亿元，请核对单位（元）", code="funds_too_large")


def validate_not_past(value, today):
    """A wanted-by date before today is most likely a typo: the form asks the user to confirm it."""
    if value is not None and value < today:
        raise ValidationError(
            f"期望完成时间 {value:%Y-%m-%d} 早于今天，请核对；如确实如此，请勾选“确认日期无误”",
            code="past_date",
        )


def id_check_char(first17):
    total = sum(int(digit) * weight for digit, weight in zip(first17, ID_WEIGHTS, strict=True))
    return ID_CHECK_CHARS[total % 11]


def validate_id_number(value):
    value = (value or "").strip().upper()
    if not value:
        return
    if not re.match(r"^\d{17}[\dX]$", value):
        raise ValidationError("身份证号应为18位（前17位为数字，最后一位为数字或X）", code="invalid_id_format")
    try:
        date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        raise ValidationError("身份证号中的出生日期无效", code="invalid_id_birth") from None
    if id_check_char(value[:17]) != value[17]:
        raise ValidationError("身份证号校验位不正确，请核对", code="invalid_id_checksum")


class CharacterClassesValidator:
    """Require characters from several classes: lower case, upper case, digits, symbols."""

    def __init__(self, min_classes=3):
        self.min_classes = min_classes

    def _classes(self, password):
        checks = (r"[a-z]", r"[A-Z]", r"\d", r"[^a-zA-Z\d]")
        return sum(1 for pattern in checks if re.search(pattern, password))

    def validate(self, password, user=None):
        if self._classes(password) < self.min_classes:
            raise ValidationError(
                f"密码至少要包含小写字母、大写字母、数字、符号中的{self.min_classes}类",
                code="password_too_simple",
            )

    def get_help_text(self):
        return f"密码至少要包含小写字母、大写字母、数字、符号中的{self.min_classes}类。"
