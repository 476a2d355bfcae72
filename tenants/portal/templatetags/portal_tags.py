from __future__ import annotations

from django import template

from core.money import vnd as vnd_text

register = template.Library()


@register.filter
def vnd(amount: int | None) -> str:
    """``{{ fee.amount_vnd|vnd }}`` -> ``37.000 đồng``."""
    return vnd_text(amount)
