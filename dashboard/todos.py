"""The to-do list at the top of each role's home: what is waiting for this login, in words, each
with the one button that does it (or opens the page where it is done).

Counts of the closed loop come from the work queue's own tabs (demands.selectors_loop.queue_tabs),
so a row and the tab it opens never disagree on what 待我办理 or 服务站承办 holds."""

from dataclasses import dataclass

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from core.scoping import scope_for
from core.text import clause
from dashboard.homes import membership_of
from dashboard.selectors import current_round, rounds_for
from demands.lifecycle import SUBMISSION_DONE
from demands.models import CollectionRound, Submission
from demands.selectors_loop import queue_tabs
from stations.models import DutyShift, SwapRequest
from teams.models import TeamActivity


@dataclass
class Todo:
    key: str  # the row's id on the page: todo-<key>
    title: str  # what to do, e.g. 填报本轮清单
    state: str  # where it stands, in words
    url: str = ""
    button: str = ""  # the button's words (none: nothing to press)
    post: bool = False  # the button does it at once (a POST form), e.g. 签到
    tone: str = "todo"  # todo (waiting for this login), urgent (late or sent back), done, idle
    count: int | None = None


def todos_for(user, today=None, dashboard=None, township_id=None):
    """The login's to-do list, by role; [] for a role without one. `dashboard` is the department's
    or township's dashboard data the page shows (narrowed to `township_id` when the department
    chose one): its overdue count is taken from there, so the department's home still reads no
    demand item (the stored counts, dashboard/summary.py). For an administrator (三员) it is the
    home's data (dashboard.homes.admin_home)."""
    scope = scope_for(user)
    today = today or timezone.localdate()
    if scope.is_secretary:
        return _secretary(user, scope, today)
    if scope.is_station_manager:
        return _station_manager(user, scope, today)
    if scope.is_township or scope.is_org:
        return _office(user, scope, today, dashboard or {}, township_id)
    if scope.is_admin:
        return ADMIN_TODOS[scope.role](dashboard or {})
    return []


# --- a first secretary ---------------------------------------------------------------------------


def _secretary(user, scope, today):
    todos = [_list_todo(user, scope, today), _activity_todo(user, scope)]
    shift = _shift_today(user, scope, today)
    if shift is not None:
        todos.append(shift)
    todos.append(_queue_todo(user, "mine", "去办理", overdue=True))
    to_rate = _queue_todo(user, "to_rate", "去评价")
    if to_rate and to_rate.count:
        todos.append(to_rate)
    return [todo for todo in todos if todo]


def deadline_words(deadline, today):
    """截止 12月15日（还剩 3 天）/（今天截止）/（已过截止日期）."""
    days = (deadline - today).days
    when = f"截止 {deadline.month}月{deadline.day}日"
    if days < 0:
        return f"{when}（已过截止日期）"
    if days == 0:
        return f"{when}（今天截止）"
    return f"{when}（还剩 {days} 天）"


def _list_todo(user, scope, today):
    title = "填报本轮清单"
    open_round = current_round(rounds_for(user))
    if not open_round or open_round["status"] != CollectionRound.Status.OPEN:
        return Todo("list", title, "目前没有征集中的轮次", tone="idle")
    submission = (
        Submission.objects.for_user(user)
        .filter(round_id=open_round["pk"], village_id__in=scope.village_ids)
        .only("pk", "status", "is_nil", "submitted_at", "return_reason")
        .first()
    )
    deadline = deadline_words(open_round["deadline"], today)
    late = open_round["deadline"] < today
    url = reverse("demands:submission_edit", args=[submission.pk]) if submission else reverse("demands:my_list")
    name = open_round["title"]
    if submission and submission.status in SUBMISSION_DONE:
        what = "本轮无新增需求" if submission.is_nil else submission.get_status_display()
        sent = ""
        if submission.submitted_at:
            at = timezone.localtime(submission.submitted_at)
            sent = f" · {at.month}月{at.day}日 {at:%H:%M}报送"
        return Todo("list", title, f"{name}：{what}{sent}", url, "查看本轮清单", tone="done")
    if submission and submission.status == Submission.Status.RETURNED:
        reason = clause(submission.return_reason)
        return Todo("list", title, f"{name}：已退回（{reason}），{deadline}", url, "修改后重新报送", tone="urgent")
    state = "草稿未报送" if submission else "尚未填报"
    return Todo("list", title, f"{name}：{state}，{deadline}", url, title, tone="urgent" if late else "todo")


