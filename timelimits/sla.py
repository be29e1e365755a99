"""Time-limit policies per ticket type and urgency, and the sign / reply deadlines they give a ticket."""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import yaml

from timelimits.calendar import WorkCalendar

ANY = "*"
BASES = ("working", "natural")
DEFAULT_WARN_FRACTION = 0.75


@dataclass(frozen=True)
class SlaPolicy:
    """How long a department has to sign (签收) and to reply (办结) for tickets of one type and urgency.

    `sign_minutes` and `reply_minutes` count working minutes when `basis` is "working" and clock
    minutes when it is "natural"; `reply_working_days` (working basis only) counts full working days.
    """

    type: str
    urgency: str
    basis: str
    sign_minutes: float
    reply_minutes: float | None = None
    reply_working_days: float | None = None

    def __post_init__(self):
        where = f"policy ({self.type}, {self.urgency})"
        if self.basis not in BASES:
            raise ValueError(f"{where}: basis must be one of {BASES}, got {self.basis!r}")
        if (self.reply_minutes is None) == (self.reply_working_days is None):
            raise ValueError(f"{where}: give exactly one of reply_minutes and reply_working_days")
        if self.reply_working_days is not None and self.basis != "working":
            raise ValueError(f"{where}: reply_working_days needs basis 'working'")
        limits = [self.sign_minutes, self.reply_minutes, self.reply_working_days]
        if any(limit is not None and limit <= 0 for limit in limits):
            raise ValueError(f"{where}: time limits must be > 0")

    @classmethod
    def from_mapping(cls, row: Mapping) -> SlaPolicy:
        """Build from a YAML entry or a database row; unknown keys are an error naming them."""
        unknown = set(row) - {f for f in cls.__dataclass_fields__}
        if unknown:
            raise ValueError(f"sla policy: unknown fields {sorted(unknown)}")
        return cls(**{"type": ANY, "urgency": ANY, **row})

    def specificity(self) -> int:
        # an urgency match outranks a type match: emergency overrides the type
        return (self.urgency != ANY) * 2 + (self.type != ANY)

    def matches(self, type_: str, urgency: str) -> bool:
        return self.type in (ANY, type_) and self.urgency in (ANY, urgency)


def load_policies(path: Path) -> tuple[list[SlaPolicy], float]:
    """Policies and the warning fraction from a policy file (the platform's is hotline/seeds/sla_policies.yaml)."""
    document = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    policies = [SlaPolicy.from_mapping(row) for row in document["policies"]]
    return policies, float(document.get("warn_fraction", DEFAULT_WARN_FRACTION))


def policy_for(policies: Iterable[SlaPolicy], type_: str, urgency: str) -> SlaPolicy:
    """The most specific policy for a ticket: type+urgency, then urgency alone, then type alone, then '*'."""
    matching = [p for p in policies if p.matches(type_, urgency)]
    if not matching:
        raise LookupError(f"no time-limit policy covers type={type_!r} urgency={urgency!r}; add a '*' row")
    return max(matching, key=SlaPolicy.specificity)


def deadlines(
    start: datetime,
    type_: str,
    urgency: str,
    calendar: WorkCalendar,
    *,
    policies: Sequence[SlaPolicy],
    warn_fraction: float = DEFAULT_WARN_FRACTION,
) -> dict[str, datetime]:
    """Sign and reply deadlines from `start` (dispatch), with warnings at `warn_fraction` of each limit."""
    if start.tzinfo is None or start.utcoffset() is None:
        raise ValueError(f"start: needs a timezone (an aware datetime), got naive {start.isoformat()}")
    if not 0 < warn_fraction < 1:
        raise ValueError(f"warn_fraction: must be between 0 and 1, got {warn_fraction}")
    policy = policy_for(policies, type_, urgency)
    reply_minutes = policy.reply_minutes
    if reply_minutes is None:
        reply_minutes = policy.reply_working_days * calendar.minutes_per_day
    if policy.basis == "natural":
        def after(minutes: float) -> datetime:
            return start + timedelta(minutes=minutes)
    else:
        def after(minutes: float) -> datetime:
            return calendar.add_working_time(start, minutes)
    return {
        "sign_by": after(policy.sign_minutes),
        "reply_by": after(reply_minutes),
        "warn_sign_at": after(policy.sign_minutes * warn_fraction),
        "warn_reply_at": after(reply_minutes * warn_fraction),
    }


def extend(reply_by: datetime, working_days: int, calendar: WorkCalendar) -> datetime:
    """The reply deadline after an approved extension; the caller keeps `reply_by` on record as the original."""
    if working_days < 1:
        raise ValueError(f"working_days: an extension is at least 1 working day, got {working_days}")
    return calendar.add_working_days(reply_by, working_days)


class SlaClock:
    """Policies and a calendar held together, for callers that only pass a ticket's type and urgency."""

    def __init__(self, policies: Sequence[SlaPolicy], calendar: WorkCalendar,
                 warn_fraction: float = DEFAULT_WARN_FRACTION):
        self.policies = list(policies)
        self.calendar = calendar
        self.warn_fraction = warn_fraction

    @classmethod
    def from_file(cls, path: Path, calendar: WorkCalendar | None = None) -> SlaClock:
        policies, warn_fraction = load_policies(path)
        return cls(policies, calendar or WorkCalendar(), warn_fraction)

    def deadlines(self, start: datetime, type_: str, urgency: str) -> dict[str, datetime]:
        return deadlines(start, type_, urgency, self.calendar, policies=self.policies,
                         warn_fraction=self.warn_fraction)

    def extend(self, reply_by: datetime, working_days: int) -> datetime:
        return extend(reply_by, working_days, self.calendar)
