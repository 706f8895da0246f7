from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "needlepoint.web"
    label = "web"
    verbose_name = "Web shell"

    def ready(self) -> None:
        from django.urls import register_converter

        from needlepoint.rowid import RowIdConverter

        register_converter(RowIdConverter, "id")
