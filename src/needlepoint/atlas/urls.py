from django.urls import path

from needlepoint.atlas import views

urlpatterns = [
    path("", views.index, name="atlas-index"),
    path("finder/", views.finder, name="atlas-finder"),
    path("finder/results/", views.finder_results, name="atlas-finder-results"),
    path("muscles/<slug:muscle_id>/", views.muscle_detail, name="atlas-muscle"),
    path("conditions/<slug:condition_id>/", views.condition_detail, name="atlas-condition"),
]
