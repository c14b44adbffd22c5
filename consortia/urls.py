from django.urls import path

from . import views

app_name = "consortia"

# The consortium's own page (consortia/<pk>/) shows its eligibility per open call, and a candidate company
# answers a consortium formation (seed 002, run by programmes) on its page: portal/urls.py adds them.

urlpatterns = [
    path("organisations/new/", views.organisation_create, name="organisation_create"),
    path("organisations/join/", views.organisation_join, name="organisation_join"),
    path("organisations/<int:pk>/", views.organisation_detail, name="organisation"),
    path("organisations/<int:pk>/edit/", views.organisation_edit, name="organisation_edit"),
    path("organisations/<int:pk>/links/new/", views.ownership_link_add, name="ownership_link_add"),
    path(
        "representatives/<int:pk>/<str:answer>/",
        views.representation_answer,
        name="representation_answer",
    ),
    path("consortia/new/", views.consortium_create, name="consortium_create"),
    path("consortia/<int:pk>/invite/", views.consortium_invite, name="consortium_invite"),
    path("consortia/<int:pk>/joint-action/", views.consortium_joint_action, name="consortium_joint_action"),
    path("memberships/<int:pk>/leave/", views.membership_leave, name="membership_leave"),
    path("memberships/<int:pk>/<str:answer>/", views.membership_answer, name="membership_answer"),
    path("invitations/<str:token>/", views.invitation_accept, name="invitation"),
]
