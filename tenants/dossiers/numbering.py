"""Dossier and result codes: assigned once, unique and gap-free per counter.

The counter row is incremented with ``INSERT ... ON CONFLICT DO UPDATE ... RETURNING`` inside the
reception's transaction: concurrent receptions on the same counter queue on the row lock, and a
reception that rolls back gives its number back (no gaps).
"""

from __future__ import annotations

import datetime as dt
import re

from django.db import connection

from tenants.calendar.workingtime import TZ
from tenants.dossiers.errors import InvalidInput
from tenants.dossiers.models import CodeCounter, CodeSettings
from tenants.organization.models import Unit
from tenants.procedures.models import Procedure

TOKEN_RE = re.compile(r"\{(agency|procedure|yyyy|yy|mm|dd|yymmdd|seq(?::(\d{1,2}))?)\}")


def pattern_check(pattern: str, *, reset: str = CodeSettings.Reset.DAILY, scope: str = CodeSettings.Scope.UNIT
                  ) -> None:
    """Refuse a pattern that could produce the same code twice."""
    if "{seq" not in pattern:
        raise InvalidInput({"pattern": "Mẫu mã phải có bộ đếm {seq} (ví dụ {agency}-{yymmdd}-{seq:4})."})
    leftover = TOKEN_RE.sub("", pattern)
    if "{" in leftover or "}" in leftover:
        raise InvalidInput({"pattern": "Mẫu mã có thành phần không hợp lệ; dùng {agency}, {procedure}, {yyyy}, "
                                       "{yy}, {mm}, {dd}, {yymmdd}, {seq:N}."})
    has_year = any(t in pattern for t in ("{yyyy}", "{yy}", "{yymmdd}"))
    has_month = "{yymmdd}" in pattern or (has_year and "{mm}" in pattern)
    has_day = "{yymmdd}" in pattern or (has_month and "{dd}" in pattern)
    needed = {CodeSettings.Reset.DAILY: has_day, CodeSettings.Reset.MONTHLY: has_month,
              CodeSettings.Reset.YEARLY: has_year, CodeSettings.Reset.NEVER: True}[reset]
    if not needed:
        raise InvalidInput({"pattern": "Bộ đếm đặt lại theo kỳ thì mẫu mã phải chứa kỳ đó (ngày/tháng/năm), "
                                       "nếu không mã sẽ bị trùng."})
    if scope == CodeSettings.Scope.PROCEDURE and "{procedure}" not in pattern:
        raise InvalidInput({"pattern": "Bộ đếm theo thủ tục thì mẫu mã phải chứa {procedure}."})
    if scope == CodeSettings.Scope.UNIT and "{agency}" not in pattern:
        raise InvalidInput({"pattern": "Bộ đếm theo đơn vị thì mẫu mã phải chứa {agency}."})


def code_settings_for(unit: Unit) -> CodeSettings:
    """The unit's own pattern, else the tenant's default, else the built-in default (cached a few seconds)."""
    from tenants.dossiers.cache import cached

    return cached(("codes", unit.pk), lambda: _code_settings_load(unit))


def _code_settings_load(unit: Unit) -> CodeSettings:
    own = CodeSettings.objects.filter(unit_id=unit.pk).first()
    if own is not None:
        return own
    default = CodeSettings.objects.filter(unit__isnull=True).first()
    return default or CodeSettings()


def agency_code(unit: Unit) -> str:
    if unit.agency_code:
        return unit.agency_code
    tenant = getattr(connection, "tenant", None)
    return getattr(tenant, "admin_code", "") or "MC"


def _period(reset: str, local: dt.datetime) -> str:
    if reset == CodeSettings.Reset.DAILY:
        return local.strftime("%Y%m%d")
    if reset == CodeSettings.Reset.MONTHLY:
        return local.strftime("%Y%m")
    if reset == CodeSettings.Reset.YEARLY:
        return local.strftime("%Y")
    return "-"


def counter_next(key: str, period: str) -> int:
    """The next value of a counter, inside the caller's transaction (row-locked until commit)."""
    table = CodeCounter._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (key, period, value) VALUES (%s, %s, 1) "  # noqa: S608
            f"ON CONFLICT (key, period) DO UPDATE SET value = {table}.value + 1 RETURNING value",
            [key, period],
        )
        return cursor.fetchone()[0]


