"""Free slots of a mentor, computed without the database or the clock.

Weekly rules and date overrides are wall-clock times in the mentor's zone.
Each day's ranges become instants through ``zoneinfo`` (so a 09:00-17:00 rule is
09:00-17:00 local on both sides of a DST change), then slots step through them
in real time. A slot is offered only if it could be booked: inside the
mentor's hours, after the minimum notice, within the horizon and the mentee's
assignment period, its range plus buffers clear of the mentor's other bookings,
clear of the mentee's own sessions, and under the daily, weekly and period limits.

:func:`free_slots` lists them and :func:`refusal` says why one time is not
bookable; both use the same checks, so the picker never shows a slot that
booking would refuse. The caller loads a :class:`Calendar` in a fixed number of
queries (``mentorship.selectors.load_calendar``); everything here is in memory,
with sorted intervals and binary search, whatever the number of bookings.
"""

import bisect
import enum
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

OFF = "off"
EXTRA = "extra"


@dataclass(frozen=True)
class Rule:
    weekday: int  # Monday is 0
    start: time
    end: time


@dataclass(frozen=True)
class Override:
    first_day: date
    last_day: date
    kind: str  # OFF or EXTRA
    start: time | None = None
    end: time | None = None


@dataclass(frozen=True)
class Session:
    """An existing active booking, as far as the computation needs it."""

    start: datetime
    end: datetime
    blocked_start: datetime
    blocked_end: datetime
    mentee_id: int | None = None
    assignment_id: int | None = None


@dataclass(frozen=True)
class Policy:
    zone: ZoneInfo
    lengths: tuple[int, ...] = (30,)
    interval: int = 30
    buffer_before: int = 0
    buffer_after: int = 0
    notice: timedelta = timedelta(0)
    horizon: timedelta = timedelta(days=30)
    daily_limit: int | None = None
    weekly_limit: int | None = None
    # Assignment: bookable days (mentor's zone, both included) and a total.
    period: tuple[date, date] | None = None
    session_limit: int | None = None


@dataclass
class Calendar:
    """Everything needed to compute one mentee's free slots with one mentor."""

    policy: Policy
    rules: list[Rule]
    overrides: list[Override] = field(default_factory=list)
    # The mentor's active bookings around the window (their buffers included).
    mentor_sessions: list[Session] = field(default_factory=list)
    # The mentee's active sessions with any mentor (a mentee is in one place at a time).
    mentee_sessions: list[Session] = field(default_factory=list)
    mentee_id: int | None = None
    assignment_id: int | None = None

    def __post_init__(self):
        zone = self.policy.zone
        self._busy = _merge((s.blocked_start, s.blocked_end) for s in self.mentor_sessions)
        self._mentee_busy = _merge((s.start, s.end) for s in self.mentee_sessions)
        self._per_day = Counter(s.start.astimezone(zone).date() for s in self.mentor_sessions)
        mine = [s for s in self.mentor_sessions if s.mentee_id == self.mentee_id]
        self._per_week = Counter(_week(s.start.astimezone(zone).date()) for s in mine)
        self._in_period = sum(
            1 for s in mine if self.assignment_id and s.assignment_id == self.assignment_id
        )


