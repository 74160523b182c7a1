"""Reads for the lists and rounds. Every read goes through `for_user`, so scope is never forgotten."""

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.db.models import Count, FilteredRelation, OuterRef, Prefetch, Q, Subquery
from django.utils import timezone

from core.scoping import scope_for
from demands.lifecycle import DONE, MATCHED, SUBMISSION_DONE, SubmissionStatus
from demands.models import (
    CollectionRound,
    DemandItem,
    ProjectItem,
    ResourceItem,
    Submission,
    SupervisionFlag,
    number_items,
)
from secretaries.models import Secretary, Township, Village


@dataclass
class CompletenessRow:
    """DHIS2-style completeness of one township (or the total) for a round."""

    township_id: int | None
    name: str
    expected: int = 0
    submitted: int = 0
    on_time: int = 0
    nil: int = 0

    @property
    def late(self):
        return self.submitted - self.on_time

    @property
    def missing(self):
        return self.expected - self.submitted

    @property
    def reporting_rate(self):
        return _percent(self.submitted, self.expected)

    @property
    def on_time_rate(self):
        return _percent(self.on_time, self.expected)


def _percent(part, whole):
    return round(100 * part / whole, 1) if whole else 0.0


def deadline_end(collection_round):
    """Submissions strictly before the local midnight after the deadline day are on time."""
    return timezone.make_aware(datetime.combine(collection_round.deadline + timedelta(days=1), time.min))


def completeness_by_township(collection_round, user):
    """(rows, total) for the townships the user may see. One query, whatever the number of villages."""
    done = Q(sub__status__in=SUBMISSION_DONE)
    rows = (
        Village.objects.for_user(user)
        .filter(township__district_id=collection_round.district_id)
        .annotate(sub=FilteredRelation("submissions", condition=Q(submissions__round=collection_round)))
        .values("township_id", "township__name")
        .annotate(
            expected=Count("pk"),
            submitted=Count("pk", filter=done),
            on_time=Count("pk", filter=done & Q(sub__submitted_at__lt=deadline_end(collection_round))),
            nil=Count("pk", filter=done & Q(sub__is_nil=True)),
        )
        .order_by("township__name")
    )
    result = [
        CompletenessRow(
            township_id=row["township_id"],
            name=row["township__name"],
            expected=row["expected"],
            submitted=row["submitted"],
            on_time=row["on_time"],
            nil=row["nil"],
        )
        for row in rows
    ]
    total = CompletenessRow(township_id=None, name="合计")
    for row in result:
        total.expected += row.expected
        total.submitted += row.submitted
        total.on_time += row.on_time
        total.nil += row.nil
    return result, total


def missing_villages_for(collection_round, user, township_id=None):
    """Villages in the user's scope that have not submitted, with their secretary on post and their
    list's state for the round (`submission_status`, None when nothing was started) (2 queries)."""
    done = Submission.objects.filter(round=collection_round, status__in=SUBMISSION_DONE).values("village_id")
    own = Submission.objects.filter(round=collection_round, village=OuterRef("pk"))
    villages = (
        Village.objects.for_user(user)
        .filter(township__district_id=collection_round.district_id)
        .exclude(pk__in=done)
        .annotate(
            submission_status=Subquery(own.values("status")[:1]),
            return_reason=Subquery(own.values("return_reason")[:1]),
        )
        .select_related("township")
        .prefetch_related(
            Prefetch("secretaries", queryset=Secretary.objects.on_post().order_by("pk"), to_attr="on_post")
        )
        .order_by("township__name", "name")
    )
    if township_id is not None:
        villages = villages.filter(township_id=township_id)
    return villages


@dataclass
class ReviewRow:
    """One village on the township's review page: its list for the round and the list's items."""

    village: Village
    submission: Submission | None
    items: list
    state: str  # a SubmissionStatus value, or MISSING when nothing has been written yet
    late: bool = False  # sent after the deadline
    overdue: bool = False  # the deadline is over and the list is not in
    next_pending: Village | None = None  # the next village waiting for review, after this one
    return_error: str = ""  # a 退回 refused (no reason): shown next to the reason field ...
    typed_reason: str = ""  # ... with what was typed, so nothing is lost

    MISSING = "missing"

    @property
    def label(self):
        return "未报送" if self.state == self.MISSING else SubmissionStatus(self.state).label

    @property
    def pending(self):
        return self.state == SubmissionStatus.SUBMITTED


