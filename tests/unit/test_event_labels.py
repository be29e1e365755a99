"""Every event the product writes has its Chinese name in the one map every timeline reads (common.js), so no
timeline shows a raw code such as `supervision_order`."""
import re
from pathlib import Path

from hotline.tickets.states import TRANSITIONS

ROOT = Path(__file__).resolve().parents[2]
COMMON_JS = ROOT / "hotline" / "web" / "static" / "js" / "common.js"


# An event written by SQL: the first literal of what is inserted into ticket_events is its action.
SQL_EVENT = re.compile(r"INSERT INTO ticket_events \([^)]*\)\s*(?:VALUES \(|SELECT )[^']*'([a-z_]+)'")


def written_actions() -> set[str]:
    actions = set(TRANSITIONS) | {"sla_warning", "sla_overdue"}  # the timers' f-string
    for path in (ROOT / "hotline").rglob("*.py"):
        if "bench" in path.parts:
            continue
        # a staff account's changes (accounts._audit) are kept in user_changes, on no ticket's timeline
        text = re.sub(r"\b_audit\([^)]*\)", "", path.read_text(encoding="utf-8"))
        actions |= set(re.findall(r'\baction="([a-z_]+)"', text))
        actions |= set(re.findall(r'\b_event\(conn, order, "([a-z_]+)"', text))
    for path in (ROOT / "hotline").rglob("*.sql"):
        actions |= set(SQL_EVENT.findall(path.read_text(encoding="utf-8")))
    return actions


def labelled_actions() -> set[str]:
    text = COMMON_JS.read_text(encoding="utf-8")
    block = re.search(r"\n    action: \{(.*?)\n    \},", text, re.S).group(1)
    return set(re.findall(r"\b([a-z_]+): \"", block))


def test_every_written_event_has_a_chinese_name():
    actions = written_actions()
    assert {"receive", "supervision_order", "supervision_answered", "callback_link_issued", "callback_attempt"} <= actions
    assert actions - labelled_actions() == set()
