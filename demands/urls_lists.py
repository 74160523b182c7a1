# URLs of the lists and collection rounds (issue 3). Names live in the "demands" namespace.
urlpatterns: list = []
