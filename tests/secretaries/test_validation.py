from datetime import date

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from secretaries.models import Secretary
from secretaries.validators import id_check_char, mask_id_number, mask_phone, validate_id_number, validate_mobile
from tests.factories import SecretaryFactory, make_id_number


@pytest.mark.parametrize("phone", ["13812345678", "199 1234 5678", "150-1234-5678"])
def test_mainland_mobile_numbers_are_accepted(phone):
    validate_mobile(phone)


@pytest.mark.parametrize("phone", ["12812345678", "1381234567", "138123456789", "01012345678", "abcdefghijk"])
def test_other_numbers_are_refused_with_a_chinese_message(phone):
    with pytest.raises(ValidationError, match="11位"):
        validate_mobile(phone)


def test_an_id_number_with_the_right_check_digit_is_accepted():
    validate_id_number(make_id_number(date(1985, 3, 14), 123))
    validate_id_number("11010519491231002X")  # the standard's own example ends in X


@pytest.mark.parametrize(
    "number, message",
    [("11010519491231002", "18位"), ("110105194912310021", "校验位"), ("110105194913310028", "出生日期")],
)
def test_bad_id_numbers_are_refused(number, message):
    with pytest.raises(ValidationError, match=message):
        validate_id_number(number)


def test_check_digit_follows_gb11643():
    assert id_check_char("11010519491231002") == "X"


def test_masks_keep_only_the_ends():
    assert mask_phone("13856785678") == "138****5678"
    assert mask_id_number("110105194912310021") == "110***********0021"
    assert mask_id_number("") == ""


@pytest.mark.django_db
def test_term_end_must_follow_start(village_a, batch, unit):
    secretary = SecretaryFactory.build(
        village=village_a, batch=batch, dispatch_unit=unit, term_start=date(2025, 1, 1), term_end=date(2024, 1, 1)
    )
    with pytest.raises(ValidationError) as error:
        secretary.full_clean()
    assert "任期结束日期必须晚于开始日期" in str(error.value)


@pytest.mark.django_db
def test_one_secretary_on_post_per_village_and_batch(secretary):
    second = SecretaryFactory.build(
        village=secretary.village, batch=secretary.batch, dispatch_unit=secretary.dispatch_unit
    )
    with pytest.raises(ValidationError, match="该村在本批次已有在岗第一书记"):
        second.full_clean()
    second.status = Secretary.Status.RECALLED
    second.full_clean()  # a recalled predecessor and a new one on post can coexist


@pytest.mark.django_db
def test_names_are_trimmed(village_a, batch, unit):
    secretary = SecretaryFactory.build(name="  王  小明 ", village=village_a, batch=batch, dispatch_unit=unit)
    secretary.full_clean()
    assert secretary.name == "王 小明"


@pytest.mark.django_db
def test_id_number_must_agree_with_birth_date(village_a, batch, unit):
    secretary = SecretaryFactory.build(
        village=village_a, batch=batch, dispatch_unit=unit, birth_date=date(1990, 1, 1),
        id_number=make_id_number(date(1985, 3, 14), 1),
    )  # fmt: skip
    with pytest.raises(ValidationError, match="出生日期不一致"):
        secretary.full_clean()


@pytest.mark.django_db
@pytest.mark.parametrize("password", ["short1A", "alllowercaseletters", "lowercase123456"])
def test_weak_passwords_are_refused(password):
    with pytest.raises(ValidationError):
        validate_password(password)


@pytest.mark.django_db
def test_a_password_with_three_character_classes_passes():
    validate_password("Fangshan-2026")


@pytest.mark.django_db
def test_the_form_shows_chinese_errors_and_keeps_the_input(client_for, org_user, village_a, batch, unit):
    data = {
        "name": "测试书记", "gender": "M", "birth_date": "1990-01-01", "phone": "12345", "dispatch_unit": unit.pk,
        "batch": batch.pk, "village": village_a.pk, "term_start": "2024-06-01", "term_end": "2023-06-01",
        "status": "on_post",
    }  # fmt: skip
    response = client_for(org_user).post("/secretaries/new/", data)
    body = response.content.decode()
    assert response.status_code == 200
    assert "11位" in body and "任期结束日期必须晚于开始日期" in body
    assert 'value="测试书记"' in body
    assert not Secretary.objects.exists()

    data.update(phone="13912345678", term_end="2026-12-31")
    response = client_for(org_user).post("/secretaries/new/", data)
    assert response.status_code == 302
    created = Secretary.objects.get()
    assert created.history.count() == 1
