from django.apps import AppConfig


class AtlasConfig(AppConfig):
    name = "needlepoint.atlas"
    label = "atlas"
    verbose_name = "Trigger-point atlas and patient education"
