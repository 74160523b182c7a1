"""Writes on the three lists: a village's submission for a round (draft, submit, nil return,
return, accept), resource confirmation, and projects. Views call these; they decide who may."""

from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from core.bulk import insert_select
from core.concurrency import CONFLICT_MESSAGE
from core.scoping import scope_for
from core.signals import audit, records_written
from demands.lifecycle import SUBMISSION_EDITABLE, SUBMIT
from demands.models import (
    CollectionRound,
    DemandEvent,
    DemandItem,
    ResourceItem,
    Submission,
)
from notices.services import notify
from secretaries.models import Secretary


class ListError(Exception):
    """The action is not allowed now; the message says why, in Chinese."""


class ListConflict(ListError):
    """The list was saved elsewhere (another browser, another login) since the page read it: its
    version moved on. Nothing is saved; `version` is the list's version now."""

    def __init__(self, version):
        super().__init__(CONFLICT_MESSAGE)
        self.version = version


# Who may do what -------------------------------------------------------------------------------


def secretaries_with_login():
    """Secretaries on post who can sign in: they fill their village's list and keep their own
    resources themselves; nobody else does it for them (not by the web form, not by Excel)."""
    return Secretary.objects.on_post().filter(user__isnull=False, user__is_active=True)


def village_has_secretary_login(village_id):
    return secretaries_with_login().filter(village_id=village_id).exists()


def villages_filled_on_behalf(township):
    """The villages of `township` whose list township staff may submit on their behalf (web and
    Excel alike): those without a secretary on post who has a login."""
    return township.villages.exclude(pk__in=secretaries_with_login().values("village_id"))


def can_fill(user, submission):
    """The village's own secretary fills its list; township staff (or the department) fill it on
    the village's behalf only when the village has no secretary with a login."""
    scope = scope_for(user)
    if scope.is_secretary:
        return submission.village_id in scope.village_ids
    if scope.is_org or (scope.is_township and submission.village.township_id in scope.township_ids):
        return not village_has_secretary_login(submission.village_id)
    return False


def can_review(user, submission):
    """Township staff of the village's township, and the department, review (return / accept)."""
    scope = scope_for(user)
    return scope.is_org or (scope.is_township and submission.village.township_id in scope.township_ids)


def resource_editable_by(item, user):
    return item.pk in editable_resource_ids([item], user)


def editable_resource_ids(items, user):
    """The ids among `items` the user may change: the department any; a secretary their own and
    their dispatching unit's. One rule for the edit page and the list's 修改 buttons."""
    scope = scope_for(user)
    if scope.is_org:
        return {item.pk for item in items}
    if not scope.is_secretary:
        return set()
    own_unit = Secretary.objects.filter(pk=scope.secretary_id).values_list("dispatch_unit_id", flat=True).first()
    return {
        item.pk
        for item in items
        if item.secretary_id == scope.secretary_id
        or (item.source == ResourceItem.Source.UNIT and own_unit is not None and item.dispatch_unit_id == own_unit)
    }


def project_editable_by(project, user):
    scope = scope_for(user)
    if scope.is_org:
        return True
    village_townships = {v.township_id for v in project.villages.all()}
    village_ids = {v.pk for v in project.villages.all()}
    if scope.is_township:
        return bool(village_townships & scope.township_ids)
    if scope.is_secretary:
        return project.lead_secretary_id == scope.secretary_id or bool(village_ids & scope.village_ids)
    return False


# Submissions -----------------------------------------------------------------------------------


def submission_for(collection_round, village):
    submission, _ = Submission.objects.get_or_create(round=collection_round, village=village)
    return submission


def _lock(submission):
    return Submission.objects.select_for_update().select_related("round", "village").get(pk=submission.pk)


def _check_fillable(submission):
    if submission.round.status != CollectionRound.Status.OPEN:
        raise ListError("本轮征集未发布或已截止，不能再填报")
    if submission.status not in SUBMISSION_EDITABLE:
        raise ListError("本村本轮清单已报送，不能再修改；如需修改，请联系乡镇退回")


