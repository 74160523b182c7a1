"""Migration 0011: the installation-wide general scoring rules become each existing district's
own copy, as edited, so that no district's figures change on the day of the upgrade."""

from decimal import Decimal
from importlib import import_module

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("teams", "0009_group_member_phone")]
AFTER = [("teams", "0012_scoring_rule_one_owner")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_each_existing_district_gets_the_general_rules_as_they_were_edited():
    try:
        old = migrate(BEFORE)
        District, ScoringRule = old.get_model("secretaries", "District"), old.get_model("teams", "ScoringRule")
        # The shared rules as migrations 0003 and 0004 wrote them (the test database was made with
        # no district, so 0011 had nothing to copy them to and removed them).
        import_module("teams.migrations.0003_default_scoring_rules").add_rules(old, None)
        import_module("teams.migrations.0004_list_missing_rule").add_rule(old, None)
        first, second = District.objects.create(name="甲区"), District.objects.create(name="乙区")
        ScoringRule.objects.filter(key="activity:红色党课").update(points=Decimal("7"))
        shared = dict(ScoringRule.objects.filter(group_kind__isnull=True).values_list("key", "points"))
        assert len(shared) == 19

        new = migrate(AFTER)
        ScoringRule = new.get_model("teams", "ScoringRule")
        for district in (first, second):
            own = dict(ScoringRule.objects.filter(district_id=district.pk).values_list("key", "points"))
            assert own == shared and own["activity:红色党课"] == 7
        assert not ScoringRule.objects.filter(district__isnull=True, group_kind__isnull=True).exists()

        # And back: the shared set again, once.
        old = migrate(BEFORE)
        ScoringRule = old.get_model("teams", "ScoringRule")
        assert dict(ScoringRule.objects.filter(group_kind__isnull=True).values_list("key", "points")) == shared
        assert ScoringRule.objects.count() == 19
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
