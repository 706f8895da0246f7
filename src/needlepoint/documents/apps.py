from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "needlepoint.documents"
    label = "documents"
    verbose_name = "Printed documents"
