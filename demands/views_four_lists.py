"""Jining's 四张清单 on one page: the demand list (需求), the resource list (资源), the co-building
list (共建: demands matched with an assignee or resource, the existing cobuild pages) and the
supervision list (督导: the existing overdue list, and how each secretary made and completed the
lists of the round, with its .xlsx). Every district may open it; the menu names it for a district
that applied the Jining preset (teams.presets.FOUR_LISTS_PRESETS)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from core.access import role_required
from demands import selectors_lists as selectors
from demands.models import CollectionRound
from demands.views_loop import _xlsx, round_township_filters


def _filters(request):
    """(form, round, township) of the page; a foreign round or township answers 404; without a
    chosen round, the newest round that is not a draft."""
    form, collection_round, township = round_township_filters(request)
    if form.is_bound and not form.is_valid():
        return form, None, None
    if collection_round is None:
        collection_round = selectors.rounds_for(request.user).exclude(status=CollectionRound.Status.DRAFT).first()
    return form, collection_round, township


@require_GET
@role_required("org", "township")
def four_lists(request):
    form, collection_round, township = _filters(request)
    context = {"form": form, "round": collection_round, "township": township}
    if collection_round is not None:
        township_id = township.pk if township else None
        context["counts"] = selectors.four_lists_counts(request.user, collection_round, township_id)
        context["rows"] = selectors.lists_by_secretary(request.user, collection_round, township_id)
        context["query"] = f"round={collection_round.pk}" + (f"&township={township.pk}" if township else "")
    return render(request, "demands/four_lists.html", context)


@require_GET
@role_required("org", "township")
def four_lists_export(request):
    """督导清单 by secretary: how each made and completed the lists of the round."""
    form, collection_round, township = _filters(request)
    if collection_round is None:
        messages.error(request, "还没有征集轮次，或筛选条件有误，请修改后再导出")
        return redirect(reverse("demands:four_lists") + "?" + request.GET.urlencode())
    rows = selectors.lists_by_secretary(request.user, collection_round, township.pk if township else None)
    headers = ["序号", "乡镇", "村", "第一书记", "派出单位", "需求清单", "需求（条）", "共建（条）", "办结（条）"]
    headers += ["办结率（%）", "督导中（条）", "资源（项）"]
    body = [
        [n, row.secretary.village.township.name, row.secretary.village.name, row.secretary.name]
        + [row.secretary.dispatch_unit.name, row.list_status, row.demands, row.cobuild, row.done, row.done_rate]
        + [row.flagged, row.resources]
        for n, row in enumerate(rows, start=1)
    ]
    parts = ["督导清单", collection_round.title, township.name if township else ""]
    return _xlsx(request, "督导清单", headers, body, "_".join(p for p in parts if p) + ".xlsx")
