"""The dossier's state table, walked: every transition not in it is refused, and so is a state its row does
not list; a reception with a fee goes straight into awaiting payment with one event (each change of status
has exactly one event); the actions a page offers are those ``authorize`` allows."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tenants.dossiers import services as s
from tenants.dossiers.errors import DossierError, NotAllowed
from tenants.dossiers.models import Dossier, DossierEvent
from tenants.dossiers.states import NEW, RECEIVED, STEP_ACTIONS, TRANSITIONS, Action, Status, target
from tenants.dossiers.transitions import Ctx, allowed_actions, authorize, transition, transition_new
from tests.tenants.dossiers.helpers import APPLICANT, pdf_upload, receive

pytestmark = pytest.mark.django_db


def _events(d: Dossier) -> list[tuple[str, str, str]]:
    return list(DossierEvent.objects.filter(dossier_id=d.pk).order_by("at", "id")
                .values_list("action", "from_status", "to_status"))


def _one_event_per_change(d: Dossier) -> None:
    """The trail is a chain: each event starts where the previous one ended, the last ends where the dossier is."""
    trail = _events(d)
    assert trail[0][1] in (NEW, Status.SUBMITTED)
    for (_, _, before), (_, after, _) in zip(trail, trail[1:], strict=False):
        assert after == before, trail
    assert trail[-1][2] == Dossier.objects.get(pk=d.pk).status, trail


def _fee(o, amount: int = 50_000) -> None:  # noqa: ANN001
    from tenants.procedures.models import Fee

    Fee.objects.create(procedure=o.procedure, name="Lệ phí đăng ký", amount_vnd=amount)
    o.procedure.save()  # a new updated_at: the reception settings are read again


# ----- the reception of a fee-bearing procedure ------------------------------------------------------------

def test_a_fee_bearing_counter_reception_is_one_event_straight_into_awaiting_payment(office):
    from billing.fees.models import PaymentRequest

    _fee(office)
    with CaptureQueriesContext(connection) as ctx:
        d = receive(office)
    # No status written beside the one statement that writes the dossier and its audit row.
    assert not [q["sql"] for q in ctx.captured_queries if q["sql"].startswith('UPDATE "dossiers_dossier"')]
    fresh = Dossier.objects.get(pk=d.pk)
    assert (d.status, fresh.status) == (Status.AWAITING_PAYMENT, Status.AWAITING_PAYMENT)
    assert fresh.paused_at == fresh.received_at  # the clock waits for the citizen from the reception
    assert fresh.fee_total_vnd == 50_000 and fresh.version == 1
    assert fresh.current_step.role == "processor"  # the step it starts when the fee is paid
    assert _events(d) == [("receive", "", "awaiting_payment")]
    event = DossierEvent.objects.get(dossier_id=d.pk)
    assert event.actor == office.receiver and event.step.role == "receiver" and event.to_step_name
    assert event.unit_name == office.dept.name  # where the dossier waits, and goes on once paid
    assert PaymentRequest.objects.filter(subject_id=d.pk, reference=d.code, amount_vnd=50_000).exists()

    s.dossier_fee_paid(dossier_id=d.pk, payment_id=4242)
    paid = Dossier.objects.get(pk=d.pk)
    assert paid.status == Status.PROCESSING and paid.paused_at is None and paid.fee_paid_vnd == 50_000
    assert _events(d) == [("receive", "", "awaiting_payment"), ("fee_paid", "awaiting_payment", "processing")]
    _one_event_per_change(d)


def test_a_fee_less_counter_reception_is_unchanged(office):
    from billing.fees.models import PaymentRequest

    d = receive(office)
    fresh = Dossier.objects.get(pk=d.pk)
    assert fresh.status == Status.PROCESSING and fresh.paused_at is None and fresh.fee_total_vnd == 0
    assert _events(d) == [("receive", "", "processing")]
    assert DossierEvent.objects.get(dossier_id=d.pk).unit_name == office.dept.name
    assert not PaymentRequest.objects.filter(subject_id=d.pk).exists()
    _one_event_per_change(d)


def test_a_fee_bearing_online_reception_is_one_event_from_submitted(office):
    _fee(office)
    d = s.dossier_submit(procedure=office.procedure, receiving_unit=office.one_stop, applicant=APPLICANT)
    d = s.dossier_receive_online(dossier_id=d.pk, actor=office.receiver, expected_version=d.version)
    assert d.status == Status.AWAITING_PAYMENT and d.paused_at is not None and d.code
    assert _events(d) == [("receive", "submitted", "awaiting_payment")]
    _one_event_per_change(d)


def test_a_whole_journey_leaves_one_event_per_change_of_status(office):
    d = receive(office)
    d = s.dossier_request_supplement(dossier_id=d.pk, actor=office.processor, note="Bổ sung tờ khai")
    d = s.dossier_supply(dossier_id=d.pk, actor=office.receiver)
    d = s.dossier_pause(dossier_id=d.pk, actor=office.processor, note="Chờ xác minh")
    d = s.dossier_resume(dossier_id=d.pk, actor=office.processor)
    d = s.dossier_hand_over(dossier_id=d.pk, actor=office.processor)
    d = s.dossier_approve(dossier_id=d.pk, actor=office.approver)
    d = s.dossier_issue_result(dossier_id=d.pk, actor=office.returner, result_file=pdf_upload())
    d = s.dossier_return_result(dossier_id=d.pk, actor=office.returner, method="post")
    assert [a for a, _, _ in _events(d)] == ["receive", "request_supplement", "supply", "pause", "resume",
                                             "hand_over", "approve", "issue_result", "return_result"]
    _one_event_per_change(d)


# ----- the table, walked -----------------------------------------------------------------------------------

def test_target_follows_the_table_and_nothing_else():
    for action in Action.values:
        row = TRANSITIONS.get(action, {})
        for status in [NEW, *Status.values]:
            for decided in [None, *Status.values]:
                allowed = row.get(status)
                expected = (None if allowed is None
                            else (decided if decided in allowed else None) if isinstance(allowed, frozenset)
                            else (allowed if decided in (None, allowed) else None))
                assert target(action, status, decided) == expected, (action, status, decided)
    # What the table says of awaiting payment: only a reception leads there, only paying (or withdrawing) leaves.
    into = {(a, f) for a, row in TRANSITIONS.items() for f, t in row.items()
            if t == Status.AWAITING_PAYMENT or (isinstance(t, frozenset) and Status.AWAITING_PAYMENT in t)}
    assert into == {(Action.RECEIVE, NEW), (Action.RECEIVE, Status.SUBMITTED)}
    out = {a for a, row in TRANSITIONS.items() if Status.AWAITING_PAYMENT in row}
    assert out == {Action.FEE_PAID, Action.WITHDRAW}
    assert Status.AWAITING_PAYMENT in RECEIVED


@pytest.mark.parametrize("action", Action.values)
def test_every_transition_not_in_the_table_is_refused(office, action):
    d = receive(office)
    refused = [st for st in Status.values if st not in TRANSITIONS.get(action, {})]
    assert refused  # no action is allowed from every state
    for status in refused:
        Dossier.objects.filter(pk=d.pk).update(status=status)
        before = Dossier.objects.get(pk=d.pk)

        def apply(dossier, ctx, status=status):  # noqa: ANN001, ANN202
            raise AssertionError(f"{action} applied from {status}")

        with pytest.raises(DossierError, match="Không thể thực hiện") as exc:
            transition(dossier_id=d.pk, action=action, actor=None, apply=apply, expected_version=before.version)
        assert exc.type is DossierError  # refused by the table, before anyone's role is asked
        after = Dossier.objects.get(pk=d.pk)
        assert (after.status, after.version, after.updated_at) == (status, before.version, before.updated_at)
    assert len(_events(d)) == 1  # the reception's only


def test_a_state_outside_the_actions_row_is_refused_and_nothing_is_written(office):
    d = receive(office)
    tries = [(Action.HAND_OVER, office.processor, Status.RETURNED),  # a step decides: only a step's state
             (Action.PAUSE, office.processor, Status.REFUSED),  # a fixed target: only that one
             (Action.REQUEST_SUPPLEMENT, office.processor, Status.AWAITING_PAYMENT)]
    for action, actor, wrong in tries:
        with pytest.raises(DossierError, match="không thể đưa hồ sơ"):
            transition(dossier_id=d.pk, action=action, actor=actor, apply=lambda dossier, ctx, w=wrong: w)
    fresh = Dossier.objects.get(pk=d.pk)
    assert (fresh.status, fresh.version) == (Status.PROCESSING, d.version) and len(_events(d)) == 1


def test_a_new_dossiers_first_transition_is_checked_by_the_same_table(office):
    from django.utils import timezone

    from tenants.dossiers import deadlines

    ctx = Ctx(actor=office.receiver, now=timezone.now(), cal=deadlines.calendar())
    for wrong in (Status.REFUSED, Status.RETURNED, Status.SUBMITTED, Status.PAUSED):
        with pytest.raises(DossierError, match="không thể đưa hồ sơ"):
            transition_new(Dossier(), action=Action.RECEIVE, actor=office.receiver, apply=lambda d, c, w=wrong: w,
                           ctx=ctx, step=None, budget=None)
    with pytest.raises(DossierError):  # only a reception creates a dossier
        transition_new(Dossier(), action=Action.HAND_OVER, actor=office.receiver,
                       apply=lambda d, c: Status.PROCESSING, ctx=ctx, step=None, budget=None)
    paying = Dossier()
    event = transition_new(paying, action=Action.RECEIVE, actor=office.receiver,
                           apply=lambda d, c: Status.AWAITING_PAYMENT, ctx=ctx, step=None, budget=None)
    assert (paying.status, paying.paused_at) == (Status.AWAITING_PAYMENT, ctx.now)
    assert (event.action, event.from_status, event.to_status, event.pk) == ("receive", "", "awaiting_payment", None)


# ----- the actions a page offers ------------------------------------------------------------------------------

USERS = ("receiver", "processor", "approver", "returner", "admin", "outsider")

# state -> {user: actions offered}; users not listed are offered nothing.
OFFERED = {
    "submitted": {"receiver": {"receive", "refuse", "withdraw"}},
    "processor": {"receiver": {"withdraw"},
                  "processor": {"hand_over", "send_back", "request_supplement", "refuse", "pause", "extend"}},
    "supplement": {"receiver": {"supply", "withdraw"}, "processor": {"supply"}},
    "paused": {"receiver": {"withdraw"}, "processor": {"resume"}},
    "approver": {"receiver": {"withdraw"}, "approver": {"approve", "send_back", "refuse", "pause", "extend"}},
    "returner": {"returner": {"issue_result", "send_back"}},
    "ready": {"returner": {"return_result"}},
    "returned": {},
}


def _at(o, state: str) -> Dossier:  # noqa: ANN001
    if state == "submitted":
        return s.dossier_submit(procedure=o.procedure, receiving_unit=o.one_stop, applicant=APPLICANT)
    d = receive(o)
    if state == "supplement":
        return s.dossier_request_supplement(dossier_id=d.pk, actor=o.processor, note="Bổ sung tờ khai")
    if state == "paused":
        return s.dossier_pause(dossier_id=d.pk, actor=o.processor, note="Chờ xác minh")
    if state == "processor":
        return d
    d = s.dossier_hand_over(dossier_id=d.pk, actor=o.processor)
    if state == "approver":
        return d
    d = s.dossier_approve(dossier_id=d.pk, actor=o.approver)
    if state == "returner":
        return d
    d = s.dossier_issue_result(dossier_id=d.pk, actor=o.returner, result_file=pdf_upload())
    if state == "ready":
        return d
    return s.dossier_return_result(dossier_id=d.pk, actor=o.returner, method="post")


@pytest.mark.parametrize("state", sorted(OFFERED))
def test_the_page_offers_what_authorize_allows(office, client_a, state):
    d = Dossier.objects.select_related("current_step").get(pk=_at(office, state).pk)
    for who in USERS:
        user = getattr(office, who)
        client_a.force_login(user)
        page = client_a.get(f"/staff/dossiers/{d.pk}/")
        offered = set(re.findall(r'/thao-tac/([a-z_]+)/"', page.content.decode())) if page.status_code == 200 else set()
        assert offered == OFFERED[state].get(who, set()), (state, who, offered)
        if page.status_code != 200:
            continue
        assert offered == set(allowed_actions(user, d))
        for action in (a for a, row in TRANSITIONS.items() if d.status in row):
            if action in offered:
                authorize(user, d, action)
            else:
                with pytest.raises(NotAllowed):
                    authorize(user, d, action)
        assert offered <= STEP_ACTIONS | {"receive", "supply", "withdraw"}


def test_allowed_actions_asks_each_role_once(office, django_assert_max_num_queries):
    d = Dossier.objects.select_related("current_step").get(pk=receive(office).pk)
    with django_assert_max_num_queries(2):  # the receiving unit's receiver role, the current step's role
        assert set(allowed_actions(office.processor, d)) == OFFERED["processor"]["processor"]
