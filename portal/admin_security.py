"""Who may use the Django admin: active staff, logged in through allauth, with a second factor.

The portal keeps Django's default `admin.site`, on which every app registers its
models; `install()` (called from portal/admin.py, before the URLs are built)
replaces two of its methods:

- `login`: the admin has no login form of its own. Its login URL, where Django
  sends whoever may not see an admin page, forwards a visitor to allauth's login
  (which has the rate limits, e-mail verification and the second-factor step),
  a staff member without an authenticator app to allauth's page that sets one
  up, and a staff member whose session has not passed the second factor to
  allauth's page that asks for a code. Anyone else gets 403.
- `has_permission`: an active staff member; and, while two-factor is required
  (settings.ADMIN_REQUIRE_TWO_FACTOR, always under production settings), one
  with an activated authenticator app (allauth.mfa TOTP) whose session passed
  the second factor.

A session "passed the second factor" when allauth recorded an "mfa"
authentication in it: allauth keeps a list of the ways the user proved who they
are in this session (`allauth.account.authentication.get_authentication_records`,
session key "account_authentication_methods"), and appends {"method": "mfa",
"type": "totp" | "recovery_codes", ...} when a code is accepted at login or when
the user re-authenticates with a code. Logging out flushes the session, and
with it the record.
"""

from enum import Enum
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache


class AdminAccess(Enum):
    GRANTED = "granted"
    ANONYMOUS = "anonymous"
    NOT_STAFF = "not_staff"
    NO_AUTHENTICATOR = "no_authenticator"
    SESSION_WITHOUT_SECOND_FACTOR = "session_without_second_factor"


def two_factor_required() -> bool:
    """Whether the admin asks for a second factor; production always does."""
    return bool(getattr(settings, "ADMIN_REQUIRE_TWO_FACTOR", True)) or settings.PORTAL_ENVIRONMENT == "production"


def has_totp_authenticator(user) -> bool:
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user_id=user.pk, type=Authenticator.Type.TOTP).exists()


def session_passed_second_factor(request: HttpRequest) -> bool:
    """Whether allauth accepted a code (TOTP or recovery code) from this user in this session."""
    from allauth.account.authentication import get_authentication_records

    records = get_authentication_records(request, request.user)
    return any(isinstance(record, dict) and record.get("method") == "mfa" for record in records)


def admin_access(request: HttpRequest) -> AdminAccess:
    """May this request use the admin, and if not, why not. Computed once per request."""
    cached = getattr(request, "_portal_admin_access", None)
    if cached is not None:
        return cached
    user = request.user
    if not user.is_authenticated:
        access = AdminAccess.ANONYMOUS
    elif not (user.is_active and user.is_staff):
        access = AdminAccess.NOT_STAFF
    elif not two_factor_required():
        access = AdminAccess.GRANTED
    elif not has_totp_authenticator(user):
        access = AdminAccess.NO_AUTHENTICATOR
    elif not session_passed_second_factor(request):
        access = AdminAccess.SESSION_WITHOUT_SECOND_FACTOR
    else:
        access = AdminAccess.GRANTED
    request._portal_admin_access = access
    return access


def has_permission(request: HttpRequest) -> bool:
    """AdminSite.has_permission for the portal: see the module's docstring."""
    return admin_access(request) is AdminAccess.GRANTED


def _next_url(request: HttpRequest) -> str:
    """The admin page asked for, if it is on this site; else the admin's index."""
    url = request.POST.get(REDIRECT_FIELD_NAME) or request.GET.get(REDIRECT_FIELD_NAME)
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return reverse("admin:index")


def _with_next(urlname: str, next_url: str) -> str:
    # Slashes unquoted, as Django writes the admin's own ?next= (redirect_to_login).
    return f"{reverse(urlname)}?{urlencode({REDIRECT_FIELD_NAME: next_url}, safe='/')}"


@never_cache
def admin_login(request: HttpRequest, extra_context=None):
    """AdminSite.login for the portal: send each visitor to the step they are missing."""
    next_url = _next_url(request)
    access = admin_access(request)
    if access is AdminAccess.GRANTED:
        return HttpResponseRedirect(next_url)
    if access is AdminAccess.ANONYMOUS:
        return HttpResponseRedirect(_with_next("account_login", next_url))
    if access is AdminAccess.NO_AUTHENTICATOR:
        messages.warning(
            request,
            _(
                "The agency administration needs two-factor authentication. Set up an authenticator "
                "app for your account, then open the agency administration again."
            ),
        )
        return HttpResponseRedirect(reverse("mfa_activate_totp"))
    if access is AdminAccess.SESSION_WITHOUT_SECOND_FACTOR:
        messages.info(request, _("To open the agency administration, enter a code from your authenticator app."))
        return HttpResponseRedirect(_with_next("mfa_reauthenticate", next_url))
    raise PermissionDenied(_("Only agency staff may use the agency administration."))


def install(site) -> None:
    """Guard `site` (the default admin.site) as described above. Call before its URLs are built."""
    site.login = admin_login
    site.has_permission = has_permission
