"""How django-allauth creates the portal's applicant accounts and writes to them.

Account e-mails (address confirmation, password reset, "this address already
has an account", "no account has this address", and any security notice) go
through the notification outbox like every other e-mail: the request writes a
row and returns, a worker sends it. An SMTP outage therefore neither breaks
sign-up or password reset nor, by breaking only some of them, tells a stranger
which addresses have an account (ACCOUNT_PREVENT_ENUMERATION in the settings).
"""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from allauth.utils import build_absolute_uri
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.sites.shortcuts import get_current_site
from django.urls import reverse
from django.utils import translation
from django.utils.crypto import get_random_string

from .models import User
from .notifications import notify_rendered
from .text import clean_text


def _active_language() -> str:
    """The language of the page being served, as one of settings.LANGUAGES."""
    try:
        return translation.get_supported_language_variant(translation.get_language() or "")
    except LookupError:
        return settings.LANGUAGE_CODE


class AccountAdapter(DefaultAccountAdapter):
    def clean_email(self, email: str) -> str:
        """The address without invisible characters, before any form looks it up.

        User.email is stored clean; an address typed with a zero-width character or a bidi control
        must find the same account (the same "already registered" path, the same reset), never
        slip past the look-up and collide with the stored address.
        """
        return clean_text(super().clean_email(email)).strip()

    def save_user(self, request, user, form, commit=True):
        """Save a new applicant, who will be written to in the language they signed up in."""
        user = super().save_user(request, user, form, commit=False)
        user.email = user.email.lower()
        user.language = _active_language()
        if commit:
            user.save()
        return user

    def send_mail(self, template_prefix, email, context):
        """Render an account e-mail in the recipient's language and leave it in the outbox.

        The recipient's language is their account's (User.language); an address
        without an account gets the language of the page. The e-mail is sent
        after the request's transaction commits, never inside the request.
        """
        user = context.get("user") or User.objects.filter(email__iexact=email).first()
        language = getattr(user, "language", None) or _active_language()
        request = allauth_context.request
        full_context = {"request": request, "email": email, "current_site": get_current_site(request), **context}
        with translation.override(language):
            message = self.render_mail(template_prefix, email, full_context)
        html = next((body for body, mimetype in getattr(message, "alternatives", []) if mimetype == "text/html"), "")
        # No de-duplication key: two reset requests are two e-mails (the rate
        # limits in the settings bound how many).
        notify_rendered(
            kind=template_prefix.rsplit("/", 1)[-1],
            subject=str(message.subject),
            text=message.body,
            html=html,
            language=language,
            user=user,
            email=email,
        )

    def send_account_already_exists_mail(self, email):
        """Tell the owner of a registered address that someone tried to sign up with it.

        The sign-up page answers exactly as for a new address. Creating an
        account hashes its password, so this path hashes a throwaway one: the
        two answers take as long. The links lead to the pages in the owner's
        language, which the e-mail is written in.
        """
        make_password(get_random_string(32))
        owner = User.objects.filter(email__iexact=email).first()
        request = allauth_context.request
        with translation.override(getattr(owner, "language", None) or _active_language()):
            links = {
                "login_url": build_absolute_uri(request, reverse("account_login")),
                "password_reset_url": build_absolute_uri(request, reverse("account_reset_password")),
                "signup_url": build_absolute_uri(request, reverse("account_signup")),
            }
        self.send_mail("account/email/account_already_exists", email, {"user": owner, **links})
