"""E-mail to a person, in their language, sent once the transaction that caused it commits.

`template` names a pair of templates: `<template>_subject.txt` and `<template>.txt`.
"""

from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation


def notify(*, template: str, context: dict, user=None, email: str = "", attachments=()) -> None:
    recipient = user.email if user is not None else email
    language = getattr(user, "language", None) or translation.get_language() or "en"

    def send():
        with translation.override(language):
            subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
            body = render_to_string(f"{template}.txt", context)
        if attachments:
            from django.core.mail import EmailMessage

            message = EmailMessage(subject, body, to=[recipient])
            for name, content, mimetype in attachments:
                message.attach(name, content, mimetype)
            message.send()
        else:
            send_mail(subject, body, None, [recipient])

    transaction.on_commit(send)
