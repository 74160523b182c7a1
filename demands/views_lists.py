"""Pages of the three lists and the collection rounds. Every record is fetched through `for_user`
(a foreign township's record answers 404); who may write is checked here or in the service."""

import json
from dataclasses import asdict
from functools import partial

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from core.access import role_required
from core.excel import xlsx_response
from core.importing import (
    ImportFileError,
    audit_import,
    count_rows,
    import_detail,
    preview_discard,
    preview_open,
    preview_store,
)
from core.jobs import fail_stale_jobs, job_create, job_outcome
from core.keep import pop_kept_input
from core.models import ImportJob
from core.scoping import scope_for
from core.sheets import chosen_mapping
from core.tasks import enqueue_on_commit
from core.text import as_id
from demands.excel import UPLOAD_JOB, UploadResult, build_template, export_round, import_upload, remember_corrections
from demands.forms_lists import (
    DemandItemForm,
    DemandItemFormSet,
    ListContactForm,
    ProjectForm,
    ResourceForm,
    ReturnForm,
    RoundForm,
    UploadForm,
)
from demands.lifecycle import SUBMISSION_EDITABLE
from demands.models import (
    CollectionRound,
    DemandCategory,
    DemandItem,
    ProjectItem,
    ResourceCategory,
    ResourceItem,
    Submission,
    number_items,
)
from demands.paste import parse_pasted_items
from demands.selectors_lists import (
    completeness_by_township,
    list_contact_default,
    list_form_rows,
    missing_villages_for,
    projects_for,
    resources_for,
    rounds_for,
    secretary_of,
    submissions_for,
    townships_for,
)
from demands.services import lists as list_services
from demands.services import rounds as round_services
from demands.tasks_lists import run_round_upload
from secretaries.models import District

PER_PAGE = 30


def _page(request, items, per_page=PER_PAGE):
    return Paginator(items, per_page).get_page(request.GET.get("page"))


def _round(request, pk):
    return get_object_or_404(CollectionRound.objects.for_user(request.user), pk=pk)


def _township_param(request, *, required):
    """The township a download or upload is for: a township user's own; the department picks one."""
    scope = scope_for(request.user)
    townships = townships_for(request.user)
    raw = request.GET.get("township") or request.POST.get("township") or ""
    if scope.is_township:
        own = townships.first()
        if raw and raw != str(own.pk):
            raise Http404("不在您的管辖范围内")
        return own
    if not raw:
        if required:
            raise Http404("请选择乡镇")
        return None
    if as_id(raw) is None:
        raise Http404("乡镇参数无效")
    return get_object_or_404(townships, pk=as_id(raw))


# Rounds ----------------------------------------------------------------------------------------


@role_required()
def round_list(request):
    return render(request, "demands/round_list.html", {"page": _page(request, rounds_for(request.user))})


@role_required("org")
def round_create(request):
    scope = scope_for(request.user)
    district = (
        get_object_or_404(District.objects.for_user(request.user), pk=scope.district_id)
        if scope.district_id
        else District.objects.first()
    )
    if district is None:
        raise Http404("还没有区的数据")
    form = RoundForm(request.POST or None, initial=round_services.default_round_fields(district, timezone.localdate()))
    if request.method == "POST" and form.is_valid():
        collection_round, created = round_services.round_create(district, **form.cleaned_data, created_by=request.user)
        if not created:
            messages.error(request, "该周期已有征集轮次，未重复创建。")
            return redirect("demands:round_detail", collection_round.pk)
        if request.POST.get("action") == "open":
            round_services.round_open(collection_round, by=request.user)
            messages.success(request, "征集轮次已发布，已通知各乡镇和在岗第一书记。")
        else:
            messages.success(request, "征集轮次已保存为草稿。")
        return redirect("demands:round_detail", collection_round.pk)
    return render(request, "demands/round_form.html", {"form": form})


