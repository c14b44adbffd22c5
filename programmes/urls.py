from django.urls import include, path

from . import views

app_name = "programmes"

urlpatterns = [
    path("programmes/<slug:slug>/", views.programme, name="programme"),
    path("programmes/<slug:slug>/subscribe/", views.subscribe, name="subscribe"),
    path("programmes/<slug:programme_slug>/calls/<slug:slug>/", views.call, name="call"),
    path("dashboard/", include("programmes.dashboard.urls")),
    path("open-data/", include("programmes.opendata.urls")),
    path("pimex/", include("programmes.pimex.urls")),
]
