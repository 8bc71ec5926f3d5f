"""How policy values read on a page: a proposed change as rows of before and after."""
from django.template.defaultfilters import pluralize

from policy.models import AgencyPolicy, PolicyChangeProposal

# Published on the portal only as a count: the department's network addresses help an attacker more
# than they inform the public, who comment on whether networks are added, not on their numbers.
_COUNTED_ON_PORTAL = {"trusted_networks"}


def field_label(name: str) -> str:
    return str(AgencyPolicy._meta.get_field(name).verbose_name).capitalize()


def value_text(name: str, value, *, public: bool = False) -> str:
    """Return a policy value as a line of text, as the portal (`public`) or a staff page shows it."""
    if public and name in _COUNTED_ON_PORTAL:
        return f"{len(value)} network{pluralize(len(value))} (addresses not published)"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    choices = dict(AgencyPolicy._meta.get_field(name).choices or ())
    if value in choices:  # a choice reads as its label, e.g. what an alert of another state does
        return str(choices[value])
    if isinstance(value, list):
        return "; ".join(_entry_text(entry) for entry in value) or "—"
    return str(value) if value not in ("", None) else "—"


def _entry_text(entry) -> str:
    if not isinstance(entry, dict):
        return str(entry)
    text = f"{entry.get('label', '')} ({entry.get('code', '')})"
    terms = entry.get("terms")
    return f"{text}, words: {', '.join(terms)}" if terms else text


# A list of short words reads best on one line; sentences and purposes read best as a list.
_INLINE_WORD_LENGTH = 40


def value_entries(value) -> dict | None:
    """Return a list value as entries for a page, or None for a value that is not a list.

    {"inline": bool, "entries": [{"label", "code", "terms"}]}: purposes keep their code and their words;
    plain strings are labels. Short words are shown inline, longer texts as a bulleted list.
    """
    if not isinstance(value, list):
        return None
    entries = [{"label": entry.get("label", ""), "code": entry.get("code", ""),
                "terms": entry.get("terms", [])}
               if isinstance(entry, dict) else {"label": str(entry), "code": "", "terms": []}
               for entry in value]
    inline = all(not entry["code"] and len(entry["label"]) <= _INLINE_WORD_LENGTH for entry in entries)
    return {"inline": inline, "entries": entries}


def change_rows(proposal: PolicyChangeProposal, *, public: bool = False) -> list[dict]:
    """Return one row per proposed value: its label, the value before and the value proposed."""
    return [{"name": name, "label": field_label(name),
             "before": value_text(name, proposal.before.get(name), public=public),
             "after": value_text(name, value, public=public)}
            for name, value in proposal.changes.items()]
