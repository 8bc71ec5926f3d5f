"""Django's named formats for English, so a date or time rendered without a filter reads like every
other one (core/dates.py)."""
from core.dates import DAY, MONTH, TIME, WHEN

DATE_FORMAT = DAY
SHORT_DATE_FORMAT = DAY
DATETIME_FORMAT = WHEN
SHORT_DATETIME_FORMAT = WHEN
TIME_FORMAT = TIME
YEAR_MONTH_FORMAT = MONTH
