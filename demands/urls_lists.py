# URLs of the lists and collection rounds (issue 3). Names live in the "demands" namespace.
from django.urls import path

from demands import views_four_lists, views_review
from demands import views_lists as views

urlpatterns: list = [
    path("rounds/", views.round_list, name="round_list"),
    path("rounds/new/", views.round_create, name="round_create"),
    path("rounds/completeness/", views.round_completeness_current, name="round_completeness_current"),
    path("rounds/<int:pk>/", views.round_detail, name="round_detail"),
    path("rounds/<int:pk>/open/", views.round_open, name="round_open"),
    path("rounds/<int:pk>/close/", views.round_close, name="round_close"),
    path("rounds/<int:pk>/completeness/", views.round_completeness, name="round_completeness"),
    path("rounds/<int:pk>/template.xlsx", views.round_template, name="round_template"),
    path("rounds/<int:pk>/export.xlsx", views.round_export, name="round_export"),
    path("rounds/<int:pk>/upload/", views.round_upload, name="round_upload"),
    path("rounds/<int:pk>/upload/confirm/", views.round_upload_confirm, name="round_upload_confirm"),
    path("rounds/<int:pk>/upload/jobs/<int:job_pk>/", views.round_upload_job, name="round_upload_job"),
    path("rounds/<int:pk>/review/", views_review.round_review, name="round_review"),
    path("rounds/<int:pk>/review/accept/", views_review.review_accept, name="review_accept"),
    path("rounds/<int:pk>/review/<int:submission_pk>/return/", views_review.review_return, name="review_return"),
    path("my-list/", views.my_list, name="my_list"),
    path("submissions/<int:pk>/", views.submission_edit, name="submission_edit"),
    path("submissions/<int:pk>/autosave/", views.submission_autosave, name="submission_autosave"),
    path("submissions/<int:pk>/paste/", views.submission_paste, name="submission_paste"),
    path("submissions/<int:pk>/return/", views.submission_return, name="submission_return"),
    path("submissions/<int:pk>/accept/", views.submission_accept, name="submission_accept"),
    path("lists/row/", views.demand_row, name="demand_row"),
    path("resources/", views.resource_list, name="resource_list"),
    path("resources/new/", views.resource_create, name="resource_create"),
    path("resources/confirm/", views.resource_confirm, name="resource_confirm"),
    path("resources/<int:pk>/edit/", views.resource_edit, name="resource_edit"),
    path("resources/<int:pk>/delete/", views.resource_delete, name="resource_delete"),
    path("projects/", views.project_list, name="project_list"),
    path("projects/new/", views.project_create, name="project_create"),
    path("projects/<int:pk>/edit/", views.project_edit, name="project_edit"),
    path("four-lists/", views_four_lists.four_lists, name="four_lists"),
    path("four-lists/supervision.xlsx", views_four_lists.four_lists_export, name="four_lists_export"),
]
