"""Rules the suite keeps about itself, so that it cannot go red by the calendar again.

Time moves in one way only: time-machine's ``time_machine`` fixture, which moves
every clock Python reads, the ``default=timezone.now`` of model fields included.
Patching ``timezone.now`` alone leaves those defaults on the real clock (a test
went red by itself when the date it pinned passed).
"""

import re
from pathlib import Path

TESTS = Path(__file__).resolve().parent
FORBIDDEN = {
    "patching timezone.now alone": re.compile(r"""(setattr|patch)\(\s*["'][\w.]*timezone\.now"""),
    "patching timezone.now alone (object form)": re.compile(r"setattr\(\s*timezone\s*,\s*[\"']now"),
    "a second clock library": re.compile(r"^\s*(import|from)\s+(freezegun|libfaketime)\b", re.M),
}


def _offences(text):
    return [name for name, pattern in FORBIDDEN.items() if pattern.search(text)]


def test_the_rules_recognise_the_ways_time_was_pinned_before():
    assert _offences('monkeypatch.setattr("django.utils.timezone.now", lambda: day)')
    assert _offences("mock.patch('django.utils.timezone.now', return_value=x)")
    assert _offences('monkeypatch.setattr(timezone, "now", lambda: day)')
    assert _offences("from freezegun import freeze_time")
    assert not _offences("time_machine.move_to(start - timedelta(hours=24), tick=False)")


def test_no_test_moves_time_except_through_time_machine():
    this = Path(__file__).resolve()
    found = [
        f"{path.relative_to(TESTS.parent)}: {name}"
        for path in sorted(TESTS.rglob("*.py"))
        if path != this
        for name in _offences(path.read_text(encoding="utf-8"))
    ]
    assert found == [], "use the time_machine fixture instead:\n" + "\n".join(found)
