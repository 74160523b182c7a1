"""Validators for Chinese mainland identifiers and passwords. Messages are in Chinese."""

import re
from datetime import date

from django.core.exceptions import ValidationError

# The masks live in the kernel so that notices (which may not import this app) use the same ones.
from core.masking import mask_id_number, mask_phone, normalize_phone  # noqa: F401

MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_CHARS = "10X98765432"


def validate_mobile(value):
    if not MOBILE_RE.match(normalize_phone(value)):
        raise ValidationError("手机号码应为11位中国大陆手机号（以1开头，第二位3-9）", code="invalid_mobile")


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
