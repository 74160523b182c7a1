from django.urls import path

from secretaries import views, views_reserve

app_name = "secretaries"
urlpatterns = [
    path("", views.secretary_list, name="secretary_list"),
    path("new/", views.secretary_create, name="secretary_create"),
    path("export.xlsx", views.secretary_export, name="secretary_export"),
    path("<int:pk>/", views.secretary_detail, name="secretary_detail"),
    path("<int:pk>/edit/", views.secretary_edit, name="secretary_edit"),
    path("villages/", views.village_list, name="village_list"),
    path("villages/new/", views.village_create, name="village_create"),
    path("villages/export.xlsx", views.village_export, name="village_export"),
    path("villages/<int:pk>/", views.village_detail, name="village_detail"),
    path("villages/<int:pk>/edit/", views.village_edit, name="village_edit"),
    path("villages/<int:pk>/reserve/", views_reserve.reserve_list, name="reserve_list"),
    path("villages/<int:pk>/reserve/new/", views_reserve.reserve_create, name="reserve_create"),
    path("reserve/", views_reserve.reserve_overview, name="reserve_overview"),
    path("reserve/<int:pk>/edit/", views_reserve.reserve_edit, name="reserve_edit"),
    path("townships/", views.township_list, name="township_list"),
    path("townships/<int:pk>/", views.township_detail, name="township_detail"),
    path("units/", views.unit_list, name="unit_list"),
    path("units/new/", views.unit_create, name="unit_create"),
    path("units/export.xlsx", views.unit_export, name="unit_export"),
    path("units/<int:pk>/edit/", views.unit_edit, name="unit_edit"),
    path("import/<slug:kind>/", views.import_upload, name="import_upload"),
    path("import/<slug:kind>/confirm/", views.import_confirm, name="import_confirm"),
    path("import/<slug:kind>/jobs/<int:pk>/", views.import_job, name="import_job"),
    path("import/<slug:kind>/template.xlsx", views.import_template, name="import_template"),
]