def review_board(collection_round, user, township):
    """Every village of `township` in the user's scope with its list's state and its items in entry
    order (第N条), for the township's review page. Three queries whatever the number of villages."""
    villages = list(Village.objects.for_user(user).filter(township=township).order_by("name", "pk"))
    items = DemandItem.objects.for_user(user).select_related("category").in_list_order()
    submissions = {
        submission.village_id: submission
        for submission in Submission.objects.for_user(user)
        .filter(round=collection_round, village__in=[village.pk for village in villages])
        .prefetch_related(Prefetch("demands", queryset=items, to_attr="list_items"))
    }
    on_time_until = deadline_end(collection_round)
    overdue = timezone.now() >= on_time_until
    rows = []
    for village in villages:
        submission = submissions.get(village.pk)
        numbered = number_items(submission.list_items) if submission else []
        state = submission.status if submission else ReviewRow.MISSING
        if state == SubmissionStatus.DRAFT and not numbered:
            state = ReviewRow.MISSING
        done = state in SUBMISSION_DONE
        rows.append(
            ReviewRow(
                village=village,
                submission=submission,
                items=numbered,
                state=state,
                late=done and submission.submitted_at is not None and submission.submitted_at >= on_time_until,
                overdue=overdue and not done,
            )
        )
    # 下一个待审 from each village: the first one waiting further down the page, else from the top.
    pending = [index for index, row in enumerate(rows) if row.pending]
    for index, row in enumerate(rows):
        after = [i for i in pending if i > index] + [i for i in pending if i < index]
        row.next_pending = rows[after[0]].village if after else None
    return rows


def pending_by_township(collection_round, user):
    """{township id: lists of the round waiting for review} in the user's scope (one query)."""
    return dict(
        Submission.objects.for_user(user)
        .filter(round=collection_round, status=SubmissionStatus.SUBMITTED)
        .order_by()
        .values_list("village__township_id")
        .annotate(count=Count("pk"))
    )


def rounds_for(user):
    return CollectionRound.objects.for_user(user).order_by("-period_start")


def submissions_for(collection_round, user):
    return (
        Submission.objects.for_user(user)
        .filter(round=collection_round)
        .select_related("village__township", "submitted_by")
        .annotate(item_count=Count("demands"))
        .order_by("village__township__name", "village__name")
    )


def townships_for(user):
    return Township.objects.for_user(user).order_by("name")


def secretary_of(user):
    scope = scope_for(user)
    if not scope.is_secretary:
        return None
    return Secretary.objects.select_related("village__township", "dispatch_unit").get(pk=scope.secretary_id)


def resources_for(user, *, mine=False, category=None, q=""):
    items = ResourceItem.objects.for_user(user).select_related(
        "category", "secretary__village__township", "dispatch_unit", "expertise"
    )
    scope = scope_for(user)
    if mine and scope.is_secretary:
        secretary = Secretary.objects.only("dispatch_unit_id").get(pk=scope.secretary_id)
        items = items.filter(
            Q(secretary_id=scope.secretary_id)
            | Q(source=ResourceItem.Source.UNIT, dispatch_unit_id=secretary.dispatch_unit_id)
        )
    if category:
        items = items.filter(category_id=category)
    if q:
        items = items.filter(Q(title__icontains=q) | Q(description__icontains=q))
    return items.order_by("category__sort_order", "title", "pk")


def projects_for(user, *, status="", q=""):
    projects = (
        ProjectItem.objects.for_user(user)
        .select_related("lead_secretary", "category")
        .prefetch_related("villages__township")
    )
    if status:
        projects = projects.filter(status=status)
    if q:
        projects = projects.filter(title__icontains=q)
    return projects.order_by("-updated_at", "-pk")


def round_items_for_export(collection_round, user, township_id=None):
    items = (
        DemandItem.objects.for_user(user)
        .filter(round=collection_round)
        .select_related("village__township", "category")
        .order_by("village__township__name", "village__name", "pk")
    )
    if township_id is not None:
        items = items.filter(village__township_id=township_id)
    return items


def list_contact_default(submission, user):
    """The list's default contact: what was set for it, else the secretary's own name and phone,
    else the name of whoever fills it in (township staff filling in on a village's behalf)."""
    if submission.contact_name or submission.contact_phone:
        return {"contact_name": submission.contact_name, "contact_phone": submission.contact_phone}
    secretary = secretary_of(user)
    if secretary is not None:
        return {"contact_name": secretary.name, "contact_phone": secretary.phone}
    return {"contact_name": user.get_full_name(), "contact_phone": ""}


