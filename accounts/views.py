"""Login (with the second step for two-factor logins), password change, the account's security
page (two-factor enrolment), and the administrator's pages: logins, bulk creation, slips."""

import time
from base64 import b32encode

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.urls import reverse_lazy
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.plugins.otp_static.models import StaticToken

from accounts import services
from accounts.access import can_manage_logins
from accounts.forms import (
    EnrolConfirmForm,
    LoginFilterForm,
    MemberLoginsForm,
    OtpTokenForm,
    SecretaryLoginsForm,
    StaffLoginsForm,
)
from accounts.policy import (
    ENROL_MESSAGE,
    ENROL_OTP,
    PASSWORD_REASONS,
    PENDING_KEY,
    otp_required,
    pending_password_message,
    pending_remove,
)
from accounts.selectors import login_rows, logins_for
from core.access import scope_required
from core.scoping import ROLE_MEMBER, ROLE_SECRETARY, ROLE_STATION, ROLE_TOWNSHIP, scope_for
from core.signals import audit
from secretaries.forms import LoginForm

OTP_PENDING_KEY = "otp_pending_login"
OTP_PENDING_SECONDS = 300
OTP_MAX_TRIES = 5
MANAGE_MESSAGE = "仅系统管理员或区委组织部可以管理账号"
manager_required = scope_required(can_manage_logins, MANAGE_MESSAGE)


# Login and the second step ------------------------------------------------------------------------


class LoginView(auth_views.LoginView):
    """The password first; a login with a confirmed two-factor device is not logged in yet but
    asked for its code on the next page."""

    authentication_form = LoginForm
    redirect_authenticated_user = True
    pending_user = None  # the login whose password was right, before its second step

    def get_default_redirect_url(self):
        """The administrators (三员) have no business home page: each lands on its own tool."""
        scope = scope_for(self.pending_user or self.request.user)
        if scope.is_sysadmin:
            return resolve_url("accounts:login_list")
        if scope.is_auditadmin:
            return resolve_url("audit:entry_list")
        if scope.is_admin:
            return resolve_url("admin:index")
        return super().get_default_redirect_url()

    def form_valid(self, form):
        user = self.pending_user = form.get_user()
        if not user_has_device(user, confirmed=True):
            return super().form_valid(form)
        self.request.session[OTP_PENDING_KEY] = {
            "user": user.pk,
            "backend": user.backend,
            "next": self.get_success_url(),
            "since": time.time(),
            "tries": 0,
        }
        return redirect("accounts:login_otp")


def login_otp(request):
    pending = request.session.get(OTP_PENDING_KEY)
    if not pending or time.time() - pending["since"] > OTP_PENDING_SECONDS:
        request.session.pop(OTP_PENDING_KEY, None)
        messages.error(request, "请重新输入用户名和密码（验证码须在 5 分钟内输入）。")
        return redirect("login")
    user = get_object_or_404(get_user_model(), pk=pending["user"], is_active=True)
    form = OtpTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device, throttled = services.otp_verify(user, form.cleaned_data["token"])
        if device is not None:
            del request.session[OTP_PENDING_KEY]
            auth_login(request, user, backend=pending["backend"])
            otp_login(request, device)
            if device.name == services.RECOVERY_NAME:
                left = StaticToken.objects.filter(device__user=user).count()
                audit("account.recovery_code_used", request=request, obj=user, detail=f"剩余 {left} 个")
                messages.warning(request, f"您使用了一个恢复码，还剩 {left} 个。请尽快在“账号安全”中重新生成。")
            return redirect(pending["next"])
        if throttled:
            form.add_error("token", "尝试过于频繁，请等几秒后再输入。")
            return render(request, "accounts/login_otp.html", {"form": form})
        pending["tries"] += 1
        request.session[OTP_PENDING_KEY] = pending
        audit("login.otp_failed", request=request, obj=user, result="failure")
        if pending["tries"] >= OTP_MAX_TRIES:
            del request.session[OTP_PENDING_KEY]
            messages.error(request, "验证码错误次数过多，请重新登录。")
            return redirect("login")
        form.add_error("token", "验证码不正确或已过期，请重新输入。")
    return render(request, "accounts/login_otp.html", {"form": form})


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's page, which also says why a change is required and clears that requirement."""

    success_url = reverse_lazy("password_change_done")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["required_reason"] = pending_password_message(self.request.session.get(PENDING_KEY, []))
        return context

    def form_invalid(self, form):
        audit(
            "account.password_change",
            request=self.request,
            obj=self.request.user,
            result="failure",
            detail="原密码错误或新密码不符合要求",
        )
        return super().form_invalid(form)

    def form_valid(self, form):
        forced = bool(pending_password_message(self.request.session.get(PENDING_KEY, [])))
        response = super().form_valid(form)
        services.password_changed(self.request, forced=forced)
        pending_remove(self.request, *PASSWORD_REASONS)
        if self.request.session.get(PENDING_KEY):
            return redirect("accounts:security")
        return response


# The account's own security page -----------------------------------------------------------------


def qr_svg(text):
    """The QR code of `text` as inline SVG markup (drawn on the server; no script)."""
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=18, border=2)
    svg = image.to_string(encoding="unicode")
    return svg[svg.index("<svg") :]


def grouped(text, size=4):
    return " ".join(text[i : i + size] for i in range(0, len(text), size))


