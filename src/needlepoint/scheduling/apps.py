from django.apps import AppConfig


class SchedulingConfig(AppConfig):
    name = "needlepoint.scheduling"
    label = "scheduling"
    verbose_name = "Appointments"

    def ready(self) -> None:
        from needlepoint.outbox import handlers
        from needlepoint.scheduling import reminders

        handlers.register(reminders.KIND, reminders.build)