def _check_version(submission, version):
    """Optimistic concurrency for the list: a save based on an older version than the stored one
    is refused. A save with no version (a page from before the rule) is not checked."""
    if version is not None and version != submission.version:
        raise ListConflict(submission.version)


def _drafts_by_key(submission):
    """The list's drafts under the key the form knows them by: the browser's key, or item-<pk>
    for a draft made elsewhere (an Excel import, a list returned by the township)."""
    drafts = {}
    for item in submission.demands.filter(status=DemandItem.Status.DRAFT):
        drafts[f"item-{item.pk}"] = item
        if item.client_key:
            drafts[item.client_key] = item
    return drafts


def row_key(item):
    return item.client_key or f"item-{item.pk}"


def _save_draft(item, submission, user, key):
    item.round = submission.round
    item.submission = submission
    item.village = submission.village
    item.channel = DemandItem.Channel.LIST
    item.status = DemandItem.Status.DRAFT
    if key and not key.startswith("item-"):
        item.client_key = key
    # An item that names no contact of its own has the list's default one.
    if not item.contact_name and not item.contact_phone:
        item.contact_name, item.contact_phone = submission.contact_name, submission.contact_phone
    if item.pk is None:
        item.created_by = user
    item.save()
    return item


def _fill_item(item, form):
    for name in form._meta.fields:
        setattr(item, name, form.cleaned_data.get(name))
    return item


def submission_save_items(submission, formset, user, contact=None, *, version=None):
    """Save the rows of the one-page form as drafts (new, changed, deleted). A row the browser
    already autosaved is found by its key and updated, not added a second time. `version`: the
    list's version the page was opened on (ListConflict when it is old)."""
    with transaction.atomic():
        submission = _lock(submission)
        _check_fillable(submission)
        _check_version(submission, version)
        if contact is not None:
            submission.contact_name, submission.contact_phone = contact["contact_name"], contact["contact_phone"]
        drafts = _drafts_by_key(submission)
        for index, form in enumerate(formset.forms):
            if index < formset.initial_form_count() and form.instance.pk is None:
                continue  # an existing row whose item is not this list's draft (as Django's formset.save)
            key = form.cleaned_data.get("client_key", "") if hasattr(form, "cleaned_data") else ""
            item = form.instance if form.instance.pk else drafts.get(key)
            if formset._should_delete_form(form):
                if item is not None and item.pk and item.status == DemandItem.Status.DRAFT:
                    item.delete()
                continue
            if item is None and not form.has_changed():
                continue  # a blank row
            _save_draft(_fill_item(item or DemandItem(), form), submission, user, key)
        Submission.objects.filter(pk=submission.pk).update(
            contact_name=submission.contact_name,
            contact_phone=submission.contact_phone,
            form_state={},
            form_saved_at=timezone.now(),
            version=F("version") + 1,
        )
    return submission


AUTOSAVE_MAX_ROWS = 50
ROW_FIELDS = (
    "client_key",
    "category",
    "title",
    "detail",
    "urgency",
    "wanted_by",
    "estimated_funds",
    "contact_name",
    "contact_phone",
    "confirm_past",
)


class AutosaveError(ValueError):
    """The autosaved form is not one the page sends; the message says so in Chinese."""


def _clean_payload(payload):
    if not isinstance(payload, dict) or not isinstance(payload.get("rows", []), list):
        raise AutosaveError('数据格式不正确：应为 {"rows": [...]} ')
    rows, deleted = payload.get("rows", []), payload.get("deleted", [])
    if not isinstance(deleted, list) or len(rows) > AUTOSAVE_MAX_ROWS or len(deleted) > 2 * AUTOSAVE_MAX_ROWS:
        raise AutosaveError(f"数据格式不正确，或超过{AUTOSAVE_MAX_ROWS}条")
    clean_rows = []
    for row in rows:
        if not isinstance(row, dict) or not isinstance(row.get("client_key"), str) or not row["client_key"]:
            raise AutosaveError("数据格式不正确：每一条都要有 client_key")
        clean_rows.append({name: str(row.get(name) or "")[:2000] for name in ROW_FIELDS})
    contact = payload.get("contact") if isinstance(payload.get("contact"), dict) else {}
    version = payload.get("version")
    if version is not None and (isinstance(version, bool) or not isinstance(version, int) or version < 0):
        raise AutosaveError("数据格式不正确：version 应为清单的版本号（整数）")
    return (
        clean_rows,
        [str(key)[:40] for key in deleted],
        {name: str(contact.get(name) or "")[:30] for name in ("contact_name", "contact_phone")},
        version,
    )


