from django.urls import path

from . import views

app_name = "applications"

urlpatterns = [
    path("calls/<int:call_pk>/apply/", views.apply, name="apply"),
    path("applications/<int:pk>/", views.detail, name="detail"),
    path("applications/<int:pk>/edit/<str:step>/", views.edit, name="edit"),
    path("applications/<int:pk>/submit/", views.submit, name="submit"),
    path("applications/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("applications/<int:pk>/renounce/", views.renounce, name="renounce"),
    path("applications/<int:pk>/clarify/", views.clarify, name="clarify"),
    path("applications/<int:pk>/receipt/", views.receipt, name="receipt"),
    path("applications/<int:pk>/reports/<str:kind>/", views.report, name="report"),
    path("applications/<int:pk>/accept/", views.accept, name="accept"),
    path(
        "applications/<int:pk>/documents/<int:attachment_pk>/delete/",
        views.attachment_delete,
        name="attachment_delete",
    ),
    path("documents/<int:pk>/", views.attachment_download, name="attachment"),
]
