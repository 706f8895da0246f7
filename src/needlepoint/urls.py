from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from needlepoint.api.root import api
from needlepoint.web import views as web_views

admin.site.site_header = "Needlepoint administration"

urlpatterns = [
    path("", web_views.home, name="home"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("patients/", include("needlepoint.patients.urls")),
    path("clinic/", include("needlepoint.accounts.urls")),
    path("clinic/audit/", include("needlepoint.audit.urls")),
    path("portal/", web_views.portal_home, name="portal-home"),
    path("atlas/", include("needlepoint.atlas.urls")),
    path("", include("needlepoint.screening.urls")),
    path("", include("needlepoint.consent.urls")),
    path("", include("needlepoint.visits.urls")),
    path("", include("needlepoint.outcomes.urls_clinic")),
    path("", include("needlepoint.outcomes.urls_patient")),
    path("", include("needlepoint.reports.urls")),
    path("", include("needlepoint.homecare.urls")),
    path("", include("needlepoint.scheduling.urls")),
    path("clinics/", include("needlepoint.accounts.directory_urls")),
    path("learn/", include("needlepoint.atlas.public_urls")),
    path("healthz", web_views.healthz, name="healthz"),
    path("api/", api.urls),
    path("admin/", admin.site.urls),
]
