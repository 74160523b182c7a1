from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from notices.models import Notice
from notices.services import mark_read


@login_required
def inbox(request):
    notices = Notice.objects.for_user(request.user)
    if request.GET.get("unread") == "1":
        notices = notices.unread()
    page = Paginator(notices, 30).get_page(request.GET.get("page"))
    return render(request, "notices/inbox.html", {"page": page, "only_unread": request.GET.get("unread") == "1"})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def open_notice(request, pk):
    """Follow a notice's link. Only the inbox's button (a POST, CSRF-checked) marks it read: a GET
    (a link prefetched, forged or followed by a crawler) changes nothing."""
    notice = get_object_or_404(Notice.objects.for_user(request.user), pk=pk)
    if request.method == "POST" and notice.read_at is None:
        notice.read_at = timezone.now()
        notice.save(update_fields=["read_at"])
    target = notice.url
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("notices:inbox")


@login_required
@require_POST
def mark_all_read(request):
    mark_read(request.user)
    return redirect("notices:inbox")
