"""CSV cells that no spreadsheet runs as a formula (CSV injection), for every CSV the system writes."""

# What a spreadsheet takes as the start of a formula; a tab or carriage return first is dropped by some
# and the rest of the cell read as one.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_cell(value) -> str:
    """`value` as CSV cell text: one that would start a formula gets a leading apostrophe, which the
    spreadsheet shows as text. A number (``-12.5``) stays a number."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_STARTS) and not _is_number(text):
        return "'" + text
    return text


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True
