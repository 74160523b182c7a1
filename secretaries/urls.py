app_name = "secretaries"
urlpatterns: list = []
