"""Give the policy in force the gate's new vocabulary (USE-1, USE-3).

Adds the default prohibited-purpose terms, targets and places, the personal-use purpose and the filler
descriptions to the newest policy row, keeping every term the agency added. Older rows are history
and stay as they were.
"""
from django.db import migrations

from policy import defaults

def _merged(entries: list[dict], additions: list[dict]) -> list[dict]:
    """Return `entries` with each default purpose's missing words appended (and missing purposes added)."""
    merged = [dict(entry) for entry in entries]
    by_code = {entry.get("code"): entry for entry in merged}
    for addition in additions:
        entry = by_code.get(addition["code"])
        if entry is None:
            merged.append(dict(addition))
            continue
        for key in ("terms", "targets", "places"):
            present = list(entry.get(key, []))
            present += [word for word in addition.get(key, []) if word not in present]
            if present:
                entry[key] = present
    return merged


def add_vocabulary(apps, schema_editor):
    policy = apps.get_model("policy", "AgencyPolicy").objects.order_by("-id").first()
    if policy is None:
        return
    policy.prohibited_purposes = _merged(policy.prohibited_purposes, defaults.prohibited_purposes())
    policy.vague_descriptions = [*policy.vague_descriptions, *(
        phrase for phrase in defaults.vague_descriptions() if phrase not in policy.vague_descriptions)]
    policy.save(update_fields=["prohibited_purposes", "vague_descriptions"])


class Migration(migrations.Migration):

    dependencies = [
        ('policy', '0007_read_opening_limits'),
    ]

    operations = [migrations.RunPython(add_vocabulary, migrations.RunPython.noop)]
