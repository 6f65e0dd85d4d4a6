"""A spreadsheet cell's value as the sheet shows it, from its number format.

openpyxl gives a cell's stored (cached) value and its number format, not the
text the spreadsheet shows; this renders the common formats the way Excel
does: thousands separators, fixed decimals, percentages, currency signs and
other literals, parentheses for negatives, scientific notation, and dates
and times. A format this does not know shows the value as ``General`` does.

Example:
    >>> show(1250, "#,##0"), show(0.125, "0.0%"), show(-3.5, '"$"#,##0.00;("$"#,##0.00)')
    ('1,250', '12.5%', '($3.50)')
"""

from __future__ import annotations

import datetime as dt
import re

__all__ = ["show"]

_BRACKETS = re.compile(r"\[[^\]]*\]")
_QUOTED = re.compile(r'"([^"]*)"|\\(.)|_.|\*.')
_CORE = re.compile(r"[#0?,.]*[0#?][#0?,.]*(?:[eE][+-][0#]+)?%*|%")
_DATE_TOKENS = re.compile(r"yyyy|yy|mmmmm|mmmm|mmm|mm|m|dddd|ddd|dd|d|hh|h|ss|s|am/pm|a/p",
                          re.IGNORECASE)


def show(value: object, number_format: str | None = "General") -> str:
    """The text a cell shows for its value and number format.

    Example:
        >>> show(3.0), show(0.1 + 0.2), show(True), show(dt.date(2024, 3, 1), "d-mmm-yy")
        ('3', '0.3', 'TRUE', '1-Mar-24')
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return _show_date(value, number_format or "General")
    if isinstance(value, int | float):
        try:
            return _show_number(float(value), number_format or "General")
        except (ValueError, OverflowError):
            return _general(float(value))
    return str(value)


def _general(number: float) -> str:
    if number.is_integer() and abs(number) < 1e15:
        return str(int(number))
    return format(number, ".10g")


def _sections(number_format: str) -> list[str]:
    parts, current, quoted = [], "", False
    for char in number_format:
        if char == '"':
            quoted = not quoted
        if char == ";" and not quoted:
            parts.append(current)
            current = ""
        else:
            current += char
    return [*parts, current]


def _show_number(number: float, number_format: str) -> str:
    sections = _sections(number_format)
    section, sign = sections[0], "-" if number < 0 else ""
    if number < 0 and len(sections) > 1 and sections[1].strip():
        section, sign = sections[1], ""
    elif number == 0 and len(sections) > 2 and sections[2].strip():
        section = sections[2]
    section = _BRACKETS.sub(_currency, section)
    if section.strip().lower() in ("general", "") or section.strip() == "@":
        return sign + _general(abs(number))
    literal = _QUOTED.sub(lambda m: "\x00" if m.group(0)[0] in "_*" else
                          (m.group(1) if m.group(1) is not None else m.group(2)), section)
    literal = literal.replace("\x00", "")
    core = _CORE.search(literal)
    if core is None:
        return literal
    return (sign + literal[:core.start()] + _digits(abs(number), core.group(0))
            + literal[core.end():]).strip()


def _currency(match: re.Match[str]) -> str:
    """``[$€-407]`` shows its symbol; colours and conditions (``[Red]``) show nothing."""
    text = match.group(0)
    return text[2:-1].split("-")[0] if text.startswith("[$") else ""


def _digits(number: float, core: str) -> str:
    percent = core.count("%")
    number *= 100 ** percent
    mantissa = core.replace("%", "")
    exponent = re.search(r"[eE][+-]([0#]+)", mantissa)
    if exponent:
        decimals = len(mantissa.split(".")[1].split("E")[0].split("e")[0]) if "." in mantissa \
            else 0
        text = f"{number:.{decimals}E}"
        base, _, power = text.partition("E")
        return f"{base}E{power[0]}{power[1:].lstrip('0').zfill(len(exponent.group(1)))}" \
            + "%" * percent
    while mantissa.endswith(","):  # trailing commas scale by 1,000 each
        number /= 1000
        mantissa = mantissa[:-1]
    integer, _, fraction = mantissa.partition(".")
    decimals = sum(1 for c in fraction if c in "0#?")
    grouped = "," in integer
    text = f"{number:,.{decimals}f}" if grouped else f"{number:.{decimals}f}"
    optional = sum(1 for c in fraction if c == "#")
    if optional and "." in text:  # '#' decimals: trailing zeros dropped
        keep = len(text) - optional
        head, tail = text[:keep], text[keep:].rstrip("0")
        text = (head + tail).rstrip(".")
    if integer.replace(",", "") and set(integer.replace(",", "")) <= {"#"} and \
            text.startswith("0") and len(text) > 1:
        text = text[1:]  # '#.00' shows .5, not 0.5
    return text + "%" * percent


def _show_date(value: dt.datetime | dt.date | dt.time, number_format: str) -> str:
    section = _BRACKETS.sub("", _sections(number_format)[0])
    section = _QUOTED.sub(lambda m: m.group(1) or m.group(2) or "", section)
    if not _DATE_TOKENS.search(section) or section.strip().lower() == "general":
        if isinstance(value, dt.datetime) and value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ") if isinstance(value, dt.datetime) else value.isoformat()
    twelve = bool(re.search(r"am/pm|a/p", section, re.IGNORECASE))
    tokens = list(_DATE_TOKENS.finditer(section))
    out, last = [], 0
    for i, match in enumerate(tokens):
        out.append(section[last:match.start()])
        out.append(_token(value, match.group(0), tokens, i, twelve))
        last = match.end()
    out.append(section[last:])
    return "".join(out)


def _token(value: dt.datetime | dt.date | dt.time, token: str, tokens: list[re.Match[str]],
           i: int, twelve: bool) -> str:
    lower = token.lower()
    hour = getattr(value, "hour", 0)
    if lower in ("am/pm", "a/p"):
        text = "AM" if hour < 12 else "PM"
        return text if lower == "am/pm" else text[0]
    if lower in ("m", "mm") and _minute(tokens, i):
        minute = getattr(value, "minute", 0)
        return f"{minute:02d}" if lower == "mm" else str(minute)
    if lower in ("h", "hh"):
        shown = (hour % 12 or 12) if twelve else hour
        return f"{shown:02d}" if lower == "hh" else str(shown)
    if lower in ("s", "ss"):
        second = getattr(value, "second", 0)
        return f"{second:02d}" if lower == "ss" else str(second)
    if isinstance(value, dt.time):
        return ""
    names = {"yyyy": f"{value.year:04d}", "yy": f"{value.year % 100:02d}",
             "mmmmm": value.strftime("%B")[0], "mmmm": value.strftime("%B"),
             "mmm": value.strftime("%b"), "mm": f"{value.month:02d}", "m": str(value.month),
             "dddd": value.strftime("%A"), "ddd": value.strftime("%a"),
             "dd": f"{value.day:02d}", "d": str(value.day)}
    return names.get(lower, token)


def _minute(tokens: list[re.Match[str]], i: int) -> bool:
    """An ``m`` right after hours or right before seconds means minutes."""
    before = tokens[i - 1].group(0).lower() if i > 0 else ""
    after = tokens[i + 1].group(0).lower() if i + 1 < len(tokens) else ""
    return before in ("h", "hh") or after in ("s", "ss")