@role_required()
def round_detail(request, pk):
    collection_round = _round(request, pk)
    scope = scope_for(request.user)
    context = {"round": collection_round, "scope": scope}
    if scope.is_secretary:
        secretary = secretary_of(request.user)
        context["my_submission"] = Submission.objects.filter(round=collection_round, village=secretary.village).first()
    if scope.is_org or scope.is_township:
        context["page"] = _page(request, submissions_for(collection_round, request.user), per_page=50)
        context["townships"] = townships_for(request.user)
    return render(request, "demands/round_detail.html", context)


@require_POST
@role_required("org")
def round_open(request, pk):
    collection_round = _round(request, pk)
    try:
        round_services.round_open(collection_round, by=request.user)
        messages.success(request, "征集轮次已发布，已通知各乡镇和在岗第一书记。")
    except round_services.RoundError as exc:
        messages.error(request, str(exc))
    return redirect("demands:round_detail", pk)


@require_POST
@role_required("org")
def round_close(request, pk):
    collection_round = _round(request, pk)
    try:
        round_services.round_close(collection_round, by=request.user)
        messages.success(request, "征集轮次已截止。")
    except round_services.RoundError as exc:
        messages.error(request, str(exc))
    return redirect("demands:round_detail", pk)


@role_required("org", "township")
def round_completeness(request, pk):
    collection_round = _round(request, pk)
    rows, total = completeness_by_township(collection_round, request.user)
    township_filter = request.GET.get("township", "")
    township_id = as_id(township_filter)
    missing = _page(request, missing_villages_for(collection_round, request.user, township_id), per_page=50)
    return render(
        request,
        "demands/round_completeness.html",
        {
            "round": collection_round,
            "rows": rows,
            "total": total,
            "page": missing,
            "querystring": f"township={township_id}" if township_id else "",
        },
    )


@role_required("org", "township")
def round_completeness_current(request):
    """The menu's 完成情况: the open round's page, or the latest round's."""
    rounds = rounds_for(request.user).exclude(status=CollectionRound.Status.DRAFT)
    latest = rounds.filter(status=CollectionRound.Status.OPEN).first() or rounds.first()
    if latest is None:
        messages.info(request, "还没有已发布的征集轮次。")
        return redirect("demands:round_list")
    return redirect("demands:round_completeness", latest.pk)


@role_required("org", "township")
def round_template(request, pk):
    collection_round = _round(request, pk)
    township = _township_param(request, required=True)
    workbook = build_template(collection_round, township)
    filename = f"{collection_round.period_start:%Y%m}_{township.name}_三项清单模板.xlsx"
    return xlsx_response(workbook, filename, request=request, obj=collection_round)


@role_required("org", "township")
def round_export(request, pk):
    collection_round = _round(request, pk)
    township = _township_param(request, required=False)
    workbook = export_round(collection_round, request.user, township)
    suffix = township.name if township else "全区"
    filename = f"{collection_round.period_start:%Y%m}_{suffix}_三项清单汇总.xlsx"
    return xlsx_response(workbook, filename, request=request, personal=True, obj=collection_round)


UPLOAD_SESSION_KEY = "demands_upload"


@role_required("org", "township")
def round_upload(request, pk):
    collection_round = _round(request, pk)
    if request.method == "POST" and request.POST.get("action") == "remap":
        return _round_upload_remap(request, collection_round)
    form = UploadForm(request.POST or None, request.FILES or None, user=request.user)
    context = {"round": collection_round, "form": form}
    if request.method == "POST" and form.is_valid():
        township = form.cleaned_data.get("township") or townships_for(request.user).first()
        upload = form.cleaned_data["file"]
        if collection_round.status != CollectionRound.Status.OPEN:
            form.add_error(None, "本轮征集未发布或已截止，不能上传")
            return render(request, "demands/round_upload.html", context)
        _discard_pending_upload(request)
        token = None
        try:
            rows = count_rows(upload)
            token = preview_store(upload)  # a good preview keeps its checked rows beside the file
            if rows <= settings.IMPORT_ASYNC_ROWS:
                result = import_upload(collection_round, township, request.user, upload, confirm=False, token=token)
        except ImportFileError as exc:
            preview_discard(token)
            form.add_error("file", str(exc))
            return render(request, "demands/round_upload.html", context)
        # Kept even when rows are wrong: the user may correct the column mapping and preview again.
        request.session[UPLOAD_SESSION_KEY] = pending = {
            "token": token,
            "round": collection_round.pk,
            "township": township.pk,
            "filename": upload.name,
            "chosen": {},
        }
        if rows > settings.IMPORT_ASYNC_ROWS:
            _start_upload_job(request, context, pending, ImportJob.Action.PREVIEW, rows)
        else:
            context.update({"result": result, "township": township})
    return render(request, "demands/round_upload.html", context)


