from django.apps import AppConfig


class HomecareConfig(AppConfig):
    name = "needlepoint.homecare"
    label = "homecare"
    verbose_name = "Home exercise programmes"
