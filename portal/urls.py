from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.i18n import JavaScriptCatalog

from . import views

admin.site.site_header = _("Internationalisation programmes")
admin.site.site_title = _("Internationalisation programmes")
admin.site.index_title = _("Agency administration")

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("health/", views.health, name="health"),
]

urlpatterns += i18n_patterns(
    path("", views.home, name="home"),
    path("", include("programmes.urls")),
    path("my/", views.my_portal, name="my_portal"),
    path("my/", include("consortia.urls")),
    path("my/", include("applications.urls")),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
)