def _round_upload_remap(request, collection_round):
    """Preview the stored upload again with the column mapping the user chose; remember it for the township."""
    pending = request.session.get(UPLOAD_SESSION_KEY) or {}
    upload = preview_open(pending.get("token"), pending.get("filename") or "upload.xlsx")
    if upload is None or pending.get("round") != collection_round.pk:
        messages.error(request, "没有待预览的上传文件（或预览已超过有效期），请重新上传。")
        return redirect("demands:round_upload", collection_round.pk)
    township = get_object_or_404(townships_for(request.user), pk=pending["township"])
    chosen = chosen_mapping(request.POST)
    context = {"round": collection_round, "form": UploadForm(user=request.user), "township": township}
    try:
        rows = count_rows(upload)
        if rows > settings.IMPORT_ASYNC_ROWS:  # the worker remembers the corrections
            request.session[UPLOAD_SESSION_KEY] = pending = {**pending, "chosen": chosen}
            _start_upload_job(request, context, pending, ImportJob.Action.PREVIEW, rows)
            return render(request, "demands/round_upload.html", context)
        result = import_upload(
            collection_round, township, request.user, upload, confirm=False, chosen=chosen, token=pending["token"]
        )
    except (ImportFileError, list_services.ListError) as exc:
        messages.error(request, str(exc))
        return redirect("demands:round_upload", collection_round.pk)
    remember_corrections(township, request.user, result.read)
    request.session[UPLOAD_SESSION_KEY] = {**pending, "chosen": chosen}
    context["result"] = result
    return render(request, "demands/round_upload.html", context)


def _start_upload_job(request, context, pending, action, rows):
    """Hand the stored upload to a background job (more than IMPORT_ASYNC_ROWS rows); the page polls it."""
    options = {key: pending[key] for key in ("round", "township", "filename", "chosen")}
    township = townships_for(request.user).filter(pk=pending["township"]).first()
    label = township.name if township else ""  # the audit entry names the upload as the page does
    job = job_create(UPLOAD_JOB, action, request.user, pending["token"], rows, options, label=label)
    enqueue_on_commit(run_round_upload, job.pk)
    _show_job(context, job)


def _show_job(context, job):
    """The context templates/_import_job.html reads for a round upload's job."""
    context.update(
        {
            "job": job,
            "job_url": reverse("demands:round_upload_job", args=[context["round"].pk, job.pk]),
            "outcome_template": "demands/_upload_result.html",
            "done_url": reverse("demands:round_detail", args=[context["round"].pk]),
            "done_label": "返回本轮",
        }
    )


def _discard_pending_upload(request):
    pending = request.session.pop(UPLOAD_SESSION_KEY, None)
    if pending:
        preview_discard(pending.get("token"))


def _imported(result):
    return "导入成功：" + "，".join(f"{title}{count}条" for title, count in result.created.items()) + "。"


