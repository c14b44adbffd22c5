"""Open data: the public list of operations (CPR Art. 49) and the feed of open calls."""

from django.urls import path

from . import views

urlpatterns = [
    path("operations/", views.operations, name="open_operations"),
    path("calls.json", views.open_calls_feed, name="open_calls_feed"),
]
