# URLs of the closed loop and supervision list (issue 4). Names live in the "demands" namespace.
from django.urls import path

from demands import views_loop as views

urlpatterns: list = [
    path("queue/", views.queue, name="queue"),
    path("items/<int:pk>/", views.item_detail, name="item_detail"),
    path("items/<int:pk>/candidates/", views.item_candidates, name="item_candidates"),
    path("items/<int:pk>/candidates.json", views.item_candidates_json, name="item_candidates_json"),
    path("items/<int:pk>/<slug:step>/", views.item_step, name="item_step"),
    path("cobuild/", views.cobuild_list, name="cobuild_list"),
    path("cobuild/export.xlsx", views.cobuild_export, name="cobuild_export"),
    path("supervision/", views.supervision_list, name="supervision_list"),
    path("supervision/export.xlsx", views.supervision_export, name="supervision_export"),
]
