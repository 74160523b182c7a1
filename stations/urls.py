from django.urls import path

from stations import views

app_name = "stations"
urlpatterns = [
    path("", views.station_list, name="station_list"),
    path("overview/", views.overview, name="overview"),
    path("<int:pk>/", views.station_week, name="station_week"),
    path("<int:pk>/month/", views.station_month, name="station_month"),
    path("<int:pk>/pool/", views.station_pool, name="station_pool"),
    path("<int:pk>/fairness/", views.station_fairness, name="station_fairness"),
    path("<int:pk>/gaps/", views.station_gaps, name="station_gaps"),
    path("<int:pk>/confirm/", views.station_confirm_week, name="station_confirm_week"),
    path("<int:pk>/generate/", views.station_generate, name="station_generate"),
    path("shifts/<int:pk>/", views.shift_detail, name="shift_detail"),
    path("shifts/<int:pk>/check-in/", views.shift_check_in, name="shift_check_in"),
    path("shifts/<int:pk>/check-out/", views.shift_check_out, name="shift_check_out"),
    path("shifts/<int:pk>/note/", views.shift_note, name="shift_note"),
    path("shifts/<int:pk>/swap/", views.shift_swap, name="shift_swap"),
    path("swaps/", views.swap_list, name="swap_list"),
    path("swaps/<int:pk>/<slug:action>/", views.swap_action, name="swap_action"),
    path("mine/", views.my_shifts, name="my_shifts"),
    path("leave/", views.leave_list, name="my_leave"),
    path("leave/<int:pk>/edit/", views.leave_edit, name="leave_edit"),
    path("leave/<int:pk>/withdraw/", views.leave_withdraw, name="leave_withdraw"),
    path("calendar/", views.my_calendar, name="my_calendar"),
    path("ical/<str:token>.ics", views.ical_feed, name="ical_feed"),
]
