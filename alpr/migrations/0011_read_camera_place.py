"""Each read keeps where its camera was when the photo was taken (CAM-1, USE-6, RET-4).

Before this, a read of a fixed camera had no place of its own: searches, evidence packages and the partner
API placed it at the camera's *current* position, so relocating a camera moved all its past reads to the
new place. Now the read carries the camera's registered place at capture time, as a mobile read carries
the position its device sent.

The database sets it, on every insert, whoever inserts (ingest, its further plates of a photo, the shell):
``alpr_camera_place_at(camera, moment)`` answers from the placements that took effect
(reports.CameraLocationHistory) and the registry. The first move after the moment says where the camera
was (it moved *from* there; an installation has no earlier place, so the installed place); with no move
since, the camera is where the registry says now. A photo captured before a move and uploaded after it
(a camera's backlog) therefore gets the place it was taken at. An update never changes the place: a
full ``save()`` of an instance that never saw the database's values cannot blank it.

Existing reads are filled by the same function, so their place is the one in force at their capture.
That rewrites every row once (the columns are added in the catalogue only, then updated). The table is
partitioned: raw SQL on the parent reaches every day partition, and partitions created later inherit
the columns and the triggers.
"""
from django.db import migrations, models

ADD_SQL = """
ALTER TABLE alpr_plateread ADD COLUMN camera_latitude numeric(9, 6) NULL;
ALTER TABLE alpr_plateread ADD COLUMN camera_longitude numeric(9, 6) NULL;
ALTER TABLE alpr_plateread ADD COLUMN camera_location varchar(300) NOT NULL DEFAULT '';

CREATE FUNCTION alpr_camera_place_at(camera bigint, moment timestamptz,
                                     OUT latitude numeric, OUT longitude numeric, OUT description text)
    LANGUAGE plpgsql STABLE AS $$
BEGIN
    SELECT CASE WHEN p.kind = 'install' THEN h.latitude ELSE h.previous_latitude END,
           CASE WHEN p.kind = 'install' THEN h.longitude ELSE h.previous_longitude END,
           CASE WHEN p.kind = 'install' THEN h.location_description ELSE h.previous_description END
      INTO latitude, longitude, description
      FROM reports_cameralocationhistory h
      LEFT JOIN reports_cameraplacementrequest p ON p.id = h.placement_id
     WHERE h.camera_id = camera AND h.effective_at > moment
     ORDER BY h.effective_at, h.id
     LIMIT 1;
    IF NOT FOUND THEN
        SELECT c.latitude, c.longitude, c.location_description INTO latitude, longitude, description
          FROM alpr_camera c WHERE c.id = camera;
    END IF;
END $$;

UPDATE alpr_plateread r
   SET (camera_latitude, camera_longitude, camera_location) =
       (SELECT place.latitude, place.longitude, coalesce(place.description, '')
          FROM alpr_camera_place_at(r.camera_id, r.captured_at) place);

CREATE FUNCTION alpr_read_camera_place() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        SELECT place.latitude, place.longitude, coalesce(place.description, '')
          INTO NEW.camera_latitude, NEW.camera_longitude, NEW.camera_location
          FROM alpr_camera_place_at(NEW.camera_id, NEW.captured_at) place;
    ELSE
        NEW.camera_latitude := OLD.camera_latitude;
        NEW.camera_longitude := OLD.camera_longitude;
        NEW.camera_location := OLD.camera_location;
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER alpr_read_camera_place BEFORE INSERT ON alpr_plateread
    FOR EACH ROW EXECUTE FUNCTION alpr_read_camera_place();
CREATE TRIGGER alpr_read_camera_place_kept BEFORE UPDATE OF camera_latitude, camera_longitude, camera_location
    ON alpr_plateread FOR EACH ROW EXECUTE FUNCTION alpr_read_camera_place();
"""

DROP_SQL = """
DROP TRIGGER alpr_read_camera_place_kept ON alpr_plateread;
DROP TRIGGER alpr_read_camera_place ON alpr_plateread;
DROP FUNCTION alpr_read_camera_place();
DROP FUNCTION alpr_camera_place_at(bigint, timestamptz);
ALTER TABLE alpr_plateread DROP COLUMN camera_location;
ALTER TABLE alpr_plateread DROP COLUMN camera_longitude;
ALTER TABLE alpr_plateread DROP COLUMN camera_latitude;
"""


class Migration(migrations.Migration):

    dependencies = [
        ('alpr', '0010_read_source_index'),
        ('reports', '0004_placement_prior_approval'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunSQL(ADD_SQL, DROP_SQL)],
            state_operations=[
                migrations.AddField(
                    model_name='plateread',
                    name='camera_latitude',
                    field=models.DecimalField(blank=True, decimal_places=6, editable=False, help_text="The camera's registered latitude when the photo was taken (set by the database).", max_digits=9, null=True),
                ),
                migrations.AddField(
                    model_name='plateread',
                    name='camera_longitude',
                    field=models.DecimalField(blank=True, decimal_places=6, editable=False, help_text="The camera's registered longitude when the photo was taken (set by the database).", max_digits=9, null=True),
                ),
                migrations.AddField(
                    model_name='plateread',
                    name='camera_location',
                    field=models.CharField(blank=True, editable=False, help_text="The camera's registered location description when the photo was taken (set by the database).", max_length=300),
                ),
            ],
        ),
    ]
