"""The standard people (STYLE.md): org admin, township A staff, township B staff, a secretary of
township A, a secretary of township B, a station manager of a station in township A, and an
outsider with a login but no role. Every view test checks that the wrong ones are refused."""

import pytest
from django.test import Client

from secretaries.models import StaffProfile
from tests.factories import (
    AreaBranchFactory,
    BatchFactory,
    DispatchUnitFactory,
    DistrictFactory,
    ExpertiseFactory,
    SecretaryFactory,
    TownshipFactory,
    UserFactory,
    VillageFactory,
)
from tests.own_redis import own_redis  # noqa: F401  (a fixture: the tests' own redis-server)


@pytest.fixture(autouse=True)
def fresh_cache():
    """Every test starts and ends with an empty cache: the dashboards keep their aggregates there,
    and ids come back after a rollback. (On the PostgreSQL pass this empties the tests' own Redis
    database, CACHE_URL's /13, nothing else.)"""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


SYNONYM_SEEDS = [("demands", "0007_seed_import_synonyms"), ("secretaries", "0009_seed_people_header_synonyms")]


class _AppsSinceTheMove:
    """The model registry as the seeds ask it: demands' seed names HeaderSynonym under demands,
    where it was before it moved to secretaries (secretaries migration 0006)."""

    def get_model(self, app_label, model_name):
        from django.apps import apps

        if model_name == "HeaderSynonym":
            app_label = "secretaries"
        return apps.get_model(app_label, model_name)


@pytest.fixture(autouse=True)
def import_synonyms_seeded(request):
    """The importer's header and value synonyms come from a data migration; a transactional test
    (PostgreSQL pass, the real-worker tests) flushes every table after it, so a later test would
    meet an importer without them. Put back when missing (one query per database test)."""
    names = set(request.fixturenames)
    if not names & {"db", "transactional_db"}:
        return
    request.getfixturevalue("transactional_db" if "transactional_db" in names else "db")
    from importlib import import_module

    from secretaries.models_import import HeaderSynonym

    if not HeaderSynonym.objects.exists():
        for app, name in SYNONYM_SEEDS:
            import_module(f"{app}.migrations.{name}").seed(_AppsSinceTheMove(), None)


