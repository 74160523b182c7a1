"""Background import jobs (core.models.ImportJob): a large upload's preview or confirm runs in a
Celery worker while the page polls the job. The job's state lives in the database, so the page
tells a finished job from a running one, and one whose worker died from one still working.

    job = job_create(kind, action, user, token, total, options)  # the view, then enqueue_on_commit
    job = job_claim(job_id)                                      # the task: None when nothing to do
    job_run(job, lambda progress, before_commit: ...)            # runs the import, records its end
    job_progress(job, 0.4); job_finish(job, outcome) / job_fail(job, "…")
    fail_stale_jobs()                                            # the page, when it polls"""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from core.importing import ImportFileError, ImportOutcome, audit_import, import_detail, preview_discard
from core.models import ImportJob
from core.scoping import scope_for
from core.tasks import TRANSIENT_ERRORS

STALE_MESSAGE = (
    "后台导入任务超过 {minutes} 分钟没有进展（可能是后台服务重启），已停止，没有写入任何数据。请重新上传文件。"
)


def job_create(kind, action, user, token, total, options=None, *, label="", filename=""):
    """A queued job. `label` names the list in Chinese and `filename` the upload, for the audit
    entry of its confirm (the same words as a confirm run on the page: import_detail)."""
    options = {**(options or {}), **({"label": label} if label else {}), **({"filename": filename} if filename else {})}
    return ImportJob.objects.create(
        kind=kind,
        action=action,
        user=user,
        district_id=scope_for(user).district_id,
        token=token,
        total=total,
        options=options,
    )


def job_claim(job_id):
    """The job to run, marked running; None when it is finished already (a redelivered task).
    Raises ValueError (Chinese) for an id that names no job: a task called with bad arguments."""
    try:
        pk = int(job_id)
    except (TypeError, ValueError):
        raise ValueError(f"导入任务编号无效：{job_id!r}") from None
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().filter(pk=pk).first()
        if job is None:
            raise ValueError(f"导入任务 {pk} 不存在")
        if job.finished:
            return None
        job.status = ImportJob.Status.RUNNING
        job.save(update_fields=["status", "updated_at"])
    return job


class JobAbandoned(Exception):
    """The job was reported failed (stale) while it ran: its writes are undone."""


def job_run(job, work):
    """Run a claimed job's import, `work(progress, before_commit)` -> its outcome, and record how it
    ended. A confirm's outcome is stored inside the writes' transaction (`before_commit`), so a job
    reported stale meanwhile has its writes undone; its stored file is discarded either way. An
    unusable file (ImportFileError) fails the job; a database or broker outage is raised for the
    task to retry (nothing was written). Returns the outcome, or None when the job failed."""
    confirm = job.action == ImportJob.Action.CONFIRM

    def finish_with_the_writes(outcome):
        if ImportJob.objects.select_for_update().get(pk=job.pk).status != ImportJob.Status.RUNNING:
            raise JobAbandoned
        job_finish(job, outcome)

    try:
        outcome = work(lambda share: job_progress(job, share), finish_with_the_writes if confirm else None)
    except ImportFileError as exc:
        job_fail(job, f"导入失败，没有写入任何数据：{exc}")
        return None
    except JobAbandoned:
        return None
    except TRANSIENT_ERRORS:
        raise  # the task retries; nothing was written
    except Exception:
        job_fail(job, "导入时发生内部错误，没有写入任何数据。请稍后重试，或联系系统管理员")
        raise
    finally:
        if confirm:
            preview_discard(job.token)
    if not (confirm and outcome.ok):
        job_finish(job, outcome)
    return outcome


def job_progress(job, share):
    """Record how far the job is (0…1); it also shows the job is alive."""
    percent = max(0, min(100, int(share * 100)))
    ImportJob.objects.filter(pk=job.pk).update(progress=percent, updated_at=timezone.now())


def job_finish(job, outcome):
    """Store the outcome (an ImportOutcome, or anything with its `as_json()` holding "errors"):
    row errors apart, the rest as the result."""
    result = outcome.as_json()
    job.errors = result.pop("errors")
    job.result = result
    job.status = ImportJob.Status.DONE
    job.progress = 100
    job.finished_at = timezone.now()
    job.save(update_fields=["errors", "result", "status", "progress", "finished_at", "updated_at"])
    if job.action == ImportJob.Action.CONFIRM:
        # People imports count new and updated rows (totals); a round upload counts per list (created).
        totals = getattr(outcome, "totals", None) or {}
        created = getattr(outcome, "created", None)
        rows = totals.get("new", 0) + totals.get("update", 0) + sum((created or {}).values())
        detail = import_detail(
            _label(job), ok=outcome.ok, totals=totals, created=created,
            errors=len(outcome.errors),
        )  # fmt: skip
        audit_import(file=_file(job), rows=rows, ok=outcome.ok, detail=detail, obj=job, user=job.user, background=True)


def job_fail(job, message):
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJob.Status.FAILED, message=message, finished_at=timezone.now(), updated_at=timezone.now()
    )
    if job.action == ImportJob.Action.CONFIRM:
        detail = import_detail(_label(job), ok=False, reason=message)
        audit_import(file=_file(job), rows=0, ok=False, detail=detail, obj=job, user=job.user, background=True)


def _label(job):
    """The list the job imports, named in Chinese as the page names it (job_create's `label`)."""
    return (job.options or {}).get("label") or job.kind


def _file(job):
    return (job.options or {}).get("filename") or "upload.xlsx"


def job_outcome(job, kind=ImportOutcome):
    """The finished job's outcome (an ImportOutcome, or `kind` rebuilt by its from_json), or None."""
    if job.result is None:
        return None
    return kind.from_json({**job.result, "errors": job.errors})


def fail_stale_jobs():
    """Mark failed every job that has not moved for IMPORT_JOB_TIMEOUT_MINUTES (its worker died
    or never took it); returns how many. Its confirm wrote nothing: the writes are one transaction."""
    minutes = settings.IMPORT_JOB_TIMEOUT_MINUTES
    cutoff = timezone.now() - timedelta(minutes=minutes)
    return (
        ImportJob.objects.active()
        .filter(updated_at__lt=cutoff)
        .update(
            status=ImportJob.Status.FAILED,
            message=STALE_MESSAGE.format(minutes=minutes),
            finished_at=timezone.now(),
            updated_at=timezone.now(),
        )
    )