def _activity_todo(user, scope):
    membership = membership_of(user, scope)
    if membership is None:
        return Todo("activity", "记录活动", "尚未加入先锋队，加入后可记录志愿服务活动", tone="idle")
    last = (
        TeamActivity.objects.for_user(user)
        .filter(team_id=membership.team_id)
        .order_by("-date", "-pk")
        .values_list("date", flat=True)
        .first()
    )
    state = f"{membership.team}最近一次活动：{last.month}月{last.day}日" if last else f"{membership.team}还没有活动记录"
    return Todo("activity", "记录活动", state, reverse("teams:activity_create"), "记录活动")


def _shift_today(user, scope, today):
    """今日值班签到, when the secretary is on the roster today."""
    shift = (
        DutyShift.objects.for_user(user)
        .on_duty(today)
        .filter(secretary_id=scope.secretary_id)
        .select_related("station")
        .first()
    )
    if shift is None:
        return None
    title = "今日值班签到"
    where = shift.station.name
    if shift.check_out_at:
        when = f"{timezone.localtime(shift.check_in_at):%H:%M}—{timezone.localtime(shift.check_out_at):%H:%M}"
        detail = reverse("stations:shift_detail", args=[shift.pk])
        return Todo("checkin", title, f"{where}：已签退（{when}）", detail, "查看值班记录", tone="done")
    if shift.check_in_at:
        url = reverse("stations:shift_check_out", args=[shift.pk])
        state = f"{where}：已签到 {timezone.localtime(shift.check_in_at):%H:%M}"
        return Todo("checkin", title, state, url, "签退", post=True, tone="done")
    if not shift.is_open:
        return None
    url = reverse("stations:shift_check_in", args=[shift.pk])
    return Todo("checkin", title, f"{where}：今天值班，尚未签到", url, "签到", post=True)


# --- the work queue ------------------------------------------------------------------------------


def _queue_todo(user, tab, button, *, overdue=False):
    """A to-do counted from the work queue's tab `tab` and named as the tab is
    (demands.selectors_loop.queue_tabs); None when the login's queue has no such tab."""
    found = next(((label, qs) for key, label, qs in queue_tabs(user) if key == tab), None)
    if found is None:
        return None
    title, items = found
    if overdue:
        counts = items.aggregate(n=Count("pk"), late=Count("pk", filter=Q(due_date__lt=timezone.localdate())))
        count, late = counts["n"], counts["late"]
    else:
        count, late = items.count(), 0
    url = f"{reverse('demands:queue')}?tab={tab}"
    if not count:
        return Todo(tab, title, "目前没有", url, "打开工作队列", tone="idle", count=0)
    state = f"{count} 件" + (f"，其中逾期 {late} 件" if late else "")
    return Todo(tab, title, state, url, button, tone="urgent" if late else "todo", count=count)


# --- a station manager ---------------------------------------------------------------------------


def _station_manager(user, scope, today):
    todos = [_duty_today(user, today, station_id=scope.station_id)]
    todos.append(_swaps_todo(user, station_id=scope.station_id))
    todos.append(_queue_todo(user, "station", "去办理", overdue=True))
    return [todo for todo in todos if todo]


