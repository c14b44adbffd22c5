from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path, re_path
from django.utils.translation import gettext_lazy as _
from django.views.i18n import JavaScriptCatalog

import consortia.urls
import programmes.urls
from applications import health as applications_health
from applications import views as applications_views
from applications.dashboard import urls as dashboard_urls
from applications.opendata import urls as opendata_urls
from applications.pimex import urls as pimex_urls
from programmes import views as programmes_views

from . import views

admin.site.site_header = _("Internationalisation programmes")
admin.site.site_title = _("Internationalisation programmes")
admin.site.index_title = _("Agency administration")

# One "programmes" namespace for the programmes' pages and the pages built over applications
# (dashboard, open data, PIMEX), so every page keeps its name: programmes:dashboard, ...
programmes_pages = (
    [
        *programmes.urls.urlpatterns,
        path("dashboard/", include(dashboard_urls)),
        path("open-data/", include(opendata_urls)),
        path("pimex/", include(pimex_urls)),
    ],
    "programmes",
)

# The "consortia" namespace: the organisation and consortium pages, the consortium's own page,
# which shows its eligibility for each open call (so it is built in applications), and a candidate
# company's page in a consortium formation (run by programmes).
consortia_pages = (
    [
        *consortia.urls.urlpatterns,
        path("consortia/<int:pk>/", applications_views.consortium_detail, name="consortium"),
        path("formations/candidacies/<int:pk>/", programmes_views.formation_candidacy, name="formation_candidacy"),
    ],
    "consortia",
)

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    # Readiness (the load balancer), liveness (the process supervisor), and the operators' detail.
    path("health/", views.health, name="health"),
    path("health/ready/", views.health, name="health_ready"),
    path("health/live/", views.liveness, name="health_live"),
    path("health/detail/", applications_health.health_detail, name="health_detail"),
]

urlpatterns += i18n_patterns(
    path("", programmes_views.home, name="home"),
    path("", include(programmes_pages)),
    path("my/", applications_views.my_portal, name="my_portal"),
    path("my/", include(consortia_pages)),
    path("my/", include("applications.urls")),
    re_path(r"^admin/(?P<app_label>programmes)/(?P<model>pimex\w+)/(?P<rest>.*)$", views.moved_admin_page),
    re_path(r"^admin/(?P<app_label>consortia)/(?P<model>formation\w*)/(?P<rest>.*)$", views.moved_admin_page),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
)
