"""The demands app has two halves: the lists and rounds (urls_lists) and the closed loop
(urls_loop). Both are mounted under /demands/ with the namespace 'demands'."""

from demands.urls_lists import urlpatterns as lists_urlpatterns
from demands.urls_loop import urlpatterns as loop_urlpatterns

app_name = "demands"
urlpatterns = lists_urlpatterns + loop_urlpatterns
