"""The database role the application runs as: it can use every table but does not own them.

Migrations run as the owner; web, worker and scheduler log in as this role (0003 makes it a login
role), so PostgreSQL applies this role's privileges. It may only read and append to the audit log: UPDATE,
DELETE and TRUNCATE are not granted (on top of the triggers that refuse them for everyone).
"""
from django.conf import settings
from django.db import migrations

AUDIT_TABLES = ("audit_auditevent", "audit_auditseal")


def _sql(role: str) -> str:
    audit = ", ".join(AUDIT_TABLES)
    return f"""
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{role}') THEN
    CREATE ROLE {role} NOLOGIN;
  END IF;
END $$;
GRANT {role} TO CURRENT_USER;
GRANT USAGE ON SCHEMA public TO {role};
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role};
GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO {role};
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {role};
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO {role};
REVOKE UPDATE, DELETE, TRUNCATE ON {audit} FROM {role};
GRANT SELECT, INSERT ON {audit} TO {role};
"""


def grant(apps, schema_editor):
    schema_editor.execute(_sql(settings.DATABASE_APP_ROLE_NAME))


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_append_only_and_digest")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
