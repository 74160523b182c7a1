"""The evaluation pages (考评): the monthly ranking and the year of one kind of group, awards,
and the points scheme."""

from django.contrib import messages
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from core.access import role_required
from core.dates import add_months, month_start, next_month
from core.excel import xlsx_response
from core.scoping import scope_for
from core.signals import audit
from core.text import as_id
from teams import params, scoring
from teams.exports import evaluation_workbook
from teams.forms import AwardForm, BestAwardsForm, ScoringRuleFormSet
from teams.models import Award, GroupKind, ScoringRule


def _scored_kind(request, district_id):
    """The kind of group a ranking page shows (?kind=, else the district's default) and the choice."""
    kinds = list(GroupKind.objects.filter(district_id=district_id, scored=True).order_by("sort_order", "pk"))
    kind = params.kind_param(request, kinds) or (
        GroupKind.objects.ranking_default(district_id) if district_id else None
    )
    return kind, kinds


def _kind_query(kind, kinds):
    return {"kind": kind.pk} if kind is not None and len(kinds) > 1 else {}


@role_required()
def ranking(request):
    month = params.month_param(request, default=month_start(timezone.localdate()))
    district_id = params.district_id(request)
    kind, kinds = _scored_kind(request, district_id)
    result = scoring.rankings(district_id, [month], kind=kind)[month] if kind else {**scoring.EMPTY, "frozen_at": None}
    context = {
        "month": month,
        "previous": add_months(month, -1),
        "next": next_month(month),
        "result": result,
        "kind": kind,
        "kinds": kinds,
        "kind_query": urlencode(_kind_query(kind, kinds)),
        "month_text": f"{month:%Y-%m}",
        "is_org": scope_for(request.user).is_org,
    }
    return render(request, "teams/ranking.html", context)


def _evaluated(request):
    months = params.period(request)
    district_id = params.district_id(request)
    kind, kinds = _scored_kind(request, district_id)
    result = scoring.evaluation(district_id, months, kind=kind) if kind else {**scoring.EMPTY, "frozen_months": 0}
    awards = (
        Award.objects.for_user(request.user)
        .filter(year=months[-1].year)
        .filter(Q(group_kind=kind) | Q(group_kind__isnull=True))
        .select_related("team", "secretary", "person", "township", "group_kind")
    )
    return months, district_id, kind, kinds, result, awards


@role_required()
def evaluation(request):
    months, district_id, kind, kinds, result, awards = _evaluated(request)
    year = months[-1].year
    is_org = scope_for(request.user).is_org
    context = {
        "months": months,
        "result": result,
        "year": year,
        "awards": awards,
        "is_org": is_org,
        "kind": kind,
        "kinds": kinds,
        "award_form": AwardForm(district_id=district_id, group_kind=kind, initial={"year": year}) if is_org else None,
        "best_form": BestAwardsForm() if is_org and kind is not None else None,
        "querystring": urlencode(
            {"from": f"{months[0]:%Y-%m}", "to": f"{months[-1]:%Y-%m}"} | _kind_query(kind, kinds)
        ),
    }
    return render(request, "teams/evaluation.html", context)


@role_required()
def evaluation_export(request):
    months, _district_id, kind, _kinds, result, awards = _evaluated(request)
    workbook = evaluation_workbook(months, result, awards)
    name = kind.name if kind is not None else "先锋队"
    return xlsx_response(workbook, f"{name}考评_{months[0]:%Y%m}-{months[-1]:%Y%m}.xlsx", request=request)


@role_required("org")
@require_POST
def award_add(request):
    district_id = params.district_id(request)
    kinds = GroupKind.objects.filter(district_id=district_id)
    group_kind = next((k for k in kinds if str(k.pk) == request.POST.get("group_kind", "")), None)
    form = AwardForm(request.POST, district_id=district_id, group_kind=group_kind)
    form.instance.district_id = district_id
    if form.is_valid():
        form.instance.awarded_by = request.user
        award = form.save()
        messages.success(request, f"已记录表彰：{award}。")
    else:
        errors = [e for errs in form.errors.values() for e in errs]
        messages.error(request, "表彰未保存：" + "；".join(errors))
    query = {"to": request.POST.get("to", "")} | ({"kind": group_kind.pk} if group_kind else {})
    query = {key: value for key, value in query.items() if value}
    return redirect(reverse("teams:evaluation") + (f"?{urlencode(query)}" if query else ""))


@role_required("org")
@require_POST
def award_delete(request, pk):
    award = get_object_or_404(Award.objects.for_user(request.user), pk=pk)
    award.delete()
    messages.success(request, "已撤销表彰。")
    return redirect("teams:evaluation")


def _posted_rule_ids(request):
    data = request.POST
    raw = data.get("form-INITIAL_FORMS", "")
    count = min(as_id(raw) or 0, 1000)
    return {data.get(f"form-{i}-id", "") for i in range(count)}


@role_required("org")
def scoring_rules(request):
    """The district's general rules, or (?kind=) the rules of one kind of group of the district.
    Another district's rule is not found (404), as the page's own rows are all it saves."""
    kinds = list(GroupKind.objects.for_user(request.user).filter(scored=True))
    kind = params.kind_param(request, kinds)
    rules = (
        ScoringRule.objects.filter(group_kind=kind)
        if kind is not None
        else ScoringRule.objects.general(params.district_id(request))
    )
    if request.method == "POST" and not _posted_rule_ids(request) <= {
        str(pk) for pk in rules.values_list("pk", flat=True)
    }:
        raise Http404("找不到该计分规则")
    formset = ScoringRuleFormSet(request.POST or None, queryset=rules)
    if request.method == "POST" and formset.is_valid():
        with transaction.atomic():  # all rules or none
            formset.save()
            for rule, fields in formset.changed_objects:
                labels = "、".join(str(rule._meta.get_field(name).verbose_name) for name in fields)
                audit("settings.change", request=request, obj=rule, detail=f"修改计分规则：{labels}")
        messages.success(request, "计分规则已保存；已冻结的月份不受影响。")
        return redirect(reverse("teams:scoring_rules") + (f"?kind={kind.pk}" if kind else ""))
    rows = [(form, scoring.is_known_key(form.instance.key)) for form in formset.forms]
    context = {"formset": formset, "rows": rows, "kinds": kinds, "kind": kind}
    return render(request, "teams/scoring_rules.html", context)


@role_required("org")
@require_POST
def best_awards(request):
    """Name the year's best townships, groups and members of one kind from its evaluation."""
    raw = request.GET.get("kind", "")
    kind = get_object_or_404(GroupKind.objects.for_user(request.user), pk=as_id(raw) or 0)
    form = BestAwardsForm(request.POST)
    months = params.period(request)
    district_id = kind.district_id
    if form.is_valid():
        created = scoring.award_the_best(district_id, months, kind=kind, user=request.user, **form.cleaned_data)
        messages.success(request, f"已按{months[0]:%Y年%m月}至{months[-1]:%Y年%m月}的考评结果记录表彰 {created} 项。")
    else:
        messages.error(request, "表彰未记录：" + "；".join(e for errs in form.errors.values() for e in errs))
    query = {"kind": kind.pk, "from": f"{months[0]:%Y-%m}", "to": f"{months[-1]:%Y-%m}"}
    return redirect(reverse("teams:evaluation") + "?" + urlencode(query))
