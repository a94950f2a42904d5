"""Building and sending the portal's emails, each at most once.

Every email has a plain-text and an HTML part, rendered from ``templates/emails/<name>.txt``,
``<name>.html`` and ``<name>_subject.txt``. Emails to parents exist per language
(``<name>.<lang>.txt`` etc.); a language without its own template falls back to Dutch. Staff
emails are Dutch, through the catalogue.

No email names a parent, a child or a theme unless it goes to that parent: staff get counts
and a link to the portal, where the access policy decides what they see.
"""

import logging
from abc import ABC, abstractmethod
from collections.abc import Callable

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import select_template
from django.urls import NoReverseMatch, reverse
from django.utils import translation

from .models import SentLog

__all__ = [
    "EMAIL_LANGUAGES",
    "EmailChannel",
    "MessageChannel",
    "RenderedMessage",
    "absolute_url",
    "email_language",
    "already_sent",
    "enqueue_unsent",
    "render_message",
    "send_email",
    "send_once",
]

logger = logging.getLogger(__name__)

# Languages with their own parent-email templates; every other language gets Dutch.
EMAIL_LANGUAGES = ("nl", "en", "ar", "tr")
FALLBACK_LANGUAGE = "nl"


def send_once(*, kind: str, key: str, send: Callable[[], None]) -> bool:
    """Call ``send`` unless ``(kind, key)`` is in the sent-log; True if it was sent now.

    The sent-log row and the sending share one transaction: if sending fails the row is
    rolled back and a retry sends; a second task with the same key waits for the first one's
    row (unique index) and then skips.
    """
    with transaction.atomic():
        try:
            with transaction.atomic():
                SentLog.objects.create(kind=kind, key=key)
        except IntegrityError:
            logger.info("%s %s: already sent", kind, key)
            return False
        send()
    logger.info("%s %s: sent", kind, key)
    return True


def already_sent(kind: str, keys: list[str]) -> set[str]:
    """The keys of ``kind`` that are in the sent-log, in one query."""
    return set(SentLog.objects.filter(kind=kind, key__in=keys).values_list("key", flat=True))


def enqueue_unsent(task_name: str, *, kind: str, jobs: dict[str, dict]) -> int:
    """Queue ``task_name`` for each job (sent-log key: task ids) not yet sent; returns how many."""
    from .outbox import enqueue

    done = already_sent(kind, list(jobs))
    for key, ids in jobs.items():
        if key not in done:
            enqueue(task_name, **ids)
    return len(jobs.keys() - done)


def absolute_url(name: str, *, fallback: str = "home", **kwargs) -> str:
    """SITE_URL plus the path of a named URL (or of ``fallback`` if that name is unknown)."""
    try:
        path = reverse(name, kwargs=kwargs or None)
    except NoReverseMatch:
        path = reverse(fallback)
    return settings.SITE_URL.rstrip("/") + path


class RenderedMessage:
    def __init__(self, subject: str, text: str, html: str, language: str):
        self.subject = subject
        self.text = text
        self.html = html
        self.language = language


def email_language(language: str) -> str:
    """The language an email goes out in: the preferred one if we have templates, else Dutch."""
    return language if language in EMAIL_LANGUAGES else FALLBACK_LANGUAGE


def render_message(name: str, context: dict, *, language: str = "nl") -> RenderedMessage:
    """Render subject, text and HTML of ``emails/<name>`` in ``language`` (or Dutch)."""
    language = email_language(language)
    context = {**context, "language": language, "rtl": language == "ar"}

    def render(suffix: str) -> str:
        template = select_template(
            [
                f"emails/{name}.{language}{suffix}",
                f"emails/{name}.{FALLBACK_LANGUAGE}{suffix}",
                f"emails/{name}{suffix}",
            ]
        )
        return template.render(context)

    with translation.override(language):
        subject = " ".join(render("_subject.txt").split())
        return RenderedMessage(subject, render(".txt"), render(".html"), language)


class MessageChannel(ABC):
    """A way to reach someone. Email is built; SMS or WhatsApp would be another subclass."""

    @abstractmethod
    def send(self, *, to: str, message: RenderedMessage) -> None:
        """Deliver ``message`` to one address (an email address, a phone number...)."""


class EmailChannel(MessageChannel):
    def send(self, *, to: str, message: RenderedMessage) -> None:
        email = EmailMultiAlternatives(
            subject=message.subject,
            body=message.text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[to],
            headers={"Content-Language": message.language},
        )
        email.attach_alternative(message.html, "text/html")
        email.send()


def send_email(*, to: str, name: str, context: dict, language: str = "nl") -> None:
    """Render ``emails/<name>`` and send it to one address as text plus HTML."""
    EmailChannel().send(to=to, message=render_message(name, context, language=language))
