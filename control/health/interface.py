"""What other apps use of control/health: the registry of stuck work (see ``stuck.py``)."""

from control.health.stuck import StuckItem, StuckList, register

__all__ = ["StuckItem", "StuckList", "register"]
