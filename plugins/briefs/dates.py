"""Dates as readers see them: '18 April 2025' (EDITORIAL.md).

Month names come from this list, not from strftime's `%B`: that one follows the
machine's locale (a build must not depend on it) and costs a tenth of a millisecond
a call, thousands of times a build."""

import datetime
import functools

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")


def longdate(value) -> str:
    """'2025-04-18', '2025-04', '2025' or a date/datetime -> '18 April 2025', 'April 2025', '2025'."""
    if isinstance(value, (datetime.date, datetime.datetime)):
        return f"{value.day} {MONTHS[value.month - 1]} {value.year}"
    return _from_text(str(value or ""))


@functools.lru_cache(maxsize=4096)
def _from_text(text: str) -> str:
    parts = text.split("-")
    try:
        if len(parts) == 3:
            day = datetime.date(int(parts[0]), int(parts[1]), int(parts[2]))
            return f"{day.day} {MONTHS[day.month - 1]} {day.year}"
        if len(parts) == 2:
            month = datetime.date(int(parts[0]), int(parts[1]), 1)
            return f"{MONTHS[month.month - 1]} {month.year}"
    except ValueError:
        return text
    return text


def began_on(doc) -> str:
    """The ISO day a brief's topic began (`began`, kept by plugins/history, else `date`): what
    orders briefs in time on the thread pages and in the topic graphs."""
    day = getattr(doc, "began", None) or getattr(doc, "date", None)
    return day.date().isoformat() if isinstance(day, datetime.datetime) else str(day or "")
