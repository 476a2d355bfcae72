"""Who is acting: set per request by ``ActorMiddleware``, read by ``record`` when a service changes the
tenant's configuration (services that already take an ``actor`` pass it)."""

from __future__ import annotations

import contextvars
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

_actor: contextvars.ContextVar = contextvars.ContextVar("config_actor", default=None)


class ActorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        token = _actor.set(user if user is not None and user.is_authenticated else None)
        try:
            return self.get_response(request)
        finally:
            _actor.reset(token)


def record(area: str, summary: str, *, actor: object | None = None, **data: object) -> None:
    """Append one configuration change (inside the caller's transaction: it is kept only if the change is)."""
    from core.audit.models import ConfigChange

    who = actor if actor is not None else _actor.get()
    if who is not None and not getattr(who, "is_authenticated", False):
        who = None
    ConfigChange.objects.create(
        actor=who, actor_name=(who.display_name() if who is not None else "Hệ thống"), area=area,
        summary=summary[:500], data={k: v for k, v in data.items() if v is not None},
    )
