"""Public (no login) patient-education pages under /learn/."""

urlpatterns: list = []  # type: ignore[type-arg]
