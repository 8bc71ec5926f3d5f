"""A plate-window hold keeps the reads recorded for it (HeldRead), no longer every read its plate and window
match at each use. Holds in force record here the reads they keep now: the reads of the plate captured in
the window, and those a confirmed misread flag moved off the plate after the hold was placed (the hold
dropped them silently; it was never released). A backlog read uploaded after the hold cannot be told
from one that was there when it was placed, so it stays held too: the placer or an administrator
releases what the case does not need. The index on the plate and window served the old match only.
"""
from django.db import migrations

RECORD_WINDOW_READS = """
INSERT INTO retention_heldread (hold_id, read_id, captured_at)
SELECT h.id, r.id, r.captured_at
  FROM retention_evidencehold h
  JOIN alpr_plateread r ON r.plate = h.plate AND r.captured_at >= h.window_start
                       AND r.captured_at < h.window_end
 WHERE h.released_at IS NULL AND h.plate <> ''
ON CONFLICT DO NOTHING;

INSERT INTO retention_heldread (hold_id, read_id, captured_at)
SELECT h.id, r.id, r.captured_at
  FROM retention_evidencehold h
  JOIN retention_erroneousflag f ON f.plate_before = h.plate AND f.plate_after <> ''
                                AND f.status = 'confirmed' AND f.reviewed_at >= h.placed_at
                                AND f.read_captured_at >= h.window_start AND f.read_captured_at < h.window_end
  JOIN alpr_plateread r ON r.id = f.read_id AND r.captured_at = f.read_captured_at
 WHERE h.released_at IS NULL AND h.plate <> ''
ON CONFLICT DO NOTHING;
"""


class Migration(migrations.Migration):

    dependencies = [
        ("alpr", "0011_read_camera_place"),
        ("retention", "0005_purged_read_count"),
    ]

    operations = [
        migrations.RunSQL(RECORD_WINDOW_READS, reverse_sql=migrations.RunSQL.noop),
        migrations.RemoveIndex(model_name="evidencehold", name="retention_hold_plate_window"),
    ]