def list_form_rows(submission, drafts, contact):
    """The rows of the list form as last kept: one initial dict per row, the drafts' rows first
    (in entry order, with what was autosaved since), then rows not yet complete enough to be a
    draft. Returns (row_initial, the number of rows not drafts)."""
    from_state = {row["client_key"]: row for row in (submission.form_state or {}).get("rows", [])}
    initial = []
    for item in drafts:
        key = item.client_key or f"item-{item.pk}"
        row = dict(from_state.pop(key, {}), client_key=key)
        if (item.contact_name, item.contact_phone) == (contact["contact_name"], contact["contact_phone"]):
            row.setdefault("contact_name", "")
            row.setdefault("contact_phone", "")
        initial.append(row)
    initial.extend(from_state.values())
    return initial, len(from_state)


# Jining's 四张清单 ---------------------------------------------------------------------------------


@dataclass
class FourListsCounts:
    """The four lists of a round in view: demands (需求), resources on offer (资源), demands matched
    with an assignee or resource (共建) and those on the supervision list (督导)."""

    demands: int
    resources: int
    cobuild: int
    supervision: int


@dataclass
class SecretaryListsRow:
    """督导清单, Jining's sense: how one secretary made and completed the lists of a round."""

    secretary: Secretary
    list_status: str
    demands: int = 0
    cobuild: int = 0
    done: int = 0
    flagged: int = 0
    resources: int = 0

    @property
    def done_rate(self):
        return _percent(self.done, self.demands)

    @property
    def behind(self):
        """What the supervision points at: no list yet, or items on the supervision list."""
        return self.list_status in ("未报送", "已退回") or self.flagged > 0


def four_lists_counts(user, collection_round, township_id=None):
    items = DemandItem.objects.for_user(user).filter(round=collection_round).exclude(status=DemandItem.Status.DRAFT)
    resources = ResourceItem.objects.for_user(user).filter(active=True)
    flags = SupervisionFlag.objects.for_user(user).active().filter(item__round=collection_round)
    if township_id:
        items = items.filter(village__township_id=township_id)
        resources = resources.filter(secretary__village__township_id=township_id)
        flags = flags.filter(item__village__township_id=township_id)
    return FourListsCounts(
        demands=items.count(),
        resources=resources.count(),
        cobuild=items.filter(status__in=MATCHED).count(),
        supervision=flags.values("item_id").distinct().count(),
    )


def lists_by_secretary(user, collection_round, township_id=None):
    """[SecretaryListsRow] for the secretaries on post in view (their villages' lists of the round,
    their own resources), in township and village order: a handful of grouped queries."""
    secretaries = (
        Secretary.objects.for_user(user)
        .on_post()
        .filter(village__township__district_id=collection_round.district_id)
        .select_related("village__township", "dispatch_unit")
        .order_by("village__township__name", "village__name", "name")
    )
    if township_id:
        secretaries = secretaries.filter(village__township_id=township_id)
    secretaries = list(secretaries)
    villages = {s.village_id for s in secretaries}
    submissions = {
        village_id: (status, is_nil)
        for village_id, status, is_nil in Submission.objects.for_user(user)
        .filter(round=collection_round, village_id__in=villages)
        .values_list("village_id", "status", "is_nil")
    }
    items = (
        DemandItem.objects.for_user(user)
        .filter(round=collection_round, village_id__in=villages)
        .exclude(status=DemandItem.Status.DRAFT)
        .order_by()
        .values("village_id")
        .annotate(
            n=Count("pk"),
            cobuild=Count("pk", filter=Q(status__in=MATCHED)),
            done=Count("pk", filter=Q(status__in=DONE)),
        )
    )
    by_village = {row["village_id"]: row for row in items}
    flagged = dict(
        SupervisionFlag.objects.for_user(user)
        .active()
        .filter(item__round=collection_round, item__village_id__in=villages)
        .order_by()
        .values("item__village_id")
        .annotate(n=Count("item_id", distinct=True))
        .values_list("item__village_id", "n")
    )
    resources = dict(
        ResourceItem.objects.for_user(user)
        .filter(active=True, secretary__in=secretaries)
        .order_by()
        .values("secretary_id")
        .annotate(n=Count("pk"))
        .values_list("secretary_id", "n")
    )
    rows = []
    for secretary in secretaries:
        counts = by_village.get(secretary.village_id, {})
        rows.append(
            SecretaryListsRow(
                secretary=secretary,
                list_status=_list_status(submissions.get(secretary.village_id)),
                demands=counts.get("n", 0),
                cobuild=counts.get("cobuild", 0),
                done=counts.get("done", 0),
                flagged=flagged.get(secretary.village_id, 0),
                resources=resources.get(secretary.pk, 0),
            )
        )
    return rows


def _list_status(submission):
    if submission is None:
        return "未报送"
    status, is_nil = submission
    if status in SUBMISSION_DONE and is_nil:
        return "本轮无新增需求"
    if status == SubmissionStatus.DRAFT:
        return "未报送"
    return SubmissionStatus(status).label
