"""Date mentions -> a date and its granularity, resolved against the article's publication date.

"Oct. 15" takes the year that puts it nearest the publication date; "in January", "last month", "next year" and
weekdays are relative and need the publication date - without one they stay unresolved (kept as text).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9,
    "oct": 10, "nov": 11, "dec": 12,
}
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_MONTH = r"(?P<month>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
_MDY = re.compile(rf"^{_MONTH}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?(?:\s*[-–]\s*\d{{1,2}})?(?:,?\s+(?P<year>\d{{4}}))?$", re.I)
_DMY = re.compile(rf"^(?P<day>\d{{1,2}})(?:st|nd|rd|th)?(?:\s*[-–]\s*\d{{1,2}})?\s+{_MONTH}(?:,?\s+(?P<year>\d{{4}}))?$", re.I)
_MY = re.compile(rf"^(?:early |mid-?|late |the end of |end of |the start of )?{_MONTH}(?:,?\s+(?P<year>\d{{4}}))?$", re.I)
_Y = re.compile(r"^(?:early |mid-?|late |fiscal |fy ?|the end of |end of )?(?P<year>(?:19|20)\d{2})$", re.I)
_ISO = re.compile(r"^(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})$")
_REL = re.compile(r"^(?P<which>last|next|this|previous|coming|the past|the previous|the next|the coming)\s+(?P<unit>week|month|year|quarter)$", re.I)
_LEAD = re.compile(r"^(?:on|in|by|since|from|until|through|during|before|after|as of|as early as|the)\s+", re.I)


@dataclass(frozen=True)
class ResolvedDate:
    value: date | None
    resolution: str  # day, month, year, unresolved
    relative: bool


UNRESOLVED = ResolvedDate(None, "unresolved", False)


def _month(token: str) -> int:
    return MONTHS[token.lower().rstrip(".")[:4] if token.lower().startswith("sept") else token.lower()[:3]]


def _nearest_year(month: int, day: int, ref: date) -> int:
    candidates = [ref.year - 1, ref.year, ref.year + 1]
    return min(candidates, key=lambda y: abs((_safe_date(y, month, day) - ref).days))


def _safe_date(year: int, month: int, day: int) -> date:
    for d in (day, 28):
        try:
            return date(year, month, d)
        except ValueError:
            continue
    return date(year, month, 1)


def resolve_date(text: str, published: date | None) -> ResolvedDate:
    t = _LEAD.sub("", " ".join(text.split())).strip(" ,.")
    t = _LEAD.sub("", t)
    low = t.lower()
    if m := _ISO.match(t):
        return ResolvedDate(_safe_date(int(m["year"]), int(m["month"]), int(m["day"])), "day", False)
    for pattern in (_MDY, _DMY):
        if m := pattern.match(t):
            month, day = _month(m["month"]), int(m["day"])
            if not 1 <= day <= 31:
                return UNRESOLVED
            if m["year"]:
                return ResolvedDate(_safe_date(int(m["year"]), month, day), "day", False)
            if published is None:
                return ResolvedDate(None, "unresolved", True)
            return ResolvedDate(_safe_date(_nearest_year(month, day, published), month, day), "day", True)
    if m := _MY.match(t):
        month = _month(m["month"])
        if m["year"]:
            return ResolvedDate(date(int(m["year"]), month, 1), "month", False)
        if published is None:
            return ResolvedDate(None, "unresolved", True)
        # A bare month in news is the latest one not far in the future.
        year = published.year if month <= published.month + 2 else published.year - 1
        return ResolvedDate(date(year, month, 1), "month", True)
    if m := _Y.match(t):
        return ResolvedDate(date(int(m["year"]), 1, 1), "year", False)
    if published is None:
        return ResolvedDate(None, "unresolved", _is_relative(low))
    if m := _REL.match(t):
        which, unit = m["which"].lower(), m["unit"].lower()
        step = -1 if which in {"last", "previous", "the past", "the previous"} else (1 if which in {"next", "coming", "the next", "the coming"} else 0)
        if unit == "year":
            return ResolvedDate(date(published.year + step, 1, 1), "year", True)
        if unit == "month":
            y, mth = divmod(published.year * 12 + published.month - 1 + step, 12)
            return ResolvedDate(date(y, mth + 1, 1), "month", True)
        if unit == "quarter":
            q = (published.month - 1) // 3 + step
            y, q = published.year + q // 4, q % 4
            return ResolvedDate(date(y, q * 3 + 1, 1), "month", True)
        monday = published - timedelta(days=published.weekday()) + timedelta(weeks=step)
        return ResolvedDate(monday, "day", True)
    if low in {"today", "this morning", "tonight", "this afternoon", "this evening"}:
        return ResolvedDate(published, "day", True)
    if low == "yesterday":
        return ResolvedDate(published - timedelta(days=1), "day", True)
    if low == "tomorrow":
        return ResolvedDate(published + timedelta(days=1), "day", True)
    if low.rstrip("s") in WEEKDAYS or low.removeprefix("last ").rstrip("s") in WEEKDAYS:
        wd = WEEKDAYS.index(low.removeprefix("last ").rstrip("s"))
        back = (published.weekday() - wd) % 7 or 7
        return ResolvedDate(published - timedelta(days=back), "day", True)
    return ResolvedDate(None, "unresolved", _is_relative(low))


def _is_relative(low: str) -> bool:
    return bool(re.search(r"\b(last|next|this|ago|yesterday|today|tomorrow|coming|previous)\b", low))
