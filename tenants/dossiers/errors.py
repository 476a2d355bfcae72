"""Errors of dossier services: each carries a clear Vietnamese message for the user."""

from __future__ import annotations


class DossierError(Exception):
    """An action refused, with a message shown to the user as is."""

    code = "refused"

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class DossierChanged(DossierError):
    code = "changed"

    def __init__(self) -> None:
        super().__init__("Hồ sơ đã thay đổi, vui lòng tải lại.")


class NotAllowed(DossierError):
    code = "forbidden"


class InvalidInput(DossierError):
    code = "invalid"

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = errors
        super().__init__("; ".join(errors.values()), field=next(iter(errors), None))
