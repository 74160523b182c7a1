# URLs of the closed loop and supervision list (issue 4). Names live in the "demands" namespace.
urlpatterns: list = []
