app_name = "ledgers"

urlpatterns: list = []
