"""The dossier state machine, in one place: states, actions and the table of allowed transitions."""

from __future__ import annotations

from django.db import models


class Status(models.TextChoices):
    SUBMITTED = "submitted", "Chờ tiếp nhận (nộp trực tuyến)"
    AWAITING_PAYMENT = "awaiting_payment", "Chờ nộp phí, lệ phí"
    PROCESSING = "processing", "Đang giải quyết"
    SUPPLEMENT_REQUESTED = "supplement_requested", "Chờ bổ sung hồ sơ"
    PAUSED = "paused", "Tạm dừng"
    AWAITING_RESULT = "awaiting_result", "Đã phê duyệt, chờ phát hành kết quả"
    RESULT_READY = "result_ready", "Có kết quả, chờ trả"
    RETURNED = "returned", "Đã trả kết quả"
    REFUSED = "refused", "Từ chối giải quyết"
    WITHDRAWN = "withdrawn", "Công dân đã rút hồ sơ"


class Action(models.TextChoices):
    RECEIVE = "receive", "Tiếp nhận"
    HAND_OVER = "hand_over", "Chuyển bước tiếp theo"
    SEND_BACK = "send_back", "Trả lại bước trước"
    REQUEST_SUPPLEMENT = "request_supplement", "Yêu cầu bổ sung"
    SUPPLY = "supply", "Nhận hồ sơ bổ sung"
    REFUSE = "refuse", "Từ chối"
    PAUSE = "pause", "Tạm dừng"
    RESUME = "resume", "Tiếp tục"
    EXTEND = "extend", "Gia hạn (phiếu xin lỗi)"
    APPROVE = "approve", "Phê duyệt"
    ISSUE_RESULT = "issue_result", "Phát hành kết quả"
    RETURN_RESULT = "return_result", "Trả kết quả"
    WITHDRAW = "withdraw", "Rút hồ sơ"
    FEE_PAID = "fee_paid", "Đã nộp phí"
    FEE_REFUNDED = "fee_refunded", "Hoàn phí"


S, A = Status, Action

#: The state a dossier received at the counter comes from: none, it is created by its reception (its first
#: audit row says from "").
NEW = ""
#: The states of a process step (``transitions.enter_step``): processing, or awaiting the result on the
#: returner's step.
STEP_STATES = frozenset({S.PROCESSING, S.AWAITING_RESULT})
#: Where a reception (at the counter or of an online submission) leads: the state of the step it enters, or,
#: when the procedure has a fixed fee and billing asks for it, straight into awaiting payment: one event,
#: ``receive``, with the clock stopped from the reception. No other transition leads to awaiting payment
#: (a dossier never goes back to waiting for its fee), and paying it (``fee_paid``) leads to processing.
RECEIVED = STEP_STATES | {S.AWAITING_PAYMENT}

#: (action) -> {from status: to status}. A set as target: one of these, decided by the action (the process's
#: next or previous step, or the fee); ``transition()`` refuses any state outside it.
TRANSITIONS: dict[str, dict[str, str | frozenset[str]]] = {
    A.RECEIVE: {NEW: RECEIVED, S.SUBMITTED: RECEIVED},
    A.HAND_OVER: {S.PROCESSING: STEP_STATES},
    A.APPROVE: {S.PROCESSING: STEP_STATES},
    A.SEND_BACK: {S.PROCESSING: STEP_STATES, S.AWAITING_RESULT: STEP_STATES},
    A.REQUEST_SUPPLEMENT: {S.PROCESSING: S.SUPPLEMENT_REQUESTED},
    A.SUPPLY: {S.SUPPLEMENT_REQUESTED: S.PROCESSING},
    A.REFUSE: {S.SUBMITTED: S.REFUSED, S.PROCESSING: S.REFUSED},
    A.PAUSE: {S.PROCESSING: S.PAUSED},
    A.RESUME: {S.PAUSED: S.PROCESSING},
    A.EXTEND: {S.PROCESSING: S.PROCESSING},
    A.ISSUE_RESULT: {S.AWAITING_RESULT: S.RESULT_READY},
    A.RETURN_RESULT: {S.RESULT_READY: S.RETURNED},
    A.WITHDRAW: {s: S.WITHDRAWN for s in (S.SUBMITTED, S.AWAITING_PAYMENT, S.PROCESSING, S.SUPPLEMENT_REQUESTED,
                                         S.PAUSED)},
    A.FEE_PAID: {S.AWAITING_PAYMENT: S.PROCESSING},
}

#: States in which the deadline clock is stopped (waiting for the citizen, or paused by rule).
CLOCK_STOPPED = frozenset({S.AWAITING_PAYMENT, S.SUPPLEMENT_REQUESTED, S.PAUSED})
#: States in which the dossier is being worked on (and can be late).
ACTIVE = frozenset({S.PROCESSING, S.AWAITING_RESULT})
#: Every state that is not finished.
OPEN = frozenset({S.SUBMITTED, *CLOCK_STOPPED, *ACTIVE, S.RESULT_READY})
FINAL = frozenset({S.RETURNED, S.REFUSED, S.WITHDRAWN})

#: Actions done by the holder of the current step's role (and listed in that step's actions).
STEP_ACTIONS = frozenset({A.HAND_OVER, A.APPROVE, A.SEND_BACK, A.REQUEST_SUPPLEMENT, A.REFUSE, A.PAUSE,
                          A.RESUME, A.EXTEND, A.ISSUE_RESULT, A.RETURN_RESULT})

#: Default actions of a step, by the step's role.
DEFAULT_STEP_ACTIONS: dict[str, list[str]] = {
    "receiver": [A.RECEIVE, A.REFUSE],
    "processor": [A.HAND_OVER, A.SEND_BACK, A.REQUEST_SUPPLEMENT, A.REFUSE, A.PAUSE, A.RESUME, A.EXTEND],
    "approver": [A.APPROVE, A.SEND_BACK, A.REFUSE, A.PAUSE, A.RESUME, A.EXTEND],
    "returner": [A.ISSUE_RESULT, A.RETURN_RESULT, A.SEND_BACK],
}


def allowed_from(action: str) -> frozenset[str]:
    """The states of a dossier ``action`` may be done from (a new dossier's reception aside)."""
    return frozenset(TRANSITIONS.get(action, {})) - {NEW}


def target(action: str, from_status: str, decided: str | None) -> str | None:
    """The state ``action`` leads to from ``from_status``, given the state the action ``decided`` (None: the
    table's own); None if the table does not allow it (the action from that state, or that target)."""
    allowed = TRANSITIONS.get(action, {}).get(from_status)
    if allowed is None:
        return None
    if isinstance(allowed, frozenset):
        return decided if decided in allowed else None
    return allowed if decided in (None, allowed) else None
