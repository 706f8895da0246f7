from django.urls import path

from needlepoint.audit import views

urlpatterns = [path("", views.audit_log, name="audit-log")]