@require_POST
@role_required("org", "township")
def round_upload_confirm(request, pk):
    collection_round = _round(request, pk)
    pending = request.session.pop(UPLOAD_SESSION_KEY, None)
    upload = preview_open(pending.get("token"), pending.get("filename") or "upload.xlsx") if pending else None
    if upload is None or pending.get("round") != collection_round.pk:
        if pending:  # popped from the session: nothing could confirm it any more
            preview_discard(pending.get("token"))
        messages.error(request, "没有待确认的上传文件（或预览已超过有效期），请重新上传。")
        return redirect("demands:round_upload", pk)
    township = get_object_or_404(townships_for(request.user), pk=pending["township"])
    context = {"round": collection_round, "form": UploadForm(user=request.user)}
    try:
        rows = count_rows(upload)
        if rows > settings.IMPORT_ASYNC_ROWS:
            # The worker discards the stored file when it is done.
            _start_upload_job(request, context, pending, ImportJob.Action.CONFIRM, rows)
            return render(request, "demands/round_upload.html", context)
        result = import_upload(
            collection_round,
            township,
            request.user,
            upload,
            confirm=True,
            chosen=pending.get("chosen"),
            token=pending["token"],
        )
    except (ImportFileError, list_services.ListError) as exc:
        audit_import(
            request,
            file=pending.get("filename") or "upload.xlsx",
            rows=0,
            ok=False,
            detail=import_detail(township.name, ok=False, reason=str(exc)),
            obj=collection_round,
        )
        preview_discard(pending["token"])
        messages.error(request, str(exc))
        return redirect("demands:round_upload", pk)
    # Imported or refused as a whole: the stored file is of no further use either way.
    preview_discard(pending["token"])
    audit_import(
        request,
        file=pending.get("filename") or "upload.xlsx",
        rows=sum(result.created.values()),
        ok=result.ok,
        detail=import_detail(township.name, ok=result.ok, created=result.created, errors=len(result.errors)),
        obj=collection_round,
    )
    if not result.ok:
        return render(request, "demands/round_upload.html", {**context, "result": result})
    messages.success(request, _imported(result))
    return redirect("demands:round_detail", pk)


@role_required("org", "township")
def round_upload_job(request, pk, job_pk):
    """A large upload's background preview or confirm: its progress, then its result (htmx polls
    it every second). Only its starter sees it: the rows hold the township's contacts."""
    collection_round = _round(request, pk)
    fail_stale_jobs()
    jobs = ImportJob.objects.for_user(request.user).filter(user=request.user, kind=UPLOAD_JOB)
    job = get_object_or_404(jobs, pk=job_pk)
    if job.options.get("round") != collection_round.pk:
        raise Http404("导入任务不属于本轮")
    context = {"round": collection_round, "form": UploadForm(user=request.user)}
    _show_job(context, job)
    result = job_outcome(job, UploadResult) if job.status == ImportJob.Status.DONE else None
    if result is not None and job.action == ImportJob.Action.CONFIRM and result.ok:
        context["imported"] = _imported(result)
    elif result is not None:
        context["result"] = result
        context["township"] = townships_for(request.user).filter(pk=job.options.get("township")).first()
    template = "_import_job.html" if request.htmx else "demands/round_upload.html"
    return render(request, template, context)


# Submissions -----------------------------------------------------------------------------------


@role_required("secretary")
def my_list(request):
    secretary = secretary_of(request.user)
    collection_round = list_services.open_round_for(secretary.village.township.district_id)
    if collection_round is None:
        return render(request, "demands/my_list_none.html", {"rounds": rounds_for(request.user)[:6]})
    submission = list_services.submission_for(collection_round, secretary.village)
    return redirect("demands:submission_edit", submission.pk)


def _submission(request, pk):
    return get_object_or_404(
        Submission.objects.for_user(request.user).select_related("round", "village__township"), pk=pk
    )


def _fillable(request, submission):
    return (
        list_services.can_fill(request.user, submission)
        and submission.round.status == CollectionRound.Status.OPEN
        and submission.status in SUBMISSION_EDITABLE
    )


