"""German-first UI: the browser's Accept-Language is ignored unless the user picked a language (cookie) or
RESONANZ_USE_BROWSER_LANGUAGE is on. Everything else is Django's LocaleMiddleware."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.middleware.locale import LocaleMiddleware


class DefaultLanguageLocaleMiddleware(LocaleMiddleware):
    def process_request(self, request: HttpRequest) -> None:
        if settings.LANGUAGE_COOKIE_NAME not in request.COOKIES and not settings.RESONANZ_USE_BROWSER_LANGUAGE:
            request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        super().process_request(request)
