import pytest
from django.test import Client

from core.signals import audited
from secretaries.models import StaffProfile
from tests.factories import DistrictFactory, TownshipFactory, UserFactory


@pytest.fixture
def audit_actions():
    """The account actions announced through core.signals.audit during the test, in order (the
    audit trail's own records of logins, logouts, exports… are left out: tests/audit has them)."""
    actions = []

    def listen(sender, action, **kwargs):
        if action.startswith(("account.", "login.otp")):
            actions.append(action)

    audited.connect(listen, dispatch_uid="tests.accounts.audit_actions")
    yield actions
    audited.disconnect(dispatch_uid="tests.accounts.audit_actions")


@pytest.fixture
def other_org_user(db):
    """The department's login of a second district."""
    district = DistrictFactory(name="门头沟区")
    TownshipFactory(district=district, name="斋堂镇")
    user = UserFactory(username="org_other", first_name="门头沟组织部")
    StaffProfile.objects.create(user=user, role="org", district=district)
    return user


def post_login(username, password, ip="10.9.9.9", client=None):
    client = client or Client(REMOTE_ADDR=ip)
    response = client.post("/accounts/login/", {"username": username, "password": password})
    return client, response