def submission_autosave(submission, user, payload, *, form_class, contact_form_class):
    """Keep the form as typed: every row as sent in `form_state` (complete or not), and each
    complete row as a draft item, found by its key so a second autosave updates the same draft.
    Rows named in `deleted` lose their draft. `version` in the payload: the list's version the
    browser's copy is based on (ListConflict when another save came in between; nothing is saved).
    Returns (saved_at, {key: draft pk}, {key: errors}, the list's new version)."""
    rows, deleted, contact, version = _clean_payload(payload)
    now = timezone.now()
    with transaction.atomic():
        submission = _lock(submission)
        _check_fillable(submission)
        _check_version(submission, version)
        contact_form = contact_form_class(contact)
        if contact_form.is_valid():
            submission.contact_name = contact["contact_name"]
            submission.contact_phone = contact["contact_phone"]
        drafts = _drafts_by_key(submission)
        for key in deleted:
            item = drafts.pop(key, None)
            if item is not None and item.pk:
                item.delete()
        saved, errors = {}, {}
        for row in rows:
            key = row["client_key"]
            item = drafts.get(key)
            form = form_class(row, instance=item, empty_permitted=item is None, use_required_attribute=False)
            if not form.is_valid():
                errors[key] = {name: list(messages) for name, messages in form.errors.items()}
            elif item is not None or form.has_changed():
                saved[key] = _save_draft(form.save(commit=False), submission, user, key).pk
        # update(): an autosave every few seconds is no change for the history or the dashboards.
        Submission.objects.filter(pk=submission.pk).update(
            contact_name=submission.contact_name,
            contact_phone=submission.contact_phone,
            form_state={"contact": contact, "rows": rows},
            form_saved_at=now,
            version=submission.version + 1,
        )
    return now, saved, errors, submission.version + 1


def submission_submit(submission, user, *, nil=False):
    """Submit the village's list: draft items become submitted (the loop takes over from there).
    A nil return ('no new needs this round') counts as submitted."""
    now = timezone.now()
    with transaction.atomic():
        submission = _lock(submission)
        _check_fillable(submission)
        drafts = list(submission.demands.filter(status=DemandItem.Status.DRAFT))
        _check_submittable(drafts, nil)
        on_behalf = _on_behalf(submission, user)
        DemandItem.objects.filter(pk__in=[d.pk for d in drafts]).update(
            status=DemandItem.Status.SUBMITTED, submitted_at=now, updated_at=now
        )
        DemandEvent.objects.bulk_create(_submit_events([d.pk for d in drafts], user, on_behalf))
        _mark_submitted(submission, user, on_behalf, nil, now)
        submission.save()
        detail = "本轮无新增需求" if nil else f"提交 {len(drafts)} 条需求" + ("（乡镇代报）" if on_behalf else "")
        audit("list.submit", user=user, obj=submission, detail=detail, items=len(drafts))
    return submission


