"""What of the audit log a reader sees (USE-4, AUD-1).

The log's plate-bearing fields are ALPR data. An event of an action that may name a plate (the
registry's ``names_plates``) carries it in its description (a justification's or a flag's words, a
hotlist entry), its query (the plate searched, a read's plate as viewed, a flag's plate before and
after) or a target that is not an id (``plate:``, ``plate-pattern:``). Those fields are shown only to a
reader under an open audit justification: ``alpr.access`` checks it and hands the audit selectors a
`Disclosure`, and the listing's audit row carries the justification. Otherwise they are withheld; what
is left is who, when, which action, the outcome, purpose, case number, the reason of a refusal (the
system's own words, less any plate of the query it quotes), the ids of the targets, the numbers of the query
and the result count.
"""
import json
import re
from dataclasses import dataclass

from audit import actions
from audit.models import AuditEvent

WITHHELD = "[plate withheld — open an audit justification]"
# The fields of an event that may carry plate text. A refusal's reason is the system's own words, shown,
# but it may quote the plate typed ("a differing character anywhere in QZX7"): the query's plate texts
# are withheld from it too.
PLATE_FIELDS = ("description", "targets", "query", "reason")
_ID = re.compile(r"\d{1,19}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


@dataclass(frozen=True)
class Disclosure:
    """Leave to show the log's plate text: made by ``alpr.access`` once it has checked an audit
    justification, whose purpose, case number and description the listing's audit row carries."""

    justification_id: int
    audit_fields: dict


@dataclass(frozen=True)
class ShownEvent:
    """An event as its reader sees it: the event's own fields, but for the plate-bearing ones as shown."""

    event: AuditEvent
    description: str
    targets: list
    query: dict
    reason: str

    def __getattr__(self, name):
        return getattr(self.event, name)

    @property
    def query_text(self) -> str:
        return json.dumps(self.query, sort_keys=True, ensure_ascii=False) if self.query else ""


def names_plates(code: str) -> bool:
    """Whether events of action `code` may carry plate text (an unregistered action may)."""
    try:
        return actions.get(code).names_plates
    except KeyError:
        return True


def _is_number(value) -> bool:
    return value is None or isinstance(value, bool | int | float)


def _withheld_query(value):
    """Keep the query's keys and its numbers (ids, counts, flags); withhold every text in it."""
    if isinstance(value, dict):
        return {key: _withheld_query(item) for key, item in value.items()}
    if isinstance(value, list):
        return value if all(isinstance(item, int) for item in value) else WITHHELD
    return value if _is_number(value) else WITHHELD


def _withheld_target(target) -> str:
    """Keep a target that names an object by its id (``read:12``); withhold one that names it by text."""
    kind, _, value = str(target).partition(":")
    return target if "plate" not in kind and _ID.fullmatch(value) else f"{kind}:{WITHHELD}"


_WITHHOLD = {
    "description": lambda text: WITHHELD if text else text,
    "targets": lambda targets: [_withheld_target(target) for target in targets or ()],
    "query": _withheld_query,
}


def _plate_texts(value, *, under_plate_key: bool = False) -> set[str]:
    """The texts of at least two characters under a query's plate keys (``plate``, ``plates``,
    ``plate_before``…), nested, as typed."""
    if isinstance(value, dict):
        return set().union(*(_plate_texts(item, under_plate_key=under_plate_key or "plate" in str(key))
                             for key, item in value.items()))
    if isinstance(value, list):
        return set().union(*(_plate_texts(item, under_plate_key=under_plate_key) for item in value))
    text = value.strip() if isinstance(value, str) and under_plate_key else ""
    return {text} if len(text) >= 2 else set()


def _as_plate(text: str) -> str:
    """A plate text as the system writes it back: upper case, without the separators people type."""
    return re.sub(r"[^A-Z0-9?*]", "", text.upper())


def _withheld_reason(reason: str, query) -> str:
    """The reason with any plate text of the event's query in it withheld, as typed ("QZX 7") and as the
    system writes it back ("QZX7"), in any case, longest first."""
    texts = _plate_texts(query)
    texts |= {plate for plate in map(_as_plate, texts) if len(plate) >= 2}
    for text in sorted(texts, key=len, reverse=True):
        reason = re.sub(re.escape(text), WITHHELD, reason or "", flags=re.IGNORECASE)
    return reason


def shown_fields(fields: dict, *, action: str, disclosed: bool) -> dict:
    """Return `fields` of an event of `action` (any of PLATE_FIELDS among them) as the reader sees them."""
    if disclosed or not names_plates(action):
        return fields
    shown = {name: _WITHHOLD[name](value) if name in _WITHHOLD else value for name, value in fields.items()}
    if fields.get("reason"):
        shown["reason"] = _withheld_reason(fields["reason"], fields.get("query"))
    return shown


def shown_event(event: AuditEvent, *, disclosed: bool) -> ShownEvent:
    fields = {name: getattr(event, name) for name in PLATE_FIELDS}
    return ShownEvent(event, **shown_fields(fields, action=event.action, disclosed=disclosed))


def reads_named(targets_of_events) -> list[str]:
    """Return the ``read:<id>`` targets of the events, once each, in order: the reads a listing names."""
    return list(dict.fromkeys(target for targets in targets_of_events for target in targets or ()
                              if str(target).startswith("read:")))