@login_required
def security(request):
    """Two-factor login: set up (QR code + secret, then one code), renew recovery codes, remove."""
    user = request.user
    enrolled = user_has_device(user, confirmed=True)
    context = {
        "enrolled": enrolled,
        "required": otp_required(user),
        "must_enrol": ENROL_OTP in request.session.get(PENDING_KEY, []),
        "enrol_message": ENROL_MESSAGE,
        "codes_left": StaticToken.objects.filter(device__user=user).count(),
    }
    action = request.POST.get("action") if request.method == "POST" else None
    if action == "remove" and enrolled:
        if context["required"]:
            messages.error(request, "您的账号必须使用两步验证，不能停用。更换手机请重新设置。")
        else:
            services.otp_remove(user, request=request)
            messages.success(request, "已停用两步验证。")
        return redirect("accounts:security")
    if action == "renew_codes" and enrolled:
        codes = services.recovery_codes_make(user)
        audit("account.recovery_codes_renew", request=request, obj=user)
        return render(request, "accounts/recovery_codes.html", {"codes": codes})
    if action in ("start", "confirm"):
        device = services.otp_device_pending(user)
        form = EnrolConfirmForm(request.POST if action == "confirm" else None)
        if form.is_valid():
            if device.verify_token(form.cleaned_data["token"]):
                codes = services.otp_enrol_confirm(device, request=request)
                otp_login(request, device)
                pending_remove(request, ENROL_OTP)
                return render(request, "accounts/recovery_codes.html", {"codes": codes, "enrolled_now": True})
            form.add_error("token", "验证码不正确：请确认手机时间准确，并输入当前显示的 6 位数字。")
        context.update(
            form=form,
            qr=qr_svg(device.config_url),
            secret=grouped(b32encode(device.bin_key).decode()),
            issuer=settings.OTP_TOTP_ISSUER,
        )
        return render(request, "accounts/enrol.html", context)
    return render(request, "accounts/security.html", context)


# The administrator's pages ------------------------------------------------------------------------


@manager_required
def login_list(request):
    form = LoginFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    users = logins_for(request.user, **filters)
    page = Paginator(users, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "accounts/login_list.html",
        {"form": form, "page": page, "rows": login_rows(page.object_list), "querystring": request.GET.urlencode()},
    )


@require_POST
@manager_required
def login_action(request, pk, action):
    user = get_object_or_404(logins_for(request.user), pk=pk)
    if user == request.user and action in ("disable", "reset", "reset_otp"):
        messages.error(request, "不能对自己的账号执行此操作（请在“账号安全”或“修改密码”中办理）。")
        return redirect("accounts:login_list")
    name = user.get_full_name() or user.get_username()
    if action == "disable":
        services.login_disable(user, "管理员停用", request=request)
        messages.success(request, f"已停用 {name} 的账号，其登录已全部退出。")
    elif action == "enable":
        try:
            services.login_enable(user, request=request)
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
            messages.success(request, f"已启用 {name} 的账号。")
    elif action == "unlock":
        services.login_unlock(user, request=request)
        messages.success(request, f"已解除 {name} 的登录锁定。")
    elif action == "reset_otp":
        services.otp_remove(user, request=request)
        messages.success(request, f"已清除 {name} 的两步验证设置，其下次登录后须重新设置（如为必须）。")
    elif action == "reset":
        password = services.password_reset(user, request=request)
        login = services.CreatedLogin(entry=entry_of(user), user=user, password=password)
        return deliver(request, [login], request.POST.get("delivery", "slip"))
    else:
        raise ValueError(action)
    return redirect("accounts:login_list")


def entry_of(user):
    profile = getattr(user, "staff_profile", None)
    secretary = getattr(user, "secretary", None)
    member = getattr(user, "group_member", None)
    phone = (secretary.phone if secretary else "") or (profile.phone if profile else "")
    return services.NewLogin(
        name=user.get_full_name() or user.get_username(),
        phone=phone,
        role=profile.role if profile else "",
        township=profile.township if profile else None,
        station=profile.station if profile else None,
        secretary=secretary,
        district=profile.district if profile else None,
        member=member,
    )


BULK_KINDS = {
    ROLE_SECRETARY: "第一书记",
    ROLE_TOWNSHIP: "乡镇（街道）工作人员",
    ROLE_STATION: "服务站负责人",
    ROLE_MEMBER: "队伍成员（非第一书记）",
}


@manager_required
def bulk_create(request):
    kind = request.GET.get("kind", ROLE_SECRETARY)
    if kind not in BULK_KINDS:
        kind = ROLE_SECRETARY
    data = request.POST if request.method == "POST" else None
    if kind == ROLE_SECRETARY:
        form = SecretaryLoginsForm(data, secretaries=services.secretaries_without_login(request.user))
    elif kind == ROLE_MEMBER:
        form = MemberLoginsForm(data, members=services.members_without_login(request.user))
    else:
        form = StaffLoginsForm(data, role=kind, user=request.user)
    if form.is_valid():
        if kind == ROLE_SECRETARY:
            entries = services.secretary_entries(form.cleaned_data["secretaries"])
        elif kind == ROLE_MEMBER:
            entries = services.member_entries(form.cleaned_data["members"])
        else:
            entries = form.entries()
        created = services.logins_create(entries, request=request)
        return deliver(request, created, form.cleaned_data["delivery"])
    return render(request, "accounts/bulk_create.html", {"form": form, "kind": kind, "kinds": BULK_KINDS})


def deliver(request, created, delivery):
    """Text the passwords (when asked and a phone is known) and print the rest as slips: the page
    answering the POST is the only place an initial password is ever shown."""
    if delivery == "sms":
        services.initial_passwords_send(created)
    slips = [login for login in created if not login.sms_sent]
    return render(
        request,
        "accounts/slips.html",
        {
            "created": created,
            "sent": [login for login in created if login.sms_sent],
            "slips": slips,
            "site_url": settings.SITE_URL,
        },
    )
