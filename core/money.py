"""Amounts of money as people read them: integer VND written ``37.000 đồng`` (dots between thousands)."""

from __future__ import annotations


def vnd(amount: int | None, *, unit: str = "đồng") -> str:
    """``37000`` -> ``"37.000 đồng"``; None -> ``""`` (an amount not fixed: say so in words beside it)."""
    if amount is None:
        return ""
    sign = "-" if amount < 0 else ""
    return f"{sign}{abs(int(amount)):,}".replace(",", ".") + (f" {unit}" if unit else "")
