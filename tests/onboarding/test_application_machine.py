"""The application's state machine: every transition not in its table is refused, the others taken."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from control.console.models import OperatorAction
from onboarding.models import Application
from onboarding.transitions import TRANSITIONS, application_transition
from tests.onboarding.helpers import sign_up

pytestmark = pytest.mark.django_db
STATUSES = list(Application.Status.values)


def test_every_transition_not_in_the_table_is_refused_and_the_others_taken():
    app = sign_up("22", "quangninh")
    refused = taken = 0
    for current in STATUSES:
        for to in STATUSES:
            Application.objects.filter(pk=app.pk).update(status=current)  # test setup: put it there
            app.refresh_from_db()
            if to in TRANSITIONS[current]:
                application_transition(application=app, to=to, actor="test", action=f"to_{to}")
                assert app.status == to
                assert OperatorAction.objects.filter(application_id=app.pk, action=f"to_{to}").exists()
                taken += 1
                continue
            with pytest.raises(ValidationError) as err:
                application_transition(application=app, to=to, actor="test", action="refused")
            assert "Không thể chuyển đơn" in err.value.messages[0]
            assert Application.objects.get(pk=app.pk).status == current
            refused += 1
    assert taken == sum(len(v) for v in TRANSITIONS.values()) and refused == len(STATUSES) ** 2 - taken
    assert not OperatorAction.objects.filter(application_id=app.pk, action="refused").exists()


def test_a_stale_application_is_refused():
    app = sign_up("22", "quangninh")
    stale = Application.objects.get(pk=app.pk)
    application_transition(application=app, to="rejected", actor="a", action="reject")
    with pytest.raises(ValidationError) as err:
        application_transition(application=stale, to="approved", actor="b", action="approve")  # was submitted
    assert "vừa được người khác xử lý" in err.value.messages[0]
    assert Application.objects.get(pk=app.pk).status == "rejected"
