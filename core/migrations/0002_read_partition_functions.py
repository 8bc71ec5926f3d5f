"""Day partitions of the read table are created and dropped by the owner, on the app's behalf.

Only a table's owner can add or remove its partitions, and the application's role owns nothing
(0001). These two SECURITY DEFINER functions, owned by the migrating role, are the only DDL the
application can cause: create the partition of one UTC day, or detach and drop it.
"""
from django.conf import settings
from django.db import migrations

FUNCTIONS = """
CREATE OR REPLACE FUNCTION alpr_create_read_partition(day date) RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  name text := 'alpr_plateread_p' || to_char(day, 'YYYYMMDD');
BEGIN
  IF to_regclass(name) IS NOT NULL THEN
    RETURN false;
  END IF;
  EXECUTE format('CREATE TABLE %I PARTITION OF alpr_plateread FOR VALUES FROM (%L) TO (%L)',
                 name, (day::timestamp AT TIME ZONE 'UTC'), ((day + 1)::timestamp AT TIME ZONE 'UTC'));
  EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I TO {role}', name);
  RETURN true;
END $$;

CREATE OR REPLACE FUNCTION alpr_drop_read_partition(day date) RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  name text := 'alpr_plateread_p' || to_char(day, 'YYYYMMDD');
BEGIN
  IF to_regclass(name) IS NULL THEN
    RETURN false;
  END IF;
  EXECUTE format('ALTER TABLE alpr_plateread DETACH PARTITION %I', name);
  EXECUTE format('DROP TABLE %I', name);
  RETURN true;
END $$;

REVOKE ALL ON FUNCTION alpr_create_read_partition(date), alpr_drop_read_partition(date) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION alpr_create_read_partition(date), alpr_drop_read_partition(date) TO {role};
"""

REVERSE = """
DROP FUNCTION IF EXISTS alpr_create_read_partition(date);
DROP FUNCTION IF EXISTS alpr_drop_read_partition(date);
"""


def create_functions(apps, schema_editor):
    # No parameters: the SQL holds format() placeholders (%I, %L) that are not query parameters.
    schema_editor.execute(FUNCTIONS.replace("{role}", settings.DATABASE_APP_ROLE_NAME), params=None)


def drop_functions(apps, schema_editor):
    schema_editor.execute(REVERSE)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_application_role"), ("alpr", "0001_initial")]

    operations = [migrations.RunPython(create_functions, drop_functions)]
