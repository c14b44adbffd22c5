from django.contrib.staticfiles.storage import ManifestFilesMixin, staticfiles_storage
from django.db import transaction
from django.http import Http404, HttpResponsePermanentRedirect, JsonResponse
from django.views.decorators.cache import never_cache

from .operations import cache_status, database_status


def static_manifest_problem():
    """Why the static files cannot be named, or None when they can.

    Under a manifest storage (production) every page names its CSS and scripts
    through the manifest that collectstatic writes; a process that started
    without it answers 500 on every HTML page. The storage reads the manifest
    once per process, when first used, and keeps it in memory: checking that
    memory costs nothing and says what this process will do. Other storages
    need no manifest.
    """
    try:
        # The first use creates the storage, which reads the manifest.
        if not isinstance(staticfiles_storage, ManifestFilesMixin):
            return None
        loaded = bool(staticfiles_storage.hashed_files)
    except (OSError, ValueError):
        # The storage could not read or parse the manifest.
        return f"the static files manifest {ManifestFilesMixin.manifest_name} cannot be read"
    if not loaded:
        return (
            f"the static files manifest {ManifestFilesMixin.manifest_name} is missing or empty "
            "(collectstatic has not run, or ran after this process started)"
        )
    return None


@never_cache
@transaction.non_atomic_requests
def liveness(request):
    """For the process supervisor: 200 whenever this process answers, whatever else is down."""
    return JsonResponse({"status": "ok"})


@never_cache
@transaction.non_atomic_requests
def health(request):
    """Readiness, for load balancers: 200 when this process can serve pages, i.e. the database answers
    and the pages can name their static files; otherwise 503, with the reason of each failure.

    The cache is reported but never makes the portal unready: with Redis down every page still
    works from the process's memory (portal/cache.py), so taking the processes out of the load
    balancer would turn a degraded portal into an absent one.
    """
    checks, reasons = {"database": database_status(), "cache": cache_status()}, {}
    if checks["database"] != "ok":
        reasons["database"] = "the database did not answer"
    static_problem = static_manifest_problem()
    checks["static"] = "error" if static_problem else "ok"
    if static_problem:
        reasons["static"] = static_problem
    healthy = not reasons
    body = {"status": "ok" if healthy else "error", **checks}
    if reasons:
        body["reasons"] = reasons
    return JsonResponse(body, status=200 if healthy else 503)


# Pages whose models moved to another app keep their old admin addresses as permanent redirects.
MOVED_ADMIN_PAGES = {
    "programmes": {
        "applications": (
            "pimexcallsettings",
            "pimexsession",
            "pimexattendance",
            "pimextutorial",
            "pimexswot",
            "pimexactionplan",
            "pimexplannedaction",
            "pimexsurvey",
            "pimexparticipant",
        ),
    },
    "consortia": {
        "programmes": ("formation", "formationcandidate", "formationmeeting", "formationattendance"),
    },
}


def moved_admin_page(request, app_label, model, rest=""):
    """Send an old admin address (bookmark, e-mail, audit note) to the model's new one."""
    for new_label, models in MOVED_ADMIN_PAGES.get(app_label, {}).items():
        if model in models:
            old = f"/admin/{app_label}/{model}/"
            target = request.path.replace(old, f"/admin/{new_label}/{model}/", 1)
            if request.META.get("QUERY_STRING"):
                target += "?" + request.META["QUERY_STRING"]
            return HttpResponsePermanentRedirect(target)
    raise Http404
