from django.apps import AppConfig


class ConsentConfig(AppConfig):
    name = "needlepoint.consent"
    label = "consent"
    verbose_name = "Informed consent"
