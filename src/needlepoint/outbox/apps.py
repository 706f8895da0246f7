from django.apps import AppConfig


class OutboxConfig(AppConfig):
    name = "needlepoint.outbox"
    label = "outbox"
    verbose_name = "Outgoing messages"
