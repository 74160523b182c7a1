from django.urls import path

from teams import views, views_evaluation, views_groups

app_name = "teams"
urlpatterns = [
    path("", views.team_list, name="team_list"),
    path("new/", views.team_edit, name="team_create"),
    path("split/", views.team_split, name="team_split"),
    path("<int:pk>/", views.team_detail, name="team_detail"),
    path("<int:pk>/edit/", views.team_edit, name="team_edit"),
    path("<int:pk>/members/add/", views.member_add, name="member_add"),
    path("members/<int:pk>/", views.member_edit, name="member_edit"),
    path("<int:pk>/people/add/", views_groups.person_add, name="person_add"),
    path("<int:pk>/partners/add/", views_groups.partner_add, name="partner_add"),
    path("presets/", views_groups.presets, name="presets"),
    path("activities/", views.activity_list, name="activity_list"),
    path("activities/new/", views.activity_edit, name="activity_create"),
    path("activities/export.xlsx", views.activity_export, name="activity_export"),
    path("activities/stats/", views.activity_stats, name="activity_stats"),
    path("activities/<int:pk>/", views.activity_detail, name="activity_detail"),
    path("activities/<int:pk>/edit/", views.activity_edit, name="activity_edit"),
    path("activities/<int:pk>/delete/", views.activity_delete, name="activity_delete"),
    path("photos/<int:pk>/", views.photo_view, name="photo"),
    path("photos/<int:pk>/delete/", views.photo_delete, name="photo_delete"),
    path("meetings/", views.meeting_list, name="meeting_list"),
    path("meetings/new/", views.meeting_edit, name="meeting_create"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("meetings/<int:pk>/edit/", views.meeting_edit, name="meeting_edit"),
    path("meetings/<int:pk>/decisions/", views.decision_add, name="decision_add"),
    path("decisions/<int:pk>/convert/", views.decision_convert, name="decision_convert"),
    path("ranking/", views_evaluation.ranking, name="ranking"),
    path("evaluation/", views_evaluation.evaluation, name="evaluation"),
    path("evaluation/export.xlsx", views_evaluation.evaluation_export, name="evaluation_export"),
    path("evaluation/awards/", views_evaluation.award_add, name="award_add"),
    path("evaluation/awards/<int:pk>/delete/", views_evaluation.award_delete, name="award_delete"),
    path("evaluation/awards/best/", views_evaluation.best_awards, name="best_awards"),
    path("scoring/", views_evaluation.scoring_rules, name="scoring_rules"),
]
