"""A partial index on the flagged events, so the auditor's start page counts new flags without
reading the whole log; only flagged rows (a small share) pay for it on insert."""
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("audit", "0005_digest_version_2")]

    operations = [
        migrations.AddIndex(
            model_name="auditevent",
            index=models.Index(condition=models.Q(flagged=True), fields=["occurred_at"],
                               name="audit_event_flagged_idx"),
        ),
    ]
