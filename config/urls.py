from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView
from django.views.static import serve

from accounts import views as account_views
from config import views

admin.site.site_header = "第一书记组团服务平台 · 管理后台"
admin.site.site_title = "第一书记组团服务平台"
admin.site.index_title = "数据管理"

urlpatterns = [
    path("", include("dashboard.urls")),
    path("healthz", views.healthz, name="healthz"),
    path("sw.js", views.service_worker, name="service_worker"),
    path("offline/", views.offline, name="offline"),
    path("favicon.ico", views.favicon),
    path("system/status/", views.system_status, name="system_status"),
    path("accounts/login/", account_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", account_views.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("accounts/", include("accounts.urls")),
    path("secretaries/", include("secretaries.urls")),
    path("demands/", include("demands.urls")),
    path("teams/", include("teams.urls")),
    path("stations/", include("stations.urls")),
    path("notices/", include("notices.urls")),
    # One login page for the whole site: the admin's own would skip the two-factor step.
    path("admin/login/", RedirectView.as_view(pattern_name="login", query_string=True)),
    path("audit/", include("audit.urls")),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    urlpatterns += [path("media/<path:path>", serve, {"document_root": settings.MEDIA_ROOT})]

handler404 = "config.views.not_found"
handler403 = "config.views.forbidden"
handler500 = "config.views.server_error"
