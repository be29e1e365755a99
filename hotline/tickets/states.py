"""The ticket state machine from DESIGN.md: which action moves a ticket from which state to which."""
from __future__ import annotations

from dataclasses import dataclass

from hotline.infra.errors import IllegalTransition

STATUSES = (
    "received", "answered", "dispatched", "accepted", "returned", "replied",
    "callback_done", "reopened", "closed", "merged",
)
OPEN_STATUSES = frozenset({"received", "dispatched", "accepted", "returned", "reopened"})


@dataclass(frozen=True)
class Transition:
    action: str
    sources: frozenset[str]
    target: str


TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in (
        Transition("answer", frozenset({"received"}), "answered"),          # 直接答复
        Transition("dispatch", frozenset({"received", "returned"}), "dispatched"),
        Transition("sign", frozenset({"dispatched", "reopened"}), "accepted"),  # 签收 (again after 重办)
        Transition("return", frozenset({"dispatched"}), "returned"),        # 退单
        Transition("reply", frozenset({"accepted"}), "replied"),            # 办结答复
        Transition("callback", frozenset({"replied"}), "callback_done"),    # 回访
        Transition("reopen", frozenset({"callback_done"}), "reopened"),     # 重办
        Transition("close", frozenset({"callback_done"}), "closed"),
        Transition("merge", OPEN_STATUSES, "merged"),
    )
}


def next_status(current: str, action: str) -> str:
    """The status after `action`, or IllegalTransition naming the current state and the action."""
    transition = TRANSITIONS.get(action)
    if transition is None:
        raise ValueError(f"unknown action {action!r}")
    if current not in transition.sources:
        raise IllegalTransition(current_status=current, action=action)
    return transition.target


def allowed_actions(current: str) -> list[str]:
    return [t.action for t in TRANSITIONS.values() if current in t.sources]