def _list_formset(request, submission, drafts, contact):
    """The rows: as posted; else as kept from a post made after the session expired; else as
    last saved (drafts, and what was autosaved since)."""
    today = timezone.localdate()
    district_id = submission.round.district_id
    data = request.POST if request.method == "POST" else pop_kept_input(request)
    if data is not None:
        formset = DemandItemFormSet(
            data, instance=submission, queryset=drafts, prefix="items", today=today, district_id=district_id
        )
        return formset, ListContactForm(data, prefix="list"), request.method != "POST"
    row_initial, pending = list_form_rows(submission, drafts, contact)
    extra = pending if row_initial else 1
    formset = DemandItemFormSet(
        instance=submission,
        queryset=drafts,
        prefix="items",
        today=today,
        row_initial=row_initial,
        extra=extra,
        district_id=district_id,
    )
    return formset, ListContactForm(initial=contact, prefix="list"), False


@role_required()
def submission_edit(request, pk):
    submission = _submission(request, pk)
    drafts = submission.demands.filter(status=DemandItem.Status.DRAFT).in_list_order().select_related("category")
    formset = contact_form = None
    restored = False
    if _fillable(request, submission):
        contact = list_contact_default(submission, request.user)
        formset, contact_form, restored = _list_formset(request, submission, drafts, contact)
        if request.method == "POST":
            action = request.POST.get("action", "save")
            if action == "nil":
                return _submit(request, submission, nil=True)
            if formset.is_valid() and contact_form.is_valid():
                try:
                    list_services.submission_save_items(
                        submission, formset, request.user, contact_form.cleaned_data, version=_posted_version(request)
                    )
                except list_services.ListConflict as exc:
                    # Nothing saved; the rows as posted stay on the page to copy.
                    messages.error(request, f"{exc}。您填写的内容仍在下方，请先复制，再刷新页面。")
                else:
                    if action == "submit":
                        return _submit(request, submission, nil=False)
                    messages.success(request, "草稿已保存。")
                    return redirect("demands:submission_edit", pk)
            else:
                messages.error(request, "有填写错误，请按下方列出的各条修改。")
    items = number_items(
        submission.demands.exclude(status=DemandItem.Status.DRAFT).in_list_order().select_related("category")
    )
    return render(
        request,
        "demands/submission_edit.html",
        {
            "submission": submission,
            "formset": formset,
            "contact_form": contact_form,
            "show_errors": request.method == "POST" or restored,
            "restored": restored,
            "items": items,
            "drafts": drafts,
            # Read-only for whoever cannot fill the list (the reviewer after 退回), numbered 第N条.
            "draft_items": [] if formset else number_items(drafts.in_list_order()),
            "can_review": list_services.can_review(request.user, submission),
            "editable": submission.status in SUBMISSION_EDITABLE,
            "return_form": ReturnForm(),
            # The list's version this page's rows are based on: as posted when the page shows a post
            # (or one kept through an expired session), else the stored one.
            "list_version": formset.data.get("list_version", "")
            if formset and formset.is_bound
            else submission.version,
        },
    )


def _posted_version(request):
    raw = request.POST.get("list_version", "")
    version = as_id(raw)
    return version if version is not None and version < 10**9 else None


def _json_error(message, status):
    return JsonResponse({"ok": False, "error": message}, status=status)


def _json_submission(request, pk):
    """The submission for a JSON call, or the JSON answer refusing it (404 out of scope)."""
    submission = Submission.objects.for_user(request.user).select_related("round", "village").filter(pk=pk).first()
    if submission is None or not list_services.can_fill(request.user, submission):
        return None, _json_error("找不到这份清单，或它不在您的填报范围内", 404)
    return submission, None


def _json_body(request):
    try:
        return json.loads(request.body.decode("utf-8") or "null"), None
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None, _json_error("数据格式不正确（不是有效的 JSON），未保存", 400)


