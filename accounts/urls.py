from django.urls import path

from accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/otp/", views.login_otp, name="login_otp"),
    path("security/", views.security, name="security"),
    path("manage/", views.login_list, name="login_list"),
    path("manage/new/", views.bulk_create, name="bulk_create"),
] + [
    path(f"manage/<int:pk>/{action}/", views.login_action, {"action": action}, name=f"login_{action}")
    for action in ("disable", "enable", "unlock", "reset", "reset_otp")
]
