"""Publication dates written as lines of text near the top of a scraped page or a press release.

Scraped pages carry their date as a line of its own (``March 3, 2025``, ``Published: 21 Aug 2025 09:40 AEST``,
``Updated 3:42 p.m. ET, Tue March 4, 2025``), inside the byline (``By Jane Doe | March 3, 2025``) or in a press
release's dateline (``WASHINGTON (June 21, 2020) —``, ``ARLINGTON, Va., October 21, 2025 –``). A line is taken as
a date line only when *all* of it is a date, a time, a zone, a ``Published``/``Updated`` label, a byline or a
reading time: a sentence that merely mentions a date never is.

Zone abbreviations come from ``data/time_zones.csv`` (reviewable; an analyst can override it with
``SPACEETL_DATA_DIR``). ``12/03/2025`` is ambiguous: the other numeric dates of the same file decide when one of
them is unambiguous (``25/03/2025`` means day first); otherwise ``AMBIGUOUS_DAY_FIRST`` decides, and the
ambiguity is reported so an analyst can check it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone, tzinfo

from ..data import cached_per_data_dir

#: Default reading of an ambiguous ``NN/NN/YYYY`` date when the file gives no evidence: month first, the US
#: convention, because most English-language space and defence news is published in the US.
AMBIGUOUS_DAY_FIRST = False

_MONTH = (r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
          r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?")
_WEEKDAY = r"(?:Mon|Tues?|Wed|Thu(?:rs?)?|Fri|Sat|Sun)(?:day|sday|nesday|rsday|urday|\.)?,?"
_DAY = r"\d{1,2}(?:st|nd|rd|th)?"
_YEAR = r"(?:19|20)\d\d"
_DATE = (rf"(?:{_WEEKDAY}\s+)?(?:{_MONTH}\s+{_DAY},?\s+{_YEAR}|{_DAY}\s+{_MONTH},?\s+{_YEAR}|"
         rf"{_YEAR}-\d\d-\d\d|\d{{1,2}}[/.]\d{{1,2}}[/.]{_YEAR})")
_TIME = r"(?:\d{1,2}[:.]\d\d(?::\d\d)?(?:\s*[ap]\.?\s?m\.?)?|\d{1,2}\s*[ap]\.?\s?m\.?)"
_ZONE = r"(?:\(?[A-Z]{1,5}\)?(?:\s*[+-]\d{1,2}(?::?\d\d)?)?|[+-]\d\d:?\d\d)"
_ISO = rf"{_YEAR}-\d\d-\d\d[T ]\d\d:\d\d(?::\d\d(?:\.\d+)?)?(?:Z|[+-]\d\d:?\d\d)?"
_SEP = r"(?:\s*[,|@·•]\s*|\s+at\s+|\s+-\s+|\s+)"
_DATETIME = (rf"(?:{_ISO}|{_DATE}(?:{_SEP}{_TIME}(?:\s*{_ZONE})?)?|"
             rf"{_TIME}(?:\s*{_ZONE})?{_SEP}{_DATE})")
_LABEL = (r"(?P<label>(?:first\s+|originally\s+)?published|posted|updated|last\s+updated|last\s+modified|modified|"
          r"released|date|dated|issued)(?:\s+(?:on|at))?\s*:?\s*")

DATE_IN_TEXT = re.compile(_DATE, re.IGNORECASE)
_DATE_SEGMENT = re.compile(rf"^(?:{_LABEL})?(?P<when>{_DATETIME})\.?$", re.IGNORECASE)
_BYLINE_SEGMENT = re.compile(r"^(?:(?:posted|published|written|words)\s+)?by\s+(?P<names>[^|•·]{2,120}?)"
                             rf"(?:(?:\s*[,–—-]\s*|\s+on\s+)(?P<when>{_DATETIME}))?$", re.IGNORECASE)
_READING_TIME = re.compile(r"^\d{1,3}\s*(?:-\s*)?min(?:ute)?s?(?:\s+read)?$", re.IGNORECASE)
_NUMERIC = re.compile(r"\b(\d{1,2})[/.](\d{1,2})[/.]((?:19|20)\d\d)\b")
_PLACE = r"(?P<place>[A-Z][A-Za-z.'’\-]+(?:[ ,]+[A-Z][A-Za-z.'’\-]+){0,4}?)"
_DATED_DATELINE = re.compile(
    rf"^{_PLACE}[ ,]*(?:\((?P<d1>{_DATE})\)\s*(?:[—–]|-{{1,2}})?|(?:[—–]|-{{1,2}})?\s*(?P<d2>{_DATE})\s*(?:[—–]|-{{1,2}}))\s*"
)
_NOT_PLACE = re.compile(rf"^(?:on|by|in|at|the|{_WEEKDAY}|{_MONTH})$", re.IGNORECASE)


@dataclass(frozen=True)
class FoundDate:
    """A publication date read from the text; ``label`` is ``published``, ``updated`` or ``None`` (a bare date)."""

    text: str
    at: datetime
    label: str | None
    note: str | None = None  # e.g. how an ambiguous day/month date was read

    @property
    def rank(self) -> int:
        """Which of several date lines is the publication date: an explicit 'published' label, then a bare
        date, then 'updated' (an update time is later than the publication)."""
        return {"published": 0, None: 1, "updated": 2}[self.label]


@dataclass(frozen=True)
class MetaLine:
    """A top-of-page line made only of dates, a byline and reading-time labels."""

    dates: list[FoundDate]
    byline_names: str | None


@cached_per_data_dir
def zone_table() -> dict[str, tzinfo]:
    from zoneinfo import ZoneInfo

    from ..data import read_csv

    table: dict[str, tzinfo] = {}
    for row in read_csv("time_zones.csv"):
        zone = row["zone"]
        m = re.fullmatch(r"([+-])(\d\d):(\d\d)", zone)
        if m:
            sign = 1 if m.group(1) == "+" else -1
            table[row["abbreviation"].upper()] = timezone(sign * timedelta(hours=int(m.group(2)), minutes=int(m.group(3))))
        else:
            table[row["abbreviation"].upper()] = ZoneInfo(zone)
    return table


def dateutil_zones(name: str | None, offset: int | None) -> tzinfo | None:
    """``tzinfos`` callback for dateutil: a zone abbreviation from the table, else the numeric offset as written."""
    zones = zone_table()
    if name and name.upper() in zones:
        return zones[name.upper()]
    return timezone(timedelta(seconds=offset)) if offset is not None else None


def day_first_evidence(text: str) -> bool | None:
    """True/False when a numeric date in the text can only be read one way; None when every one is ambiguous."""
    for a, b, _ in _NUMERIC.findall(text):
        if int(a) > 12 >= int(b):
            return True
        if int(b) > 12 >= int(a):
            return False
    return None


def parse_when(when: str, *, day_first: bool | None = None) -> tuple[datetime, str | None] | None:
    """A date/time phrase -> (UTC datetime, note on an ambiguous reading). Naive times are taken as UTC."""
    from dateutil import parser as dateparser

    note = None
    text = re.sub(r"\b([ap])\.?\s?m\.?(?=\W|$)", lambda m: f"{m.group(1).upper()}M", when.strip(), flags=re.IGNORECASE)
    text = re.sub(r"\((\w+)\)", r"\1", text)
    numeric = _NUMERIC.search(text)
    dayfirst = False
    if numeric:
        a, b = int(numeric.group(1)), int(numeric.group(2))
        if a > 12:
            dayfirst = True
        elif b > 12:
            dayfirst = False
        else:
            dayfirst = AMBIGUOUS_DAY_FIRST if day_first is None else day_first
            if a != b:
                reason = "the file's other numeric dates" if day_first is not None else "the default"
                note = (f"ambiguous day/month in {numeric.group(0)!r}: read as "
                        f"{'day/month' if dayfirst else 'month/day'} from {reason}")
    try:
        parsed = dateparser.parse(text, dayfirst=dayfirst, fuzzy=True, tzinfos=dateutil_zones)
    except (ValueError, OverflowError, TypeError):
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed.astimezone(timezone.utc), note


def _label_kind(label: str | None) -> str | None:
    if not label:
        return None
    low = label.lower()
    if "updated" in low or "modified" in low:
        return "updated"
    return "published"


def _known_zone(when: str) -> bool:
    """A trailing capitalised word must be a zone of the table (or the line is not a date line)."""
    m = re.search(r"\(?\b([A-Z]{1,5})\)?(?:\s*[+-]\d{1,2}(?::?\d\d)?)?$", when.strip())
    if not m or re.search(rf"{_MONTH}$|{_WEEKDAY}$", when.strip(), re.IGNORECASE):
        return True
    if re.search(r"\d$", when.strip()):
        return True
    return m.group(1).upper() in zone_table() or m.group(1).upper() in {"AM", "PM"}


def date_segment(segment: str, *, day_first: bool | None = None) -> FoundDate | None:
    segment = segment.strip()
    m = _DATE_SEGMENT.match(segment)
    if not m or not _known_zone(m.group("when")):
        return None
    parsed = parse_when(m.group("when"), day_first=day_first)
    if parsed is None:
        return None
    return FoundDate(segment, parsed[0], _label_kind(m.group("label")), parsed[1])


def meta_line(line: str, *, day_first: bool | None = None) -> MetaLine | None:
    """Split ``By Jane Doe | Published 3 March 2025 | 4 min read`` into its parts, or None when any part is
    something else (then the line is content, a headline or a plain byline)."""
    line = line.strip()
    if not line or len(line) > 200:
        return None
    dates: list[FoundDate] = []
    names: str | None = None
    for seg in re.split(r"\s+[|•·]\s+|\s*\|\s*", line):
        if not seg.strip():
            continue
        found = date_segment(seg, day_first=day_first)
        if found:
            dates.append(found)
            continue
        by = _BYLINE_SEGMENT.match(seg.strip())
        if by and names is None:
            names = by.group("names").strip(" ,")
            if by.group("when"):
                parsed = parse_when(by.group("when"), day_first=day_first)
                if parsed is None:
                    return None
                dates.append(FoundDate(by.group("when"), parsed[0], None, parsed[1]))
            continue
        if _READING_TIME.match(seg.strip()):
            continue
        return None
    if not dates:
        return None
    return MetaLine(dates, names)


def dated_dateline(paragraph: str, *, day_first: bool | None = None) -> tuple[str, FoundDate, int] | None:
    """``PLACE (DATE) —`` or ``PLACE, DATE —`` at the start of the first paragraph -> (place, date, end offset)."""
    m = _DATED_DATELINE.match(paragraph)
    if not m:
        return None
    place = m.group("place").strip(" ,")
    first = place.split(",")[0].split()[0]
    if _NOT_PLACE.match(first) or not first[0].isupper():
        return None
    when = m.group("d1") or m.group("d2")
    parsed = parse_when(when, day_first=day_first)
    if parsed is None:
        return None
    return place, FoundDate(when, parsed[0], None, parsed[1]), m.end()
