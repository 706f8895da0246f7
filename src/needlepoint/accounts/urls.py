from django.urls import path

from needlepoint.accounts import views

urlpatterns = [path("team/", views.team, name="team")]
