"""Two additions of one secretary at the same moment on PostgreSQL, to two sub-alliances of a
kind that allows one: the person's row is locked first, so one is added and the other refused."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from teams import services
from teams.models import GroupKind, TeamMembership
from tests.teams.factories import TeamFactory


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_two_additions_at_once_leave_the_person_in_one_group_of_the_kind(district, secretary):
    assert connection.vendor == "postgresql"
    kind = GroupKind.objects.create(district=district, code="sub_alliance", name="分盟", max_per_person=1)
    groups = [TeamFactory(district=district, kind=kind, name=f"第{n}分盟") for n in "一二三四"]
    barrier = threading.Barrier(len(groups))
    refused, errors = [], []

    def add(group):
        from django.db import connections

        try:
            barrier.wait()
            services.membership_add(group, secretary, transfer=False)
        except ValidationError as exc:
            refused.append(exc.messages[0])
        except Exception as exc:  # collected and asserted below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=add, args=(group,)) for group in groups]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert TeamMembership.objects.current().filter(secretary=secretary).count() == 1
    assert len(refused) == len(groups) - 1 and all("每人同时最多参加 1 个分盟" in m for m in refused)
