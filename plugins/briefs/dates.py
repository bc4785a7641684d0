"""Dates as readers see them: '18 April 2025' (EDITORIAL.md)."""

import datetime


def longdate(value) -> str:
    """'2025-04-18', '2025-04', '2025' or a date/datetime -> '18 April 2025', 'April 2025', '2025'."""
    if isinstance(value, (datetime.date, datetime.datetime)):
        return f"{value.day} {value:%B %Y}"
    text = str(value or "")
    parts = text.split("-")
    try:
        if len(parts) == 3:
            day = datetime.date(int(parts[0]), int(parts[1]), int(parts[2]))
            return f"{day.day} {day:%B %Y}"
        if len(parts) == 2:
            return f"{datetime.date(int(parts[0]), int(parts[1]), 1):%B %Y}"
    except ValueError:
        return text
    return text
