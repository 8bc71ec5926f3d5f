"""Published chain heads are kept like the audit log itself: append-only, for every client.

Verification compares the chain with every head published on the portal (audit.chain.verify_chain),
so a head that could be changed or removed would let a rewritten chain pass. The application's role
loses UPDATE, DELETE and TRUNCATE on the table (it keeps SELECT and INSERT: the daily task publishes),
and the audit tables' own trigger function refuses UPDATE, DELETE and TRUNCATE for everyone.
"""
from django.conf import settings
from django.db import migrations

# Read by `manage.py compliance_matrix`: the grants and triggers below are where the database enforces it.
ENFORCES = ("AUD-2",)

TABLE = "reports_publishedchainhead"

TRIGGERS = f"""
CREATE TRIGGER {TABLE}_no_update_delete BEFORE UPDATE OR DELETE ON {TABLE}
  FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER {TABLE}_no_truncate BEFORE TRUNCATE ON {TABLE}
  FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();
"""

DROP_TRIGGERS = f"""
DROP TRIGGER IF EXISTS {TABLE}_no_update_delete ON {TABLE};
DROP TRIGGER IF EXISTS {TABLE}_no_truncate ON {TABLE};
"""


def revoke(apps, schema_editor):
    role = schema_editor.quote_name(settings.DATABASE_APP_ROLE_NAME)
    schema_editor.execute(f"REVOKE UPDATE, DELETE, TRUNCATE ON {TABLE} FROM {role}")
    schema_editor.execute(f"GRANT SELECT, INSERT ON {TABLE} TO {role}")


def grant_back(apps, schema_editor):
    role = schema_editor.quote_name(settings.DATABASE_APP_ROLE_NAME)
    schema_editor.execute(f"GRANT UPDATE, DELETE ON {TABLE} TO {role}")  # as core 0001 had granted


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0004_placement_prior_approval"),
        ("core", "0001_application_role"),  # the role exists and holds what 0001 granted it
        ("audit", "0002_append_only_and_digest"),  # audit_refuse_change()
    ]

    operations = [
        migrations.RunSQL(TRIGGERS, DROP_TRIGGERS),
        migrations.RunPython(revoke, grant_back),
    ]
