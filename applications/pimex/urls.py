"""The participant's PIMEX pages, under the "programmes" namespace: /<language>/pimex/..."""

from django.urls import path

from . import views

urlpatterns = [
    path("applications/<int:pk>/", views.progress, name="pimex_progress"),
    path("applications/<int:pk>/swot/", views.swot, name="pimex_swot"),
    path("applications/<int:pk>/action-plan/", views.action_plan, name="pimex_action_plan"),
    path("applications/<int:pk>/survey/", views.survey, name="pimex_survey"),
]
