from django.apps import AppConfig


class VisitsConfig(AppConfig):
    name = "needlepoint.visits"
    label = "visits"
    verbose_name = "Episodes of care and treatment notes"
