from django.urls import include, path

from dashboard import views

dashboard_patterns = [
    path("demands/", views.demands, name="demands"),
    path("missing/", views.missing, name="missing"),
    path("activities/", views.activities, name="activities"),
    path("shifts/", views.shifts, name="shifts"),
    path("resources/", views.resources, name="resources"),
    path("reports/round/<int:pk>/", views.round_report, name="round_report"),
    path("reports/round/<int:pk>/report.xlsx", views.round_report_xlsx, name="round_report_xlsx"),
    path("reports/monthly/", views.monthly_report, name="monthly_report"),
    path("reports/monthly/report.xlsx", views.monthly_report_xlsx, name="monthly_report_xlsx"),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("dashboard/", include((dashboard_patterns, "dashboard"))),
]
