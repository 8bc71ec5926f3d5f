"""An index on the further plates of a photo (``source_read_id``): only those reads have one, so it
stays small, and packing and flags find the reads that share an upload's photo without a scan.

The table is partitioned: raw SQL on the parent reaches every day partition (and later ones inherit
it); Django's state gets the same index.
"""
from django.db import migrations, models

ADD_SQL = """
CREATE INDEX alpr_read_source ON alpr_plateread (source_read_id) WHERE source_read_id IS NOT NULL;
"""

DROP_SQL = """
DROP INDEX alpr_read_source;
"""


class Migration(migrations.Migration):

    dependencies = [
        ('alpr', '0009_image_reference_help_text'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunSQL(ADD_SQL, DROP_SQL)],
            state_operations=[
                migrations.AddIndex(
                    model_name='plateread',
                    index=models.Index(condition=models.Q(('source_read_id__isnull', False)), fields=['source_read_id'], name='alpr_read_source'),
                ),
            ],
        ),
    ]
