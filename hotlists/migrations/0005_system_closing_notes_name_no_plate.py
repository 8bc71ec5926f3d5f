"""The notes the system wrote when it closed an alert on a read's correction named the read's plate before
and after ("the read's plate 7ABC123 was confirmed misread and corrected to 7ABC128"); everyone who
receives alerts sees a closed alert's notes, its read closed to them. Rewrite them as the system writes
them now: the flag, not the plates (the audit entry of the closing keeps both, withheld from a reader
without an audit justification)."""
import re

from django.db import migrations

OLD_NOTE = re.compile(r"^Closed by the system: the read's plate \S+ was confirmed misread and corrected to \S+ "
                      r"\(flag (\d+)\)\.(.*)$", re.DOTALL)


def rewrite_closing_notes(apps, schema_editor):
    Alert = apps.get_model("hotlists", "Alert")
    closed = Alert.objects.filter(verification_notes__startswith="Closed by the system: the read's plate ")
    for alert in closed.only("pk", "verification_notes").iterator():
        if match := OLD_NOTE.match(alert.verification_notes):
            flag, rest = match.groups()
            Alert.objects.filter(pk=alert.pk).update(verification_notes=(
                f"Closed by the system: its read was confirmed misread and its plate corrected (flag {flag}); "
                f"it no longer matches this entry.{rest}"))


class Migration(migrations.Migration):

    dependencies = [
        ("hotlists", "0004_entry_case_number_as_long_as_a_searchs"),
    ]

    operations = [
        migrations.RunPython(rewrite_closing_notes, migrations.RunPython.noop),
    ]
