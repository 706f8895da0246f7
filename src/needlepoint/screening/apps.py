from django.apps import AppConfig


class ScreeningConfig(AppConfig):
    name = "needlepoint.screening"
    label = "screening"
    verbose_name = "Screening"