def render(pattern: str, *, agency: str, procedure_code: str, local: dt.datetime, seq: int) -> str:
    def token(match: re.Match) -> str:
        name = match.group(1)
        if name.startswith("seq"):
            return "{seq}" if seq < 0 else str(seq).zfill(int(match.group(2) or 4))
        return {
            "agency": agency, "procedure": procedure_code, "yyyy": local.strftime("%Y"), "yy": local.strftime("%y"),
            "mm": local.strftime("%m"), "dd": local.strftime("%d"), "yymmdd": local.strftime("%y%m%d"),
        }[name]

    return TOKEN_RE.sub(token, pattern)


def _key(kind: str, settings: CodeSettings, template: str) -> str:
    """Counter key. Per unit / per procedure, the key is the code with its number left out, so two units
    sharing an agency code share one counter and can never produce the same code."""
    if settings.scope == CodeSettings.Scope.TENANT:
        return f"{kind}:tenant"
    return f"{kind}:{template}"[:200]


def _next_seq(kind: str, pattern: str, settings: CodeSettings, unit: Unit, procedure: Procedure,
              local: dt.datetime, period: str) -> tuple[str, int]:
    fields = {"agency": agency_code(unit), "procedure_code": procedure.code, "local": local}
    template = render(pattern, seq=-1, **fields)
    seq = counter_next(_key(kind, settings, template), period)
    return render(pattern, seq=seq, **fields), seq


def _next(kind: str, pattern: str, settings: CodeSettings, unit: Unit, procedure: Procedure, local: dt.datetime,
          period: str) -> str:
    return _next_seq(kind, pattern, settings, unit, procedure, local, period)[0]


def dossier_code_next(*, unit: Unit, procedure: Procedure, at: dt.datetime,
                      settings: CodeSettings | None = None) -> str:
    settings = settings or code_settings_for(unit)
    local = at.astimezone(TZ)
    period = _period(settings.reset, local)
    code, seq = _next_seq("dossier", settings.pattern, settings, unit, procedure, local, period)
    if seq != 1:
        return code
    return _past_issued(code, settings, unit, procedure, local, period)


def _past_issued(code: str, settings: CodeSettings, unit: Unit, procedure: Procedure, local: dt.datetime,
                 period: str) -> str:
    """A code is never given twice, even after the pattern's reset or scope changed: a new counter then
    starts (at 1, its first number) inside the block of codes an earlier counter issued from 1 upwards, so
    skip that block once. Checked only then, not on every reception: the counter's row lock is held until
    commit and every extra query would lengthen it."""
    from tenants.dossiers.models import Dossier

    for _ in range(10_000):
        if not Dossier.objects.filter(code=code).exists():
            return code
        code = _next("dossier", settings.pattern, settings, unit, procedure, local, period)
    raise InvalidInput({"pattern": "Không cấp được mã hồ sơ mới: mẫu mã đang trùng với các mã đã cấp."})


NO_FREE_CODE = "P0002"  # the SQLSTATE dossiers_code_next raises when the pattern keeps hitting issued codes


def dossier_code_sql(*, unit: Unit, procedure: Procedure, at: dt.datetime) -> tuple[str, list]:
    """The SQL expression that takes a reception's code when its statement runs, with its parameters.

    ``public.dossiers_code_next`` (migration 0007) takes the next number of the counter and renders the
    code: the same code as ``dossier_code_next`` would give, skipping issued codes the same way. The
    counter row stays locked until commit and every reception of that counter queues on it, so the
    reception evaluates this in the statement that writes the dossier, as late as it can.
    For a pattern with several counters (allowed, never seen) the code is taken here, the general way,
    and the expression is that value."""
    settings = code_settings_for(unit)
    seqs = [m for m in TOKEN_RE.finditer(settings.pattern) if m.group(1).startswith("seq")]
    local = at.astimezone(TZ)
    if len(seqs) != 1:
        return "%s::text", [dossier_code_next(unit=unit, procedure=procedure, at=at, settings=settings)]
    template = render(settings.pattern, agency=agency_code(unit), procedure_code=procedure.code, local=local, seq=-1)
    return ("public.dossiers_code_next(%s, %s, %s, %s)",
            [_key("dossier", settings, template), _period(settings.reset, local), template,
             int(seqs[0].group(2) or 4)])


def result_code_next(*, unit: Unit, procedure: Procedure, at: dt.datetime) -> str:
    settings = code_settings_for(unit)
    local = at.astimezone(TZ)
    return _next("result", settings.result_pattern, settings, unit, procedure, local, local.strftime("%Y"))