@require_POST
@role_required()
def submission_autosave(request, pk):
    """The list form saved as it is typed (static/js/listform.js): JSON in, JSON out."""
    submission, refused = _json_submission(request, pk)
    if refused:
        return refused
    payload, refused = _json_body(request)
    if refused:
        return refused
    try:
        saved_at, saved, errors, version = list_services.submission_autosave(
            submission,
            request.user,
            payload,
            form_class=partial(DemandItemForm, district_id=submission.round.district_id),
            contact_form_class=ListContactForm,
        )
    except list_services.AutosaveError as exc:
        return _json_error(str(exc), 400)
    except list_services.ListConflict as exc:
        # Saved from elsewhere since this browser's copy was read: nothing saved, the copy stays there.
        return JsonResponse({"ok": False, "error": str(exc), "conflict": True, "version": exc.version}, status=409)
    except list_services.ListError as exc:
        return _json_error(str(exc), 409)
    local = timezone.localtime(saved_at)
    return JsonResponse(
        {
            "ok": True,
            "saved_at": local.isoformat(),
            "saved_time": f"{local:%H:%M}",
            "ids": saved,
            "errors": errors,
            "version": version,
        }
    )


@require_POST
@role_required()
def submission_paste(request, pk):
    """Rows found in pasted text (demands/paste.py), for the form to show before adding them."""
    submission, refused = _json_submission(request, pk)
    if refused:
        return refused
    payload, refused = _json_body(request)
    if refused:
        return refused
    if not isinstance(payload, dict) or not isinstance(payload.get("text"), str) or len(payload["text"]) > 20000:
        return _json_error("请粘贴文字（不超过2万字）", 400)
    categories = DemandCategory.objects.offered(submission.round.district_id).values_list("pk", "name")
    result = parse_pasted_items(payload["text"], categories)
    return JsonResponse({"ok": True, "rows": [asdict(row) for row in result.rows], "problems": result.problems})


def _submit(request, submission, *, nil):
    try:
        list_services.submission_submit(submission, request.user, nil=nil)
    except list_services.ListError as exc:
        messages.error(request, str(exc))
        return redirect("demands:submission_edit", submission.pk)
    messages.success(request, "已报送“本轮无新增需求”。" if nil else "需求清单已报送，感谢！")
    return redirect("demands:submission_edit", submission.pk)


@require_POST
@role_required("org", "township")
def submission_return(request, pk):
    submission = _submission(request, pk)
    if not list_services.can_review(request.user, submission):
        raise PermissionDenied
    form = ReturnForm(request.POST)
    try:
        if not form.is_valid():
            raise list_services.ListError("请填写退回原因")
        list_services.submission_return(submission, request.user, form.cleaned_data["reason"])
        messages.success(request, f"已退回{submission.village}的清单。")
    except list_services.ListError as exc:
        messages.error(request, str(exc))
    return redirect("demands:submission_edit", pk)


@require_POST
@role_required("org", "township")
def submission_accept(request, pk):
    submission = _submission(request, pk)
    if not list_services.can_review(request.user, submission):
        raise PermissionDenied
    try:
        list_services.submission_accept(submission, request.user)
        messages.success(request, f"已接收{submission.village}的清单。")
    except list_services.ListError as exc:
        messages.error(request, str(exc))
    return redirect("demands:submission_edit", pk)


@role_required("org", "township", "secretary")
def demand_row(request):
    """htmx: one more empty item row for the one-page form."""
    raw = request.GET.get("index", "")
    if as_id(raw) is None or as_id(raw) > 49:
        return HttpResponse("最多可填写 50 条需求", status=400)
    # Built like the formset's own extra rows: a 删除 box, and no browser-side `required`, so a row
    # added by mistake and left blank does not block 保存草稿 or 报送清单 (the formset skips it).
    formset = DemandItemFormSet(prefix="items", queryset=DemandItem.objects.none())
    district_id = scope_for(request.user).district_id
    form = DemandItemForm(
        prefix=f"items-{raw}", empty_permitted=True, use_required_attribute=False, district_id=district_id
    )
    formset.add_fields(form, int(raw))
    form.number = int(raw) + 1
    return render(request, "demands/_demand_row.html", {"form": form})


# Resources -------------------------------------------------------------------------------------


