"""An audit entry for each action the trail records (issue 14, 安全审计): logins, failed logins,
lockouts, logouts, password changes, the loop's steps, lists, rounds, rosters, imports and admin
changes. Each test reads the entries back from the table: one entry, the right action and result,
who, which district, from where."""

from datetime import date

import pytest
from django.conf import settings
from django.test import Client

from audit.models import AuditEntry
from demands.lifecycle import STEPS
from demands.models import CollectionRound, DemandItem
from demands.services import lists as list_services
from demands.services import rounds as round_services
from secretaries.models import Batch, Secretary
from stations.tasks import extend_roster
from tests.audit.helpers import entries, only_entry
from tests.demands import test_loop_state_machine as state_machine
from tests.demands.factories import CollectionRoundFactory, DemandItemFactory, SubmissionFactory
from tests.factories import TEST_PASSWORD, SecretaryFactory
from tests.xlsx import xlsx_upload

ADDRESS = "10.20.30.40"
loop_world = state_machine.loop_world  # the state machine test's world: an item, its people
bring_to, take, legal_actor = state_machine.bring_to, state_machine.take, state_machine.legal_actor


def login(username, password, address=ADDRESS):
    client = Client(REMOTE_ADDR=address)
    return client, client.post("/accounts/login/", {"username": username, "password": password})


# --- logins --------------------------------------------------------------------------------------


def test_a_login_records_who_their_role_district_and_address(org_user, district):
    _client, response = login("org_admin", TEST_PASSWORD)
    assert response.status_code == 302
    entry = only_entry("login")
    assert (entry.user_id, entry.username, entry.role, entry.district_id) == (
        org_user.pk,
        "org_admin",
        "org",
        district.pk,
    )
    assert (entry.address, entry.result) == (ADDRESS, "success")


def test_a_failed_login_is_recorded_and_kept_after_a_later_success(township_a_user, district):
    login("staff_a", "wrong-password")
    login("staff_a", TEST_PASSWORD)  # axes resets its own count on success; the trail keeps the failure
    failed = only_entry("login_failed")
    assert (failed.result, failed.username, failed.user_id, failed.address) == (
        "failure",
        "staff_a",
        township_a_user.pk,
        ADDRESS,
    )
    assert failed.district_id == district.pk  # the district's administrator sees attempts on its logins
    assert "wrong-password" not in failed.detail + str(failed.extra)
    assert only_entry("login").result == "success"


def test_a_failed_login_for_an_unknown_name_keeps_the_name_typed(db):
    login("nobody", "whatever")
    entry = only_entry("login_failed")
    assert (entry.user_id, entry.username, entry.district_id) == (None, "nobody", None)


def test_a_lockout_is_recorded_once_when_the_limit_is_reached(township_a_user):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login("staff_a", "wrong-password")
    assert entries("login_failed").count() == settings.AXES_FAILURE_LIMIT
    lockout = only_entry("lockout")
    assert (lockout.result, lockout.username, lockout.address) == ("failure", "staff_a", ADDRESS)
    assert "锁定" in lockout.detail


def test_a_logout_is_recorded(org_user):
    client, _response = login("org_admin", TEST_PASSWORD)
    client.post("/accounts/logout/")
    entry = only_entry("logout")
    assert (entry.user_id, entry.result, entry.address) == (org_user.pk, "success", ADDRESS)


def test_a_password_change_is_recorded_and_a_wrong_old_password_as_a_failure(township_a_user):
    client, _response = login("staff_a", TEST_PASSWORD)
    new = "Xinmima-2027!"
    client.post("/accounts/password/", {"old_password": "wrong", "new_password1": new, "new_password2": new})
    response = client.post(
        "/accounts/password/", {"old_password": TEST_PASSWORD, "new_password1": new, "new_password2": new}
    )
    assert response.status_code == 302
    failed, done = entries("account.password_change").order_by("pk")
    assert (failed.result, done.result) == ("failure", "success")
    assert done.object_type == "auth.user" and done.object_id == str(township_a_user.pk)
    assert new not in done.detail + str(done.extra)


def test_the_source_address_is_the_proxys_last_hop_only_behind_the_trusted_proxy(org_user, settings):
    settings.FORWARDED_ALLOW_IPS = ["127.0.0.1"]
    Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="1.1.1.1, 10.9.8.7").post(
        "/accounts/login/", {"username": "org_admin", "password": TEST_PASSWORD}
    )
    # From an untrusted peer the header is the client's own claim: ignored.
    Client(REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="1.1.1.1").post(
        "/accounts/login/", {"username": "org_admin", "password": TEST_PASSWORD}
    )
    assert list(entries("login").order_by("pk").values_list("address", flat=True)) == ["10.9.8.7", "10.0.0.5"]


# --- the loop, lists and rounds ------------------------------------------------------------------


