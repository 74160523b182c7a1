from django.urls import include, path

from dashboard import views, views_city

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

city_patterns = [
    path("", views_city.city_home, name="home"),
    path("districts/<int:pk>/", views_city.city_district, name="district"),
    path("districts/<int:pk>/reports/round/<int:round_pk>/", views_city.city_round_report, name="round_report"),
    path(
        "districts/<int:pk>/reports/round/<int:round_pk>/report.xlsx",
        views_city.city_round_report_xlsx,
        name="round_report_xlsx",
    ),
    path("districts/<int:pk>/reports/monthly/", views_city.city_monthly_report, name="monthly_report"),
    path("districts/<int:pk>/demands/", views_city.city_demands, name="demands"),
    path("districts/<int:pk>/missing/", views_city.city_missing, name="missing"),
    path("districts/<int:pk>/activities/", views_city.city_activities, name="activities"),
    path("districts/<int:pk>/shifts/", views_city.city_shifts, name="shifts"),
    path("districts/<int:pk>/resources/", views_city.city_resources, name="resources"),
    path(
        "districts/<int:pk>/reports/monthly/report.xlsx",
        views_city.city_monthly_report_xlsx,
        name="monthly_report_xlsx",
    ),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("dashboard/", include((dashboard_patterns, "dashboard"))),
    path("city/", include((city_patterns, "city"))),
]
