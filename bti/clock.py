"""The time of day as the product sees it: Norwegian time, to the second.

`BTI_NOW` (an ISO 8601 time with offset) fixes the clock, for reproducible documents and tests.
"""

from __future__ import annotations

import datetime as dt
import os
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


def zone() -> dt.tzinfo:
    try:
        return ZoneInfo("Europe/Oslo")
    except ZoneInfoNotFoundError:  # a machine without tzdata: local time still has an offset
        return dt.datetime.now().astimezone().tzinfo or dt.UTC


def now() -> dt.datetime:
    fixed = os.environ.get("BTI_NOW")
    if fixed:
        value = dt.datetime.fromisoformat(fixed)
        current = value.astimezone(zone()) if value.tzinfo else value.replace(tzinfo=zone())
    else:
        current = dt.datetime.now(zone()).replace(microsecond=0)
    # A fixed offset writes as +01:00 and compares equal after reading it back.
    offset = current.utcoffset() or dt.timedelta(0)
    return current.replace(tzinfo=dt.timezone(offset))


def today() -> dt.date:
    return now().date()


def age(born: dt.date, on: dt.date) -> int:
    years = on.year - born.year
    if (on.month, on.day) < (born.month, born.day):
        years -= 1
    return years
