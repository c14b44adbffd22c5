from django.urls import path

from . import views

app_name = "programmes"

# The dashboard, the open data and the PIMEX pages share this namespace; portal/urls.py joins them.

urlpatterns = [
    path("programmes/<slug:slug>/", views.programme, name="programme"),
    path("programmes/<slug:slug>/subscribe/", views.subscribe, name="subscribe"),
    path("programmes/<slug:programme_slug>/calls/<slug:slug>/", views.call, name="call"),
]
