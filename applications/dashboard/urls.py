from django.urls import path

from . import views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("tables/<slug:name>.<str:format>", views.table, name="dashboard_table"),
    path("reports/", views.report_request, name="dashboard_report_request"),
    path("reports/panel/", views.reports_panel, name="dashboard_reports"),
    path("reports/<int:pk>/retry/", views.report_retry, name="dashboard_report_retry"),
]
