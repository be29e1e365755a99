"""The ticket state machine refuses every move DESIGN.md does not allow."""
import pytest

from hotline.infra.errors import IllegalTransition
from hotline.tickets.states import OPEN_STATUSES, STATUSES, TRANSITIONS, allowed_actions, next_status

DESIGN_EDGES = {
    ("received", "answered"), ("received", "dispatched"), ("dispatched", "accepted"),
    ("dispatched", "returned"), ("returned", "dispatched"), ("accepted", "replied"),
    ("replied", "callback_done"), ("callback_done", "closed"), ("callback_done", "reopened"),
    ("reopened", "accepted"),
} | {(s, "merged") for s in OPEN_STATUSES}


def test_edges_are_exactly_those_of_the_design():
    edges = {(source, t.target) for t in TRANSITIONS.values() for source in t.sources}
    assert edges == DESIGN_EDGES


@pytest.mark.parametrize("status", STATUSES)
@pytest.mark.parametrize("action", list(TRANSITIONS))
def test_every_illegal_move_names_state_and_action(status, action):
    if status in TRANSITIONS[action].sources:
        assert next_status(status, action) == TRANSITIONS[action].target
    else:
        with pytest.raises(IllegalTransition) as err:
            next_status(status, action)
        assert err.value.detail == {"current_status": status, "action": action}
        assert err.value.status_code == 409


def test_closed_and_merged_tickets_allow_nothing():
    assert allowed_actions("closed") == []
    assert allowed_actions("merged") == []
    assert set(allowed_actions("received")) == {"answer", "dispatch", "merge"}