@dataclass(frozen=True, order=True)
class Slot:
    start: datetime
    end: datetime

    @property
    def minutes(self):
        return int((self.end - self.start).total_seconds() // 60)


class Refusal(enum.Enum):
    LENGTH = "length"
    PAST = "past"
    NOTICE = "notice"
    HORIZON = "horizon"
    PERIOD = "period"
    OUTSIDE_HOURS = "outside_hours"
    NOT_OFFERED = "not_offered"
    TAKEN = "taken"
    MENTEE_BUSY = "mentee_busy"
    DAILY_LIMIT = "daily_limit"
    WEEKLY_LIMIT = "weekly_limit"
    SESSION_LIMIT = "session_limit"


def _week(day):
    iso = day.isocalendar()
    return iso.year, iso.week


def _merge(intervals: Iterable[tuple[datetime, datetime]]):
    """Sorted, non-overlapping intervals; touching ones are joined."""
    merged = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def _subtract(intervals, cuts):
    """``intervals`` minus ``cuts`` (both sorted and merged)."""
    result = []
    for start, end in intervals:
        pieces = [(start, end)]
        for cut_start, cut_end in cuts:
            next_pieces = []
            for a, b in pieces:
                if cut_end <= a or cut_start >= b:
                    next_pieces.append((a, b))
                    continue
                if a < cut_start:
                    next_pieces.append((a, cut_start))
                if cut_end < b:
                    next_pieces.append((cut_end, b))
            pieces = next_pieces
        result.extend(pieces)
    return result


def _overlaps(intervals, start, end):
    """True if [start, end) overlaps any of the sorted, merged ``intervals``."""
    index = bisect.bisect_right(intervals, (start, datetime.max.replace(tzinfo=UTC)))
    # The interval starting at or before ``start``, and the next one.
    for candidate in intervals[max(0, index - 1) : index + 1]:
        if candidate[0] < end and start < candidate[1]:
            return True
    return False


def to_instant(day, moment, zone, *, fold=0):
    """A wall-clock time on ``day`` in ``zone`` as a UTC instant.

    A time skipped by a DST change (02:30 on a spring-forward night) is read
    with the offset before the change, i.e. as the instant an hour later on the
    new clock; a repeated time (fall back) is its first occurrence (``fold=0``).
    """
    return datetime.combine(day, moment, tzinfo=zone).replace(fold=fold).astimezone(UTC)


def day_ranges(day, rules, overrides):
    """The wall-clock ranges of one local day: (weekly - days off) + extra - blocked hours."""
    covering = [o for o in overrides if o.first_day <= day <= o.last_day]
    if any(o.kind == OFF and o.start is None for o in covering):
        ranges = []
    else:
        ranges = [(r.start, r.end) for r in rules if r.weekday == day.weekday()]
    ranges += [(o.start, o.end) for o in covering if o.kind == EXTRA]
    blocked = [(o.start, o.end) for o in covering if o.kind == OFF and o.start is not None]
    return _subtract(_merge(ranges), _merge(blocked))


def availability(rules, overrides, zone, first_day, last_day):
    """The mentor's open hours from ``first_day`` to ``last_day`` (local), as UTC intervals."""
    intervals = []
    day = first_day
    while day <= last_day:
        for start, end in day_ranges(day, rules, overrides):
            intervals.append((to_instant(day, start, zone), to_instant(day, end, zone)))
        day += timedelta(days=1)
    return _merge(i for i in intervals if i[0] < i[1])


def _candidates(windows, minutes, interval):
    length = timedelta(minutes=minutes)
    step = timedelta(minutes=interval)
    for window_start, window_end in windows:
        start = window_start
        while start + length <= window_end:
            yield start
            start += step


def _local_days(policy, start, end):
    first = start.astimezone(policy.zone).date() - timedelta(days=1)
    last = end.astimezone(policy.zone).date() + timedelta(days=1)
    if policy.period:
        first, last = max(first, policy.period[0]), min(last, policy.period[1])
    return first, last


def _too_early_or_late(policy, start, now):
    """Why ``start`` is no time to book at all (past, too soon, too far ahead, outside
    the assignment's days), or None."""
    if start <= now:
        return Refusal.PAST
    if start < now + policy.notice:
        return Refusal.NOTICE
    if start > now + policy.horizon:
        return Refusal.HORIZON
    if policy.period:
        local_day = start.astimezone(policy.zone).date()
        if not policy.period[0] <= local_day <= policy.period[1]:
            return Refusal.PERIOD
    return None


def _busy(calendar, start, end):
    """Why [start, end) clashes with a session: the mentor's (with buffers) or the mentee's."""
    policy = calendar.policy
    blocked_start = start - timedelta(minutes=policy.buffer_before)
    blocked_end = end + timedelta(minutes=policy.buffer_after)
    if _overlaps(calendar._busy, blocked_start, blocked_end):
        return Refusal.TAKEN
    if _overlaps(calendar._mentee_busy, start, end):
        return Refusal.MENTEE_BUSY
    return None


def _blocked_by(calendar, start, minutes, now):
    """Why a start inside the mentor's hours cannot be booked, or None."""
    policy = calendar.policy
    end = start + timedelta(minutes=minutes)
    reason = _too_early_or_late(policy, start, now) or _busy(calendar, start, end)
    if reason is not None:
        return reason
    local_day = start.astimezone(policy.zone).date()
    if policy.daily_limit is not None and calendar._per_day[local_day] >= policy.daily_limit:
        return Refusal.DAILY_LIMIT
    if (
        policy.weekly_limit is not None
        and calendar._per_week[_week(local_day)] >= policy.weekly_limit
    ):
        return Refusal.WEEKLY_LIMIT
    if policy.session_limit is not None and calendar._in_period >= policy.session_limit:
        return Refusal.SESSION_LIMIT
    return None


def free_slots(calendar, minutes, now, start=None, end=None):
    """Bookable slots of ``minutes`` starting in [start, end] (default: now → horizon)."""
    policy = calendar.policy
    earliest = max(start or now, now + policy.notice)
    latest = min(end or now + policy.horizon, now + policy.horizon)
    if minutes not in policy.lengths or earliest > latest:
        return []
    first_day, last_day = _local_days(policy, earliest, latest)
    windows = availability(calendar.rules, calendar.overrides, policy.zone, first_day, last_day)
    length = timedelta(minutes=minutes)
    return [
        Slot(s, s + length)
        for s in _candidates(windows, minutes, policy.interval)
        if earliest <= s <= latest and _blocked_by(calendar, s, minutes, now) is None
    ]


def refusal(calendar, start, minutes, now, *, any_length=False):
    """Why a session of ``minutes`` at ``start`` cannot be booked, or None if it can.

    ``any_length`` skips the offered-lengths check (a mentor proposing a time).
    """
    policy = calendar.policy
    if not any_length and minutes not in policy.lengths:
        return Refusal.LENGTH
    if start.tzinfo is None:
        return Refusal.NOT_OFFERED
    start = start.astimezone(UTC)
    reason = _too_early_or_late(policy, start, now)
    if reason is not None:
        return reason
    local_day = start.astimezone(policy.zone).date()
    day_before, day_after = local_day - timedelta(days=1), local_day + timedelta(days=1)
    windows = availability(calendar.rules, calendar.overrides, policy.zone, day_before, day_after)
    end = start + timedelta(minutes=minutes)
    if not any(a <= start and end <= b for a, b in windows):
        return Refusal.OUTSIDE_HOURS
    if start not in set(_candidates(windows, minutes, policy.interval)):
        return Refusal.NOT_OFFERED
    return _blocked_by(calendar, start, minutes, now)


def group_by_day(slots, zone):
    """Slots grouped by the viewer's local date, days in order; only days with slots."""
    days = {}
    for slot in slots:
        days.setdefault(slot.start.astimezone(zone).date(), []).append(slot)
    return sorted(days.items())


def open_minutes(rules, overrides, zone, start, end):
    """Minutes the mentor offered between two instants (for utilisation reports)."""
    first_day, last_day = (
        start.astimezone(zone).date() - timedelta(days=1),
        end.astimezone(zone).date() + timedelta(days=1),
    )
    total = timedelta(0)
    for a, b in availability(rules, overrides, zone, first_day, last_day):
        a, b = max(a, start), min(b, end)
        if a < b:
            total += b - a
    return int(total.total_seconds() // 60)


def clash(calendar, start, minutes, now):
    """Why a time the mentor chooses herself cannot be used: past, taken or mentee busy.

    A mentor may propose a time outside her published hours and limits; only
    the facts of the calendar stop her.
    """
    if start.tzinfo is None:
        return Refusal.NOT_OFFERED
    start = start.astimezone(UTC)
    if start <= now:
        return Refusal.PAST
    return _busy(calendar, start, start + timedelta(minutes=minutes))
