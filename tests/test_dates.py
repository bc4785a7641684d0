"""Dates as readers see them (plugins/briefs/dates.py), whatever the machine's locale."""

import datetime
import locale

import pytest

from briefs.dates import longdate


@pytest.mark.parametrize("value, shown", [
    ("2025-04-18", "18 April 2025"),
    ("2025-03-01", "1 March 2025"),
    ("2025-12", "December 2025"),
    ("2025", "2025"),
    ("2025-02-30", "2025-02-30"),  # not a day: shown as written (the checks report it)
    ("", ""),
    (datetime.date(2025, 4, 18), "18 April 2025"),
    (datetime.datetime(2025, 1, 5, 9, 30), "5 January 2025"),
])
def test_long_dates(value, shown):
    assert longdate(value) == shown


def test_month_names_do_not_follow_the_locale():
    try:
        previous = locale.setlocale(locale.LC_TIME)
        locale.setlocale(locale.LC_TIME, "C.UTF-8")
    except locale.Error:
        pytest.skip("no C.UTF-8 locale")
    try:
        assert longdate(datetime.date(2025, 4, 18)) == "18 April 2025"
    finally:
        locale.setlocale(locale.LC_TIME, previous)