def _duty_today(user, today, *, station_id=None):
    """今日值班: who is on duty today at the stations this login sees, and who has checked in."""
    shifts = DutyShift.objects.for_user(user).on_duty(today)
    if station_id is not None:
        shifts = shifts.filter(station_id=station_id)
    counts = shifts.aggregate(n=Count("pk"), checked_in=Count("pk", filter=Q(check_in_at__isnull=False)))
    url = reverse("stations:station_week", args=[station_id]) if station_id else reverse("stations:station_list")
    if not counts["n"]:
        return Todo("duty", "今日值班", "今天没有值班安排", url, "查看值班表", tone="idle", count=0)
    waiting = counts["n"] - counts["checked_in"]
    state = f"{counts['n']} 人值班，已签到 {counts['checked_in']} 人" + (f"，{waiting} 人尚未签到" if waiting else "")
    return Todo("duty", "今日值班", state, url, "查看值班表", tone="todo" if waiting else "done", count=counts["n"])


def _swaps_todo(user, *, station_id=None):
    swaps = SwapRequest.objects.for_user(user).filter(status=SwapRequest.Status.ACCEPTED)
    if station_id is not None:
        swaps = swaps.filter(shift__station_id=station_id)
    count = swaps.count()
    url = reverse("stations:swap_list")
    if not count:
        return Todo("swaps", "待审批的调班", "目前没有", url, "查看调班申请", tone="idle", count=0)
    return Todo("swaps", "待审批的调班", f"{count} 件，双方已同意，等待审批", url, "审批调班", count=count)


# --- township staff and the department ----------------------------------------------------------


def _office(user, scope, today, dashboard, township_id):
    todos = [_review_todo(user, today)]
    if scope.is_org:
        # Counting 待接单 would scan the demand items; the queue counts them when opened.
        url = f"{reverse('demands:queue')}?tab=to_accept"
        todos.append(Todo("to_accept", "待接单", "各村报送的需求，在工作队列中接单或退回", url, "去接单"))
    else:
        todos.append(_queue_todo(user, "to_accept", "去接单"))  # only when TOWNSHIP_MAY_DISPATCH
    todos.append(_overdue_todo(dashboard, township_id))
    todos.append(_duty_today(user, today))
    if scope.is_org:
        todos.append(_swaps_todo(user))
    return [todo for todo in todos if todo]


def _overdue_todo(dashboard, township_id):
    """逾期未办结: the dashboard's supervision figure (its drill-down lists the same items)."""
    count = (dashboard.get("supervision") or {}).get("count")
    if count is None:
        return None
    url = f"{reverse('dashboard:demands')}?overdue=1" + (f"&township={township_id}" if township_id else "")
    if not count:
        return Todo("overdue", "逾期未办结", "目前没有", url, "查看", tone="idle", count=0)
    return Todo("overdue", "逾期未办结", f"{count} 件需求已过办理期限", url, "督促办理", tone="urgent", count=count)


def _review_todo(user, today):
    """待审核的清单: the open round's lists that were sent and wait for 接收 or 退回."""
    title = "待审核的清单"
    open_round = current_round(rounds_for(user))
    if not open_round or open_round["status"] != CollectionRound.Status.OPEN:
        return Todo("review", title, "目前没有征集中的轮次", tone="idle")
    counts = (
        Submission.objects.for_user(user)
        .filter(round_id=open_round["pk"])
        .aggregate(waiting=Count("pk", filter=Q(status=Submission.Status.SUBMITTED)))
    )
    url = reverse("demands:round_detail", args=[open_round["pk"]])
    deadline = deadline_words(open_round["deadline"], today)
    if not counts["waiting"]:
        return Todo(
            "review", title, f"{open_round['title']}：没有待审核的清单，{deadline}", url, "查看本轮", tone="idle"
        )
    state = f"{open_round['title']}：{counts['waiting']} 个村的清单已报送，等待接收或退回；{deadline}"
    return Todo("review", title, state, url, "审核清单", count=counts["waiting"])


# --- the administrators (三员) -----------------------------------------------------------------


