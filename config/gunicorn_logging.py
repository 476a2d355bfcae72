"""Gunicorn's own loggers (the access log and its error log), wired to the personal-data filter that
Django's LOGGING puts on every other handler: an access-log line carries the query string, and a search
by ID number, phone or e-mail would otherwise land in the log as typed. Used by the Procfile's web
process (``--logger-class config.gunicorn_logging.Logger``)."""

from __future__ import annotations

from gunicorn import glogging

from core.pii import ScrubPersonalData


class Logger(glogging.Logger):
    def setup(self, cfg) -> None:  # noqa: ANN001 (gunicorn's Config)
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            for handler in log.handlers:
                if not any(isinstance(f, ScrubPersonalData) for f in handler.filters):
                    handler.addFilter(ScrubPersonalData())