def submissions_submit(submissions, user, *, submitted=()):
    """Submit several villages' lists at once (a township's Excel upload), each exactly as
    `submission_submit` submits one: the same checks, items, events and history, in a few
    statements whatever the number of rows. `submitted`: items just written as 报送 with these
    lists (an upload writes them so, sparing an UPDATE of thousands of rows); they count as the
    lists' drafts and get their events. All in one transaction: if one list cannot be
    submitted, none is (ListError, naming its village)."""
    now = timezone.now()
    with transaction.atomic():
        # Locked in id order, so two uploads overlapping in villages cannot deadlock.
        locked = list(
            Submission.objects.select_for_update()
            .select_related("round", "village")
            .filter(pk__in=[s.pk for s in submissions])
            .order_by("pk")
        )
        drafts = {submission.pk: [] for submission in locked}  # submission id -> item ids
        waiting = DemandItem.objects.filter(submission__in=locked, status=DemandItem.Status.DRAFT)
        for pk, submission_id in waiting.values_list("pk", "submission_id"):
            drafts[submission_id].append(pk)
        any_waiting = any(drafts.values())
        for item in submitted:
            drafts[item.submission_id].append(item.pk)
        events = {True: [], False: []}  # on behalf -> item ids
        for submission in locked:
            try:
                _check_fillable(submission)
                _check_submittable(drafts[submission.pk], False)
            except ListError as exc:
                raise ListError(f"{submission.village}：{exc}") from None
            on_behalf = _on_behalf(submission, user)
            events[on_behalf].extend(drafts[submission.pk])
            _mark_submitted(submission, user, on_behalf, False, now)
        if any_waiting:
            waiting.update(status=DemandItem.Status.SUBMITTED, submitted_at=now, updated_at=now)
        for on_behalf, item_ids in events.items():  # one event per item, copied in the database
            insert_select(DemandEvent, DemandItem, item_ids, copy={"item": "id"}, values=_submit_event(user, on_behalf))
        for on_behalf in {submission.on_behalf for submission in locked}:
            Submission.objects.filter(pk__in=[s.pk for s in locked if s.on_behalf == on_behalf]).update(
                **{name: getattr(locked[0], name) for name in SUBMIT_FIELDS},
                on_behalf=on_behalf,
                updated_at=now,
                version=F("version") + 1,
            )
        Submission.history.bulk_history_create(
            locked, batch_size=1000, update=True, default_user=user, default_change_reason=None
        )
    records_written.send(sender=Submission)
    return locked


SUBMIT_FIELDS = ["status", "is_nil", "submitted_at", "submitted_by", "form_state"]  # the same for every list


def _check_submittable(drafts, nil):
    if nil and drafts:
        raise ListError("已填写了需求草稿，不能报“本轮无新增需求”；请先删除草稿，或直接报送清单")
    if not nil and not drafts:
        raise ListError("还没有填写任何需求。如本轮没有新增需求，请选择“本轮无新增需求”")


def _on_behalf(submission, user):
    scope = scope_for(user)
    return not (scope.is_secretary and submission.village_id in scope.village_ids)


def _submit_events(item_ids, user, on_behalf):
    fields = {**_submit_event(user, on_behalf), "actor": user}
    return [DemandEvent(item_id=item_id, **fields) for item_id in item_ids]


def _submit_event(user, on_behalf):
    """A submission event's fields (the actor by id, as core.bulk.insert_select takes it)."""
    return {
        "actor": user.pk,
        "action": SUBMIT,
        "from_status": DemandItem.Status.DRAFT,
        "to_status": DemandItem.Status.SUBMITTED,
        "note": "乡镇代报" if on_behalf else "",
    }


def _mark_submitted(submission, user, on_behalf, nil, now):
    submission.status = Submission.Status.SUBMITTED
    submission.is_nil = nil
    submission.submitted_at = now
    submission.submitted_by = user
    submission.on_behalf = on_behalf
    submission.form_state = {}
    submission.updated_at = now
    submission.version += 1