@pytest.fixture
def admin_user(db, django_user_model):
    """pytest-django's superuser (behind `admin_client`), with a confirmed two-factor device: a
    superuser without one is sent to enrol before any page (accounts/policy.py)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = django_user_model.objects.create_superuser("admin", "admin@example.com", "password")
    TOTPDevice.objects.create(user=user, name="测试设备", confirmed=True)
    return user


@pytest.fixture
def district(db):
    return DistrictFactory(name="房山区")


@pytest.fixture
def township_a(district):
    return TownshipFactory(district=district, name="十渡镇")


@pytest.fixture
def township_b(district):
    return TownshipFactory(district=district, name="佛子庄乡", kind="乡")


@pytest.fixture
def village_a(township_a):
    return VillageFactory(township=township_a, name="六渡村")


@pytest.fixture
def village_a2(township_a):
    return VillageFactory(township=township_a, name="西庄村")


@pytest.fixture
def village_b(township_b):
    return VillageFactory(township=township_b, name="黑龙关村")


@pytest.fixture
def batch(db):
    return BatchFactory()


@pytest.fixture
def area_branch(district, township_a):
    branch = AreaBranchFactory(district=district, name="第一片区临时党支部")
    branch.townships.add(township_a)
    return branch


@pytest.fixture
def unit(db):
    return DispatchUnitFactory(name="北京市农业农村局", level="city", kind="organ")


@pytest.fixture
def expertise_agri(db):
    return ExpertiseFactory(name="农业技术")


@pytest.fixture
def expertise_law(db):
    return ExpertiseFactory(name="法律")


@pytest.fixture
def org_user(district):
    user = UserFactory(username="org_admin", first_name="组织部管理员")
    StaffProfile.objects.create(user=user, role="org", district=district)
    return user


@pytest.fixture
def township_a_user(township_a):
    user = UserFactory(username="staff_a", first_name="十渡镇干部")
    StaffProfile.objects.create(user=user, role="township", township=township_a)
    return user


@pytest.fixture
def township_b_user(township_b):
    user = UserFactory(username="staff_b", first_name="佛子庄乡干部")
    StaffProfile.objects.create(user=user, role="township", township=township_b)
    return user


@pytest.fixture
def secretary(village_a, batch, unit, area_branch, expertise_agri):
    user = UserFactory(username="sec_a", first_name="王书记")
    StaffProfile.objects.create(user=user, role="secretary")
    secretary = SecretaryFactory(
        name="王建国", village=village_a, batch=batch, dispatch_unit=unit, area_branch=area_branch, user=user
    )
    secretary.expertise.add(expertise_agri)
    return secretary


@pytest.fixture
def secretary_user(secretary):
    return secretary.user


@pytest.fixture
def secretary_b(village_b, batch, unit):
    user = UserFactory(username="sec_b", first_name="李书记")
    StaffProfile.objects.create(user=user, role="secretary")
    return SecretaryFactory(name="李红梅", gender="F", village=village_b, batch=batch, dispatch_unit=unit, user=user)


@pytest.fixture
def secretary_b_user(secretary_b):
    return secretary_b.user


@pytest.fixture
def station(township_a):
    from stations.models import ServiceStation

    station = ServiceStation.objects.create(name="十渡镇乡村振兴服务站", township=township_a, duty_weekdays=[2])
    station.covered_townships.add(township_a)
    return station


@pytest.fixture
def station_manager_user(station):
    user = UserFactory(username="station_mgr", first_name="站长")
    StaffProfile.objects.create(user=user, role="station_manager", station=station)
    return user


@pytest.fixture
def outsider_user(db):
    return UserFactory(username="outsider", first_name="无角色用户")


@pytest.fixture
def client_for():
    """client_for(user) -> a test client logged in as that user (None: anonymous)."""

    def make(user):
        client = Client()
        if user is not None:
            client.force_login(user)
        return client

    return make


@pytest.fixture
def people(
    org_user, township_a_user, township_b_user, secretary_user, secretary_b_user, station_manager_user, outsider_user
):
    """All standard people by role name, for URL walks."""
    return {
        "anonymous": None,
        "org": org_user,
        "township_a": township_a_user,
        "township_b": township_b_user,
        "secretary_a": secretary_user,
        "secretary_b": secretary_b_user,
        "station_manager": station_manager_user,
        "outsider": outsider_user,
    }


def _on_services():
    import os

    return os.environ.get("DATABASE_URL", "").startswith("postgres") and os.environ.get(
        "CELERY_BROKER_URL", ""
    ).startswith("redis")


def pytest_sessionstart(session):
    """In the PostgreSQL + Redis pass (REQUIRE_SERVICES=1) an unreachable service is a failure."""
    import os

    if os.environ.get("REQUIRE_SERVICES") != "1":
        return
    if not _on_services():
        raise pytest.UsageError("REQUIRE_SERVICES=1 需要 DATABASE_URL=postgres://… 和 CELERY_BROKER_URL=redis://…")
    import psycopg2
    import redis

    from config.env import env_database

    cfg = env_database("DATABASE_URL", "")
    try:
        psycopg2.connect(
            dbname=cfg["NAME"], user=cfg["USER"], host=cfg["HOST"], port=cfg["PORT"] or 5432, connect_timeout=5
        ).close()
        redis.Redis.from_url(os.environ["CELERY_BROKER_URL"], socket_connect_timeout=5).ping()
    except Exception as exc:
        raise pytest.UsageError(f"PostgreSQL 或 Redis 无法连接：{exc}") from exc


def pytest_collection_modifyitems(config, items):
    if _on_services():
        return
    skip = pytest.mark.skip(reason="需要 PostgreSQL + Redis（make test 的第二轮，见 README）")
    for item in items:
        if "services" in item.keywords:
            item.add_marker(skip)


from tests.browser import browser, page, phone_page  # noqa: E402,F401  (fixtures for browser tests)
from tests.celery_worker import celery_app_live, celery_worker_process  # noqa: E402,F401  (a real worker for services tests)
