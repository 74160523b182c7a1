"""Reserve cadres (后备力量) per village: the list, add and edit. The village's secretary, its
township's staff and the department keep them; Village.objects.for_user decides which villages
(another township's answers 404). The villages below RESERVE_CADRES_MIN are on the dashboards and
on the overview page here."""

from django.conf import settings
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render

from core.access import role_required
from secretaries.forms import ReserveCadreForm
from secretaries.models import ReserveCadre, Village
from secretaries.selectors import reserve_counts, reserve_shortfall

KEEPERS = ("org", "township", "secretary")


def _village(request, pk):
    return get_object_or_404(Village.objects.for_user(request.user).select_related("township"), pk=pk)


@role_required("org", "township")
def reserve_overview(request):
    """Every village in view with its current reserve cadres, those below the minimum first."""
    villages = Village.objects.for_user(request.user).select_related("township")
    return render(
        request,
        "secretaries/reserve_overview.html",
        {
            "shortfall": reserve_shortfall(villages),
            "villages": reserve_counts(villages).order_by("township__name", "name"),
            "reserve_min": settings.RESERVE_CADRES_MIN,
        },
    )


@role_required(*KEEPERS)
def reserve_list(request, pk):
    village = _village(request, pk)
    cadres = ReserveCadre.objects.for_user(request.user).filter(village=village).select_related("mentor")
    current = [c for c in cadres if c.left is None]
    return render(
        request,
        "secretaries/reserve_list.html",
        {
            "village": village,
            "current": current,
            "former": [c for c in cadres if c.left is not None],
            "reserve_min": settings.RESERVE_CADRES_MIN,
        },
    )


@role_required(*KEEPERS)
def reserve_create(request, pk):
    village = _village(request, pk)
    form = ReserveCadreForm(request.POST or None, user=request.user, village=village)
    if request.method == "POST" and form.is_valid():
        cadre = form.save()
        messages.success(request, f"已添加后备力量 {cadre.name}")
        return redirect("secretaries:reserve_list", pk=village.pk)
    return render(request, "secretaries/form.html", {"form": form, "title": f"{village.name} · 添加后备力量"})


@role_required(*KEEPERS)
def reserve_edit(request, pk):
    cadre = get_object_or_404(ReserveCadre.objects.for_user(request.user).select_related("village__township"), pk=pk)
    form = ReserveCadreForm(request.POST or None, instance=cadre, user=request.user, village=cadre.village)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "已保存")
        return redirect("secretaries:reserve_list", pk=cadre.village_id)
    return render(request, "secretaries/form.html", {"form": form, "title": f"编辑后备力量 {cadre.name}"})