def submission_return(submission, user, reason):
    """Township staff send a list back with a reason; its items not yet taken up go back to draft."""
    reason = (reason or "").strip()
    if not reason:
        raise ListError("请填写退回原因")
    now = timezone.now()
    with transaction.atomic():
        submission = _lock(submission)
        if submission.status != Submission.Status.SUBMITTED:
            raise ListError("只有已报送、尚未接收的清单可以退回")
        items = list(submission.demands.filter(status=DemandItem.Status.SUBMITTED))
        DemandItem.objects.filter(pk__in=[i.pk for i in items]).update(
            status=DemandItem.Status.DRAFT, submitted_at=None, updated_at=now
        )
        DemandEvent.objects.bulk_create(
            DemandEvent(
                item=item,
                actor=user,
                action="return_list",
                from_status=DemandItem.Status.SUBMITTED,
                to_status=DemandItem.Status.DRAFT,
                note=reason,
            )
            for item in items
        )
        submission.status = Submission.Status.RETURNED
        submission.return_reason = reason
        submission.returned_at = now
        submission.is_nil = False
        submission.version += 1  # its drafts are back: a page opened before is out of date
        submission.save()
        audit(
            "list.return", user=user, obj=submission, detail=f"退回清单，{len(items)} 条需求回到草稿", items=len(items)
        )
        secretaries = Secretary.objects.on_post().filter(village_id=submission.village_id, user__isnull=False)
        notify(
            [s.user for s in secretaries.select_related("user")],
            f"{submission.round.title}：本村清单被退回",
            body=f"退回原因：{reason}",
            url=reverse("demands:submission_edit", args=[submission.pk]),
            kind="submission_returned",
        )
    return submission


def submission_accept(submission, user):
    with transaction.atomic():
        submission = _lock(submission)
        if submission.status != Submission.Status.SUBMITTED:
            raise ListError(f"只有已报送的清单可以接收（{submission.village}：{submission.get_status_display()}）")
        submission.status = Submission.Status.ACCEPTED
        submission.accepted_at = timezone.now()
        submission.save()
        audit("list.accept", user=user, obj=submission, detail="接收清单")
    return submission


def submissions_accept(submissions, user):
    """批量接收: each list accepted exactly as `submission_accept` accepts one (the same checks and
    the same records), all in one transaction: if one cannot be accepted, none is."""
    with transaction.atomic():
        # Locked in id order, so two reviewers accepting overlapping batches cannot deadlock.
        return [submission_accept(submission, user) for submission in sorted(submissions, key=lambda s: s.pk)]


# Resources -------------------------------------------------------------------------------------


def resource_save(form, user):
    """Save a resource from the form; a secretary's resource belongs to them (and, when it is a
    unit resource, to their dispatching unit)."""
    item = form.save(commit=False)
    scope = scope_for(user)
    if item.pk is None and scope.is_secretary:
        secretary = Secretary.objects.get(pk=scope.secretary_id)
        item.secretary = secretary
        if item.source == ResourceItem.Source.UNIT:
            item.dispatch_unit = secretary.dispatch_unit
    item.confirmed_at = timezone.now()
    item.save()
    return item


def resource_delete(item):
    """Delete a resource, unless a demand was matched to it: then it is only marked inactive, so
    the demand keeps the record of what was matched. Returns True when the row was deleted."""
    with transaction.atomic():
        if item.matched_demands.exists():
            ResourceItem.objects.filter(pk=item.pk).update(active=False)
            records_written.send(sender=ResourceItem)
            return False
        item.delete()
        return True


def resources_confirm(secretary, user, collection_round=None):
    """The secretary confirms their own and their unit's resources are current (once per round)."""
    now = timezone.now()
    with transaction.atomic():
        mine = ResourceItem.objects.filter(
            Q(secretary=secretary) | Q(source=ResourceItem.Source.UNIT, dispatch_unit_id=secretary.dispatch_unit_id)
        )
        count = mine.update(confirmed_at=now)
        if collection_round is not None:
            submission = submission_for(collection_round, secretary.village)
            Submission.objects.filter(pk=submission.pk).update(resources_confirmed_at=now)
    return count


# Projects --------------------------------------------------------------------------------------


def project_save(form, user):
    with transaction.atomic():
        project = form.save(commit=False)
        if project.pk is None:
            project.created_by = user
            scope = scope_for(user)
            if scope.is_secretary and project.lead_secretary_id is None:
                project.lead_secretary_id = scope.secretary_id
        project.save()
        form.save_m2m()
    return project


def open_round_for(district_id):
    return (
        CollectionRound.objects.filter(district_id=district_id, status=CollectionRound.Status.OPEN)
        .order_by("-period_start")
        .first()
    )
