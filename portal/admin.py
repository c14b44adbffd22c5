from allauth.mfa.models import Authenticator
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import UserChangeForm, UserCreationForm
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import admin_security
from .models import Notification, User
from .notifications import outbox_figures, outbox_resend

# The admin is reached through allauth's login, by staff with a second factor.
admin_security.install(admin.site)


def _index_with_outbox(index):
    """The admin's index, telling staff how many e-mails failed or may not have arrived (one query)."""

    def wrapped(request, extra_context=None):
        return index(request, extra_context={**(extra_context or {}), "outbox": outbox_figures()})

    return wrapped


admin.site.index = _index_with_outbox(admin.site.index)


class PortalUserCreationForm(UserCreationForm):
    class Meta:
        model = User
        fields = ("email", "full_name", "language", "agency")


class PortalUserChangeForm(UserChangeForm):
    class Meta:
        model = User
        fields = ("email", "full_name", "language", "agency", "is_active", "is_staff", "is_superuser", "groups")


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = PortalUserChangeForm
    add_form = PortalUserCreationForm
    ordering = ["email"]
    list_display = ["email", "full_name", "agency", "is_staff", "is_superuser", "is_active", "last_login"]
    list_filter = ["is_staff", "is_superuser", "is_active", "agency", "groups", "language"]
    list_select_related = ["agency"]
    search_fields = ["email", "full_name"]
    readonly_fields = ["last_login", "date_joined"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Personal information"), {"fields": ("full_name", "language")}),
        (_("Agency"), {"fields": ("agency",)}),
        (_("Permissions"), {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {"classes": ("wide",), "fields": ("email", "full_name", "language", "agency", "password1", "password2")},
        ),
    )


# allauth.mfa's own admin shows each authenticator's data: the TOTP secret and
# the recovery codes' seed. Ours lists who has which second factor and lets a
# superuser delete a lost one (its owner then sets up a new one), never shows the secret.
admin.site.unregister(Authenticator)


@admin.register(Authenticator)
class AuthenticatorAdmin(admin.ModelAdmin):
    list_display = ["user", "type", "created_at", "last_used_at"]
    list_filter = ["type"]
    list_select_related = ["user"]
    search_fields = ["user__email"]
    fields = ["user", "type", "created_at", "last_used_at"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """The outbox: what was sent to whom and when, what failed and why; failed or unconfirmed ones can be sent again."""

    list_display = ["created_at", "kind", "recipient", "language", "status", "attempts", "sent_at"]
    list_filter = ["status", "kind", "language"]
    search_fields = ["recipient", "subject", "key"]
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in Notification._meta.fields]
    actions = ["retry"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Send again"), permissions=["view"])
    def retry(self, request, queryset):
        # Queued, never sent here: the request does not wait on the SMTP server. An
        # unconfirmed e-mail may already have arrived; choosing it here is the person's decision.
        selected = list(queryset.values_list("pk", flat=True))
        queued = outbox_resend(notification_ids=selected)
        self.message_user(
            request,
            ngettext("%(count)s e-mail queued to be sent again.", "%(count)s e-mails queued to be sent again.", queued)
            % {"count": queued},
        )
        if left := len(selected) - queued:
            self.message_user(
                request,
                ngettext(
                    "%(count)s e-mail already sent or being sent was left alone.",
                    "%(count)s e-mails already sent or being sent were left alone.",
                    left,
                )
                % {"count": left},
                messages.WARNING,
            )