@pytest.mark.parametrize("step", list(STEPS))
def test_each_step_of_the_loop_leaves_exactly_one_entry(step, loop_world, district):
    item = bring_to(sorted(STEPS[step].sources)[0], loop_world)
    before = set(AuditEntry.objects.values_list("pk", flat=True))
    actor = loop_world["people"][legal_actor(step)]
    take(step, item, actor, loop_world)
    new = AuditEntry.objects.exclude(pk__in=before)
    assert [entry.action for entry in new] == [f"loop.{step}"]
    entry = new.get()
    assert (entry.user_id, entry.result, entry.object_type, entry.object_id) == (
        actor.pk,
        "success",
        "demands.demanditem",
        str(item.pk),
    )
    assert entry.district_id == district.pk
    assert entry.detail.startswith(STEPS[step].event)


def test_a_step_taken_on_the_page_records_the_source_address(org_user, village_a, client_for):
    item = DemandItemFactory(village=village_a)
    client = Client(REMOTE_ADDR=ADDRESS)
    client.force_login(org_user)
    client.post(f"/demands/items/{item.pk}/accept/", {"note": ""})
    item.refresh_from_db()
    assert item.status == DemandItem.Status.ACCEPTED
    entry = only_entry("loop.accept")
    assert (entry.address, entry.user_id) == (ADDRESS, org_user.pk)


def test_a_list_submitted_returned_and_accepted_leaves_one_entry_each(secretary, township_a_user, district):
    collection_round = CollectionRoundFactory(district=district)
    submission = SubmissionFactory(round=collection_round, village=secretary.village)
    DemandItemFactory(
        village=secretary.village, round=collection_round, submission=submission, status=DemandItem.Status.DRAFT
    )
    list_services.submission_submit(submission, secretary.user)
    list_services.submission_return(submission, township_a_user, "请补充资金需求")
    list_services.submission_submit(submission, secretary.user)
    list_services.submission_accept(submission, township_a_user)
    assert [e.action for e in AuditEntry.objects.exclude(action="login").order_by("pk")] == [
        "list.submit",
        "list.return",
        "list.submit",
        "list.accept",
    ]
    assert "请补充资金需求" not in "".join(entries("list.return").values_list("detail", flat=True))


def test_rounds_opened_and_closed_by_hand_and_by_the_job_are_recorded(org_user, district, village_a):
    draft = CollectionRoundFactory(district=district, status=CollectionRound.Status.DRAFT)
    round_services.round_open(draft, by=org_user)
    round_services.round_open(draft, by=org_user)  # already open: nothing happened, nothing recorded
    round_services.round_close(draft, by=org_user)
    opened = round_services.open_due_round(date(2027, 1, 3))
    assert len(opened) == 1
    by_hand, by_job = entries("round.open").order_by("pk")
    assert (by_hand.user_id, by_hand.object_id, by_hand.district_id) == (org_user.pk, str(draft.pk), district.pk)
    assert (by_job.user_id, by_job.username, by_job.object_id) == (None, "", str(opened[0].pk))
    assert by_job.district_id == district.pk  # the round's district: its administrator reads it
    assert only_entry("round.close").user_id == org_user.pk


def test_a_roster_generated_from_the_page_names_who_asked(org_user, station, secretary, client_for):
    station.covered_townships.add(secretary.village.township)
    client = client_for(org_user)
    response = client.post(f"/stations/{station.pk}/generate/")
    assert response.status_code == 302
    entry = only_entry("roster.generate")
    assert (entry.user_id, entry.object_type, entry.object_id) == (
        org_user.pk,
        "stations.servicestation",
        str(station.pk),
    )
    assert entry.extra["created"] >= 1 and "新排" in entry.detail


def test_the_weekly_roster_job_is_recorded_as_the_system(station, secretary, district):
    extend_roster.run()
    entry = only_entry("roster.generate")
    assert (entry.user_id, entry.username, entry.district_id) == (None, "", district.pk)


def test_the_roster_job_refuses_a_bad_requester_id(station):
    with pytest.raises(ValueError, match="requested_by"):
        extend_roster.run(requested_by="someone")


# --- imports -------------------------------------------------------------------------------------

IMPORT_HEADERS = ["村名", "乡镇", "类型", "户籍人口", "户数", "备注"]


def test_a_confirmed_import_records_the_file_and_rows(org_user, township_a, client_for):
    client = client_for(org_user)
    upload = xlsx_upload(
        IMPORT_HEADERS,
        [["新村", "十渡镇", "村", 800, 300, ""], ["老村", "十渡镇", "村", 500, 200, ""]],
        name="村名单.xlsx",
    )
    response = client.post("/secretaries/import/villages/", {"file": upload})
    assert not entries("import").exists()  # the preview writes nothing
    client.post("/secretaries/import/villages/confirm/", {"token": response.context["token"]})
    entry = only_entry("import")
    assert (entry.result, entry.extra["file"], entry.extra["rows"]) == ("success", "村名单.xlsx", 2)


