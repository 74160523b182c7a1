"""Pages for groups of any kind beyond Fangshan's pioneer teams: members who are not secretaries,
a joint organisation's member organisations, the practice presets."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from core.access import role_required
from demands.models import DemandCategory
from secretaries.models import District
from teams import params, services
from teams.forms import PartnerForm, PersonAddForm
from teams.models import AppliedPreset, GroupKind, PioneerTeam
from teams.presets import PRESETS, apply_preset


def _errors(form):
    return "；".join(
        f"{form.fields[name].label if name in form.fields else ''}：{e}".lstrip("：")
        for name, errs in form.errors.items()
        for e in errs
    )


@role_required("org")
@require_POST
def person_add(request, pk):
    team = get_object_or_404(PioneerTeam.objects.for_user(request.user).select_related("kind"), pk=pk)
    form = PersonAddForm(request.POST, team=team, prefix="person")
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.person_add(
                team,
                name=data["name"],
                title=data["title"],
                phone=data["phone"],
                organisation=data["organisation"],
                village=data["village"],
                role=data["role"],
                allowance=data.get("allowance"),
            )
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, f"已将{data['name']}加入{team.name}。")
    else:
        messages.error(request, "成员未加入：" + _errors(form))
    return redirect("teams:team_detail", pk=team.pk)


@role_required("org")
@require_POST
def partner_add(request, pk):
    team = get_object_or_404(PioneerTeam.objects.for_user(request.user), pk=pk)
    form = PartnerForm(request.POST, prefix="partner")
    form.instance.team = team
    if form.is_valid():
        form.save()
        messages.success(request, f"已添加联建单位{form.instance.name}。")
    else:
        messages.error(request, "联建单位未添加：" + _errors(form))
    return redirect("teams:team_detail", pk=team.pk)


@role_required("org")
def presets(request):
    """The practices a district may adopt; applying one adds what it lacks and changes nothing else."""
    district = District.objects.filter(pk=params.district_id(request)).first()
    if request.method == "POST":
        name = request.POST.get("preset", "")
        if district is None or name not in PRESETS:
            messages.error(request, "请选择一种预设。")
        else:
            try:
                applied = apply_preset(district, name)
            except ValidationError as exc:
                messages.error(request, "；".join(exc.messages))
            else:
                messages.success(request, str(applied))
                return redirect("teams:team_list")
    kinds = GroupKind.objects.for_user(request.user).order_by("sort_order", "pk")
    categories = DemandCategory.objects.filter(district=district) if district else DemandCategory.objects.none()
    applied = AppliedPreset.objects.names(district.pk) if district else set()
    context = {
        "presets": PRESETS.items(),
        "kinds": kinds,
        "district": district,
        "categories": categories,
        "applied": applied,
    }
    return render(request, "teams/presets.html", context)
