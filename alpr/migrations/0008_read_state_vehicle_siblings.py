"""Plate reads keep the state's confidence, the vehicle the camera's reader described, and the upload's
read for a further plate found in the same photo (issue 13).

The table is partitioned, so the database gets raw SQL on the parent (every day partition gets the
columns; partitions created later inherit them) and Django's state the fields. Constant defaults add
the columns in the catalogue only: no partition is rewritten. The defaults stay, so raw inserts that
name the older columns only (the benchmarks') still work.
"""
from django.db import migrations, models

ADD_SQL = """
ALTER TABLE alpr_plateread ADD COLUMN state_confidence double precision NULL;
ALTER TABLE alpr_plateread ADD COLUMN vehicle jsonb NOT NULL DEFAULT '{}'::jsonb;
ALTER TABLE alpr_plateread ADD COLUMN source_read_id bigint NULL;
"""

DROP_SQL = """
ALTER TABLE alpr_plateread DROP COLUMN source_read_id;
ALTER TABLE alpr_plateread DROP COLUMN vehicle;
ALTER TABLE alpr_plateread DROP COLUMN state_confidence;
"""


class Migration(migrations.Migration):

    dependencies = [
        ('alpr', '0007_camera_in_service_since'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunSQL(ADD_SQL, DROP_SQL)],
            state_operations=[
                migrations.AddField(
                    model_name='plateread',
                    name='state_confidence',
                    field=models.FloatField(blank=True, help_text='How sure the reader was of the state (0–1); NULL when not told.', null=True),
                ),
                migrations.AddField(
                    model_name='plateread',
                    name='vehicle',
                    field=models.JSONField(blank=True, default=dict, help_text='What the camera\'s reader said of the vehicle: {colour|make|make_model|body_type: {name, confidence}}; empty when it said nothing.'),
                ),
                migrations.AddField(
                    model_name='plateread',
                    name='source_read_id',
                    field=models.BigIntegerField(blank=True, help_text="The upload's read, for another plate found in the same photo.", null=True),
                ),
                migrations.AlterField(
                    model_name='plateread',
                    name='plate',
                    field=models.CharField(blank=True, help_text='Normalised: A-Z and 0-9 only. Empty: no plate read (nothing plausible was read).', max_length=16),
                ),
            ],
        ),
    ]