@role_required()
def resource_list(request):
    scope = scope_for(request.user)
    mine = scope.is_secretary and request.GET.get("all") != "1"
    category = request.GET.get("category", "")
    q = request.GET.get("q", "").strip()[:50]
    items = resources_for(request.user, mine=mine, category=as_id(category), q=q)
    page = _page(request, items)
    context = {
        "page": page,
        "editable": list_services.editable_resource_ids(page.object_list, request.user),
        "mine": mine,
        "categories": ResourceCategory.objects.filter(active=True),
        "category": category,
        "q": q,
        "querystring": "&".join(
            p for p in [f"category={category}" if category else "", f"q={q}" if q else "", "" if mine else "all=1"] if p
        ),
    }
    if scope.is_secretary:
        secretary = secretary_of(request.user)
        collection_round = list_services.open_round_for(secretary.village.township.district_id)
        context["open_round"] = collection_round
        if collection_round:
            context["confirmed_at"] = (
                Submission.objects.filter(round=collection_round, village=secretary.village)
                .values_list("resources_confirmed_at", flat=True)
                .first()
            )
    return render(request, "demands/resource_list.html", context)


@role_required("org", "secretary")
def resource_create(request):
    form = ResourceForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        list_services.resource_save(form, request.user)
        messages.success(request, "资源已保存。")
        return redirect("demands:resource_list")
    return render(request, "demands/resource_form.html", {"form": form})


def _editable_resource(request, pk):
    item = get_object_or_404(ResourceItem.objects.for_user(request.user), pk=pk)
    if not list_services.resource_editable_by(item, request.user):
        raise PermissionDenied("只能修改自己或本派出单位的资源")
    return item


@role_required("org", "secretary")
def resource_edit(request, pk):
    item = _editable_resource(request, pk)
    form = ResourceForm(request.POST or None, instance=item, user=request.user)
    if request.method == "POST" and form.is_valid():
        list_services.resource_save(form, request.user)
        messages.success(request, "资源已更新。")
        return redirect("demands:resource_list")
    return render(request, "demands/resource_form.html", {"form": form, "item": item})


@require_POST
@role_required("org", "secretary")
def resource_delete(request, pk):
    item = _editable_resource(request, pk)
    if list_services.resource_delete(item):
        messages.success(request, "资源已删除。")
    else:
        messages.info(request, "该资源已对接需求，已改为“无效”而不是删除。")
    return redirect("demands:resource_list")


@require_POST
@role_required("secretary")
def resource_confirm(request):
    secretary = secretary_of(request.user)
    collection_round = list_services.open_round_for(secretary.village.township.district_id)
    count = list_services.resources_confirm(secretary, request.user, collection_round)
    messages.success(request, f"已确认{count}项资源为最新。")
    return redirect("demands:resource_list")


# Projects --------------------------------------------------------------------------------------


@role_required()
def project_list(request):
    status = request.GET.get("status", "")
    status = status if status in ProjectItem.Status.values else ""
    q = request.GET.get("q", "").strip()[:50]
    projects = projects_for(request.user, status=status, q=q)
    return render(
        request,
        "demands/project_list.html",
        {
            "page": _page(request, projects),
            "status": status,
            "statuses": ProjectItem.Status.choices,
            "q": q,
            "querystring": "&".join(p for p in [f"status={status}" if status else "", f"q={q}" if q else ""] if p),
            "can_create": scope_for(request.user).role in ("org", "township", "secretary"),
        },
    )


@role_required("org", "township", "secretary")
def project_create(request):
    form = ProjectForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        list_services.project_save(form, request.user)
        messages.success(request, "项目已保存。")
        return redirect("demands:project_list")
    return render(request, "demands/project_form.html", {"form": form})


@role_required("org", "township", "secretary")
def project_edit(request, pk):
    project = get_object_or_404(ProjectItem.objects.for_user(request.user), pk=pk)
    if not list_services.project_editable_by(project, request.user):
        raise PermissionDenied("只能修改本村或自己牵头的项目")
    form = ProjectForm(request.POST or None, instance=project, user=request.user)
    if request.method == "POST" and form.is_valid():
        list_services.project_save(form, request.user)
        messages.success(request, "项目已更新。")
        return redirect("demands:project_list")
    return render(request, "demands/project_form.html", {"form": form, "project": project})
