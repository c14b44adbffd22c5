"""How django-allauth creates the portal's applicant accounts and writes to them."""

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.utils import translation


def _active_language() -> str:
    """The language of the page being served, as one of settings.LANGUAGES."""
    try:
        return translation.get_supported_language_variant(translation.get_language() or "")
    except LookupError:
        return settings.LANGUAGE_CODE


class AccountAdapter(DefaultAccountAdapter):
    def save_user(self, request, user, form, commit=True):
        """Save a new applicant, who will be written to in the language they signed up in."""
        user = super().save_user(request, user, form, commit=False)
        user.email = user.email.lower()
        user.language = _active_language()
        if commit:
            user.save()
        return user

    def send_mail(self, template_prefix, email, context):
        """Write account e-mails in the recipient's preferred language (User.language)."""
        language = getattr(context.get("user"), "language", None) or _active_language()
        with translation.override(language):
            super().send_mail(template_prefix, email, context)
