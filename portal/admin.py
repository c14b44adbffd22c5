from allauth.mfa.models import Authenticator
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import UserChangeForm, UserCreationForm
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import admin_security
from .models import Notification, User
from .notifications import outbox_sweep

# The admin is reached through allauth's login, by staff with a second factor.
admin_security.install(admin.site)


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
    """The outbox: what was sent to whom and when, what failed and why; failed ones can be retried."""

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
        queryset.exclude(status=Notification.Status.SENT).update(
            status=Notification.Status.PENDING, attempts=0, next_attempt_at=timezone.now()
        )
        sent = outbox_sweep()
        self.message_user(
            request, ngettext("%(count)s notification sent.", "%(count)s notifications sent.", sent) % {"count": sent}
        )