def _counted(key, title, count, some, none, url, button, *, tone="todo"):
    """A row that waits only when `count` is not 0."""
    if not count:
        return Todo(key, title, none, url, "查看", tone="idle", count=0)
    return Todo(key, title, some.format(count=count), url, button, tone=tone, count=count)


def _sysadmin(home):
    logins = reverse("accounts:login_list")
    if home.get("expiry_days"):
        expiring = _counted(
            "expiring",
            "密码即将过期的账号",
            home.get("expiring_count", 0),
            "{count} 个账号的密码将在两周内过期或已过期，请提醒本人及时修改",
            f"没有两周内到期的密码（有效期 {home['expiry_days']} 天）",
            logins,
            "查看账号",
        )
    else:
        expiring = Todo("expiring", "密码即将过期的账号", "未设置密码有效期（PASSWORD_MAX_AGE_DAYS=0）", tone="idle")
    return [
        _counted(
            "new-logins",
            "为新任第一书记开通账号",
            home.get("without_login", 0),
            "{count} 名在岗第一书记还没有账号",
            "在岗第一书记都已有账号",
            reverse("accounts:bulk_create"),
            "批量开通",
        ),
        _counted(
            "locked",
            "被锁定的账号",
            home.get("locked_count", 0),
            "{count} 个账号因多次输错密码被锁定，核实本人后解锁",
            "没有被锁定的账号",
            logins,
            "去解锁",
            tone="urgent",
        ),
        _counted(
            "initial",
            "尚未修改初始密码的账号",
            home.get("initial_count", 0),
            "{count} 个账号还在用初始密码（首次登录时会被要求修改）",
            "所有账号都已修改初始密码",
            logins,
            "查看账号",
        ),
        expiring,
        _counted(
            "disabled",
            "已停用的账号",
            home.get("disabled_count", 0),
            "{count} 个账号已停用（期满、召回、长期未登录或由管理员停用），需要时可重新启用",
            "没有停用的账号",
            f"{logins}?status=disabled",
            "查看",
            tone="idle",
        ),
    ]


def _secadmin(home):
    url = reverse("admin:secretaries_staffprofile_changelist")
    counts = "、".join(f"{label} {n}" for label, n in home.get("role_counts", []))
    return [
        Todo(
            "roles",
            "核对账号的角色与范围",
            f"本区共 {home.get('login_total', 0)} 个账号：{counts or '无'}",
            url,
            "角色与范围",
        ),
        _counted(
            "admin-otp",
            "管理员未启用两步验证",
            home.get("admins_without_otp", 0),
            "{count} 个管理员账号还没有启用两步验证（下次登录时须先启用）",
            "本区管理员账号都已启用两步验证",
            url,
            "查看",
            tone="urgent",
        ),
    ]


def _auditadmin(home):
    since = home.get("since")
    start = f"&start={since:%Y-%m-%d}" if since else ""
    url = reverse("audit:entry_list")
    return [
        _counted(
            "failures",
            "近7天的失败操作",
            home.get("failure_count", 0),
            "{count} 条失败记录（登录失败、两步验证失败、被拒绝的操作等），请逐条核查",
            "近7天没有失败记录",
            f"{url}?result=failure{start}",
            "查看失败记录",
            tone="urgent",
        ),
        _counted(
            "lockouts",
            "近7天的账号锁定",
            home.get("lockout_count", 0),
            "{count} 次因多次输错密码锁定",
            "近7天没有账号被锁定",
            f"{url}?action=lockout{start}",
            "查看锁定记录",
            tone="urgent",
        ),
        Todo(
            "trail",
            "审计日志",
            f"近7天共 {home.get('entry_count', 0)} 条记录，可按时间、用户、操作筛选并导出",
            url,
            "打开审计日志",
            tone="idle",
        ),
    ]


ADMIN_TODOS = {"sysadmin": _sysadmin, "secadmin": _secadmin, "auditadmin": _auditadmin}
