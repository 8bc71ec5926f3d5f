"""Plate reads record when hotlist matching finished, so a sweep can match those a dead worker missed.

The table is partitioned, so the database gets raw SQL on the parent (it reaches every day partition,
and partitions created later inherit the column and the index) and Django's state the field.
"""
from django.db import migrations, models

# Reads stored before this migration were matched on arrival: a constant default marks them in the
# catalogue without rewriting any partition, and is dropped at once so new reads start unmatched.
# Reads still waiting for recognition are cleared, so they are matched (or swept) once done.
ADD_MARKER_SQL = """
ALTER TABLE alpr_plateread ADD COLUMN hotlist_matched_at timestamp with time zone NULL DEFAULT now();
ALTER TABLE alpr_plateread ALTER COLUMN hotlist_matched_at DROP DEFAULT;
UPDATE alpr_plateread SET hotlist_matched_at = NULL WHERE status IN ('received', 'processing');
CREATE INDEX alpr_read_unmatched ON alpr_plateread (updated_at)
    WHERE status = 'done' AND plate <> '' AND hotlist_matched_at IS NULL;
"""

DROP_MARKER_SQL = """
DROP INDEX alpr_read_unmatched;
ALTER TABLE alpr_plateread DROP COLUMN hotlist_matched_at;
"""


class Migration(migrations.Migration):

    dependencies = [
        ('alpr', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunSQL(ADD_MARKER_SQL, DROP_MARKER_SQL)],
            state_operations=[
                migrations.AddField(
                    model_name='plateread',
                    name='hotlist_matched_at',
                    field=models.DateTimeField(blank=True, help_text='When hotlist matching finished; done reads without it are swept.', null=True),
                ),
                migrations.AddIndex(
                    model_name='plateread',
                    index=models.Index(condition=models.Q(('hotlist_matched_at__isnull', True), ('status', 'done'), models.Q(('plate', ''), _negated=True)), fields=['updated_at'], name='alpr_read_unmatched'),
                ),
            ],
        ),
    ]
