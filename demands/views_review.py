"""The township's review page of a round (乡镇审核): every village's list on one page, its items
inline, accepted one or many at once (批量接收), returned one at a time with a reason. Who may and
what may happen are the services' rules (`can_review`, `submissions_accept`, `submission_return`);
these views fetch through `for_user` (a foreign id answers 404), call them and show the result.

Each action answers an htmx request with the board alone (the page stays where it is) and a plain
form post with a redirect to the same township's page, anchored at the village acted on."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from core.access import role_required
from core.scoping import scope_for
from core.text import as_id
from demands.forms_lists import ReturnForm
from demands.models import Submission
from demands.selectors_lists import ReviewRow, pending_by_township, review_board, townships_for
from demands.services import lists as list_services
from demands.views_lists import _round, _township_param

MAX_BATCH = 500  # far above a township's villages; keeps one post from asking for a huge IN (...)
STATES = ("submitted", "accepted", "returned", "draft", ReviewRow.MISSING)


@role_required("org", "township")
def round_review(request, pk):
    collection_round = _round(request, pk)
    township = _township_param(request, required=False)
    if township is None:  # the department picks a township first
        pending = pending_by_township(collection_round, request.user)
        townships = [(t, pending.get(t.pk, 0)) for t in townships_for(request.user)]
        return render(request, "demands/round_review_pick.html", {"round": collection_round, "townships": townships})
    return render(request, "demands/round_review.html", _board(request, collection_round, township))


@require_POST
@role_required("org", "township")
def review_accept(request, pk):
    """批量接收 (one village's 接收 too): all the chosen lists or none."""
    collection_round = _round(request, pk)
    township = _township_param(request, required=True)
    raw = request.POST.getlist("submission")
    if len(raw) > MAX_BATCH:
        return HttpResponseBadRequest(f"一次最多接收 {MAX_BATCH} 个村的清单")
    submissions = _chosen(request, collection_round, township, raw)
    if not submissions:
        return _answer(request, collection_round, township, messages.ERROR, "请先勾选要接收的村。")
    try:
        list_services.submissions_accept(submissions, request.user)
    except list_services.ListError as exc:
        return _answer(request, collection_round, township, messages.ERROR, f"未接收任何清单：{exc}，请刷新后重试。")
    names = "、".join(s.village.name for s in sorted(submissions, key=lambda s: s.village.name))
    text = f"已接收{len(submissions)}个村的清单：{names}。"
    focus = submissions[0].village_id if len(submissions) == 1 else None
    return _answer(request, collection_round, township, messages.SUCCESS, text, focus=focus)


@require_POST
@role_required("org", "township")
def review_return(request, pk, submission_pk):
    collection_round = _round(request, pk)
    submission = get_object_or_404(
        Submission.objects.for_user(request.user)
        .filter(round=collection_round)
        .select_related("round", "village__township"),
        pk=submission_pk,
    )
    if not list_services.can_review(request.user, submission):
        raise PermissionDenied
    township = submission.village.township
    form = ReturnForm(request.POST)
    try:
        if not form.is_valid():
            raise list_services.ListError(form.errors["reason"][0])
        list_services.submission_return(submission, request.user, form.cleaned_data["reason"])
    except list_services.ListError as exc:
        context = _board(request, collection_round, township, focus=submission.village_id)
        for row in context["rows"]:
            if row.village.pk == submission.village_id:
                row.return_error, row.typed_reason = str(exc), request.POST.get("reason", "")[:2000]
        template = "demands/_review_board.html" if request.htmx else "demands/round_review.html"
        return render(request, template, context)
    text = f"已退回{submission.village.name}的清单，已通知本村第一书记修改后重新报送。"
    return _answer(request, collection_round, township, messages.SUCCESS, text, focus=submission.village_id)


def _chosen(request, collection_round, township, raw):
    """The chosen lists of this round and township; one id out of reach makes the whole post 404."""
    ids = {as_id(value) for value in raw}
    if None in ids:
        raise Http404("清单编号无效")
    submissions = list(
        Submission.objects.for_user(request.user)
        .filter(round=collection_round, village__township=township, pk__in=ids)
        .select_related("round", "village__township")
    )
    if len(submissions) != len(ids):
        raise Http404("所选清单中有不属于本乡镇或不在您管辖范围内的")
    if not all(list_services.can_review(request.user, submission) for submission in submissions):
        raise PermissionDenied
    return submissions


def _board(request, collection_round, township, *, focus=None, notice=None):
    rows = review_board(collection_round, request.user, township)
    counts = dict.fromkeys(STATES, 0)
    for row in rows:
        counts[row.state] += 1
    scope = scope_for(request.user)
    return {
        "round": collection_round,
        "township": township,
        "rows": rows,
        "counts": counts,
        "first_pending": next((row.village for row in rows if row.pending), None),
        "focus": focus,
        "notice": notice,
        "townships": townships_for(request.user) if scope.is_org else None,
    }


def _answer(request, collection_round, township, level, text, *, focus=None):
    if request.htmx:
        notice = {"level": "danger" if level == messages.ERROR else "success", "text": text}
        context = _board(request, collection_round, township, focus=focus, notice=notice)
        return render(request, "demands/_review_board.html", context)
    messages.add_message(request, level, text)
    url = reverse("demands:round_review", args=[collection_round.pk]) + f"?township={township.pk}"
    return redirect(url + (f"#village-{focus}" if focus else ""))
