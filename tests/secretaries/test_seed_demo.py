from io import StringIO

import pytest
from django.core.management import call_command

from secretaries.models import AreaBranch, DispatchUnit, Expertise, Secretary, Township, Village


def counts():
    return (
        Township.objects.count(),
        Village.objects.count(),
        Secretary.objects.count(),
        AreaBranch.objects.count(),
        DispatchUnit.objects.count(),
        Expertise.objects.count(),
    )


@pytest.mark.django_db
def test_seed_demo_builds_a_fangshan_shaped_district_and_is_idempotent():
    call_command("seed_demo", stdout=StringIO())
    first = counts()
    assert Secretary.objects.on_post().filter(village__township__district__name="房山区").count() == 137
    assert AreaBranch.objects.count() == 6
    assert Expertise.objects.count() >= 20
    assert {"central", "city", "district"} <= set(DispatchUnit.objects.values_list("level", flat=True))
    assert all(25 <= s.age <= 58 for s in Secretary.objects.all())
    for name in ["十渡镇", "佛子庄乡", "大安山乡", "张坊镇", "霞云岭乡", "拱辰街道"]:
        assert Township.objects.filter(name=name).exists()

    call_command("seed_demo", stdout=StringIO())
    assert counts() == first


@pytest.mark.django_db
def test_seed_demo_if_empty_skips_a_database_that_has_secretaries(secretary):
    out = StringIO()
    call_command("seed_demo", "--if-empty", stdout=out)
    assert "跳过" in out.getvalue()
    assert Secretary.objects.count() == 1
