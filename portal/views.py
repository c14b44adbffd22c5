from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles.storage import ManifestFilesMixin, staticfiles_storage
from django.core.cache import cache
from django.db import connection, transaction
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache

from programmes.selectors import programmes_with_open_calls


@transaction.non_atomic_requests
def home(request):
    with_calls, without = programmes_with_open_calls()
    return render(
        request,
        "portal/home.html",
        {"programmes": with_calls, "other_programmes": without, "now": timezone.now()},
    )


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
def health(request):
    """For load balancers and monitoring: 200 when the database and the cache answer and the pages
    can name their static files; otherwise 503, with the reason of each failure."""
    checks, reasons = {}, {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception:
        checks["database"] = "error"
        reasons["database"] = "the database did not answer"
    try:
        cache.set("health-probe", "1", 10)
        checks["cache"] = "ok" if cache.get("health-probe") == "1" else "error"
    except Exception:
        checks["cache"] = "error"
    if checks["cache"] != "ok":
        reasons["cache"] = "the cache did not answer or did not keep a value"
    static_problem = static_manifest_problem()
    checks["static"] = "error" if static_problem else "ok"
    if static_problem:
        reasons["static"] = static_problem
    healthy = not reasons
    body = {"status": "ok" if healthy else "error", **checks}
    if reasons:
        body["reasons"] = reasons
    return JsonResponse(body, status=200 if healthy else 503)


@login_required
def my_portal(request):
    """The applicant's home: organisations, consortia, applications with their next step, things to answer."""
    from applications.selectors import applications_of
    from consortia import selectors as consortia_selectors

    return render(
        request,
        "portal/my_portal.html",
        {
            "organisations": list(consortia_selectors.organisations_of(request.user).order_by("legal_name")),
            "consortia": list(consortia_selectors.consortia_of(request.user).order_by("name")),
            "applications": list(applications_of(request.user)),
            "invitations": list(consortia_selectors.pending_invitations(request.user)),
            "requests": list(consortia_selectors.pending_requests(request.user)),
        },
    )
