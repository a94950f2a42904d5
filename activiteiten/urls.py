app_name = "activiteiten"

urlpatterns = []