def test_an_import_refused_at_confirm_is_recorded_as_a_failure(org_user, township_a, client_for):
    client = client_for(org_user)
    upload = xlsx_upload(IMPORT_HEADERS, [["新村", "十渡镇", "村", 800, 300, ""]], name="村名单.xlsx")
    token = client.post("/secretaries/import/villages/", {"file": upload}).context["token"]
    # Between preview and confirm someone else imported the same village under another township's
    # name rules; simplest real failure: the township is renamed, so the row no longer resolves.
    township_a.name = "十渡镇（已更名）"
    township_a.save()
    client.post("/secretaries/import/villages/confirm/", {"token": token})
    entry = only_entry("import")
    assert (entry.result, entry.extra["rows"]) == ("failure", 0)


# --- the admin -----------------------------------------------------------------------------------


@pytest.fixture
def admin_user(django_user_model, district):
    """A superuser with a confirmed two-factor device (without one it is sent to enrol first)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = django_user_model.objects.create_superuser("root", "root@example.cn", TEST_PASSWORD)
    TOTPDevice.objects.create(user=user, name="测试设备", confirmed=True)
    return user


def test_admin_additions_changes_and_deletions_are_recorded(admin_user, village_a, batch, unit, client_for):
    client = client_for(admin_user)
    secretary = SecretaryFactory(village=village_a, batch=batch, dispatch_unit=unit, name="测试书记")
    response = client.post(
        f"/admin/secretaries/village/{village_a.pk}/change/",
        {
            "township": village_a.township_id,
            "name": "六渡村",
            "kind": village_a.kind,
            "population": 900,
            "households": 1,
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    changed = only_entry("admin.change")
    assert (changed.object_type, changed.object_id, changed.user_id) == (
        "secretaries.village",
        str(village_a.pk),
        admin_user.pk,
    )
    assert "900" not in changed.detail  # which fields changed, never their values
    response = client.post(f"/admin/secretaries/secretary/{secretary.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302 and not Secretary.objects.filter(pk=secretary.pk).exists()
    deleted = only_entry("admin.delete")
    assert (deleted.object_type, deleted.object_id, deleted.object_label) == (
        "secretaries.secretary",
        str(secretary.pk),
        "测试书记",
    )
    assert deleted.user_id == admin_user.pk


def test_an_admin_bulk_delete_records_each_object(admin_user, district, client_for):
    batches = [
        Batch.objects.create(name=f"第{n}批", number=n, term_start=date(2020, 1, 1), term_end=date(2022, 1, 1))
        for n in (8, 9)
    ]
    client = client_for(admin_user)
    response = client.post(
        "/admin/secretaries/batch/",
        {"action": "delete_selected", "_selected_action": [b.pk for b in batches], "post": "yes"},
    )
    assert response.status_code == 302
    assert sorted(entries("admin.delete").values_list("object_label", flat=True)) == ["第8批", "第9批"]


# --- unmasked views ------------------------------------------------------------------------------


def test_an_unmasked_view_of_an_id_number_is_recorded_and_a_masked_one_is_not(
    org_user, township_a_user, secretary, client_for
):
    secretary.id_number = "11010519491231002X"
    secretary.save()
    client_for(township_a_user).get(f"/secretaries/{secretary.pk}/")  # masked for township staff
    assert not entries("view_personal").exists()
    response = client_for(org_user).get(f"/secretaries/{secretary.pk}/")
    assert response.status_code == 200
    entry = only_entry("view_personal")
    assert (entry.user_id, entry.object_id) == (org_user.pk, str(secretary.pk))
    assert secretary.id_number not in entry.detail + str(entry.extra)


def test_a_scoring_rule_changed_on_its_page_is_a_settings_change(org_user, district, client_for):
    from teams.models import ScoringRule

    rules = list(ScoringRule.objects.order_by("sort_order", "key"))
    data = {"form-TOTAL_FORMS": len(rules), "form-INITIAL_FORMS": len(rules)}
    for i, rule in enumerate(rules):
        data |= {f"form-{i}-id": rule.pk, f"form-{i}-label": rule.label, f"form-{i}-points": rule.points}
        data |= {f"form-{i}-cap": rule.cap or "", f"form-{i}-active": "on" if rule.active else ""}
    data["form-0-points"] = str(rules[0].points + 3)
    assert client_for(org_user).post("/teams/scoring/", data).status_code == 302
    entry = only_entry("settings.change")
    assert (entry.object_type, entry.object_id, entry.district_id) == (
        "teams.scoringrule",
        str(rules[0].pk),
        district.pk,
    )
    assert entry.detail == f"修改计分规则：{ScoringRule._meta.get_field('points').verbose_name}"
