"""Public (no login) patient-education pages under /learn/."""

from django.urls import path

from needlepoint.atlas import public

# Fixed paths come before <topic_id>: /learn/risks/ is the risks page (the "risks" topic
# plus the side-effect tables), not the plain topic view.
urlpatterns = [
    path("", public.index, name="learn-index"),
    path("conditions/", public.condition_list, name="learn-conditions"),
    path("conditions/<slug:condition_id>/", public.condition_detail, name="learn-condition"),
    path("risks/", public.risks, name="learn-risks"),
    path("sources/", public.sources, name="learn-sources"),
    path("<slug:topic_id>/", public.topic_detail, name="learn-topic"),
]
