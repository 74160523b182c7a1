"""Send a login with something pending (accounts.policy) to the page that settles it."""

from django.shortcuts import redirect

from accounts.policy import ENROL_OTP, PASSWORD_REASONS, PENDING_KEY

# Pages a login with something pending may still open (by URL name).
ALWAYS_OPEN = {
    "login",
    "logout",
    "password_change",
    "password_change_done",
    "healthz",
    "accounts:security",
    "accounts:login_otp",
    "admin:jsi18n",
}


class AccountPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not request.user.is_authenticated:
            return None
        pending = request.session.get(PENDING_KEY)
        if not pending or request.resolver_match.view_name in ALWAYS_OPEN:
            return None
        if any(reason in PASSWORD_REASONS for reason in pending):
            return redirect("password_change")
        if ENROL_OTP in pending:
            return redirect("accounts:security")
        return None
