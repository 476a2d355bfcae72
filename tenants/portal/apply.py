"""The hook of online application: the app that builds it registers its view here (in its AppConfig.ready());
until then ``portal-apply`` answers a page saying online submission is coming for that procedure."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

ApplyView = Callable[[HttpRequest, object], HttpResponse]
_apply_view: list[ApplyView] = []


def apply_view_register(view: ApplyView) -> None:
    """``view(request, procedure)`` serves /thu-tuc/<code>/nop-ho-so/ for enabled, online procedures."""
    _apply_view[:] = [view]


def apply_view() -> ApplyView | None:
    return _apply_view[0] if _apply_view else None
