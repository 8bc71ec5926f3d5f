"""Make the audit tables append-only in PostgreSQL itself, and let the database hash each event.

Triggers refuse UPDATE and DELETE on every row and TRUNCATE on the tables, whatever the client:
the application, the shell, a bulk query. `audit_event_digest` is the one definition of an event's
content hash; the insert trigger stores it and `verify_audit` recomputes it.
"""
from django.db import migrations

# Read by `manage.py compliance_matrix`: the triggers below are where the database enforces these.
ENFORCES = ("AUD-2", "AUD-3")

DIGEST = """
CREATE OR REPLACE FUNCTION audit_event_digest(e audit_auditevent) RETURNS text
LANGUAGE sql STABLE AS $$
  SELECT encode(sha256(convert_to(jsonb_build_array(
      to_char(e.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
      e.actor_type, e.actor_user_id, e.actor_label, e.action, e.outcome, e.purpose,
      e.case_number, e.description, e.reason, e.targets, e.query, e.result_count,
      e.client_ip, e.session_ref, e.flagged)::text, 'UTF8')), 'hex')
$$;

CREATE OR REPLACE FUNCTION audit_event_set_digest() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.content_hash := audit_event_digest(NEW);
  RETURN NEW;
END $$;

CREATE TRIGGER audit_event_digest_on_insert BEFORE INSERT ON audit_auditevent
  FOR EACH ROW EXECUTE FUNCTION audit_event_set_digest();
"""

APPEND_ONLY = """
CREATE OR REPLACE FUNCTION audit_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the audit log is append-only: % on % refused', TG_OP, TG_TABLE_NAME
    USING ERRCODE = 'insufficient_privilege';
END $$;
"""

PROTECT_TABLE = """
CREATE TRIGGER {table}_no_update_delete BEFORE UPDATE OR DELETE ON {table}
  FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table}
  FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();
"""

REVERSE = """
DROP TRIGGER IF EXISTS audit_event_digest_on_insert ON audit_auditevent;
DROP TRIGGER IF EXISTS audit_auditevent_no_update_delete ON audit_auditevent;
DROP TRIGGER IF EXISTS audit_auditevent_no_truncate ON audit_auditevent;
DROP TRIGGER IF EXISTS audit_auditseal_no_update_delete ON audit_auditseal;
DROP TRIGGER IF EXISTS audit_auditseal_no_truncate ON audit_auditseal;
DROP FUNCTION IF EXISTS audit_event_set_digest();
DROP FUNCTION IF EXISTS audit_event_digest(audit_auditevent);
DROP FUNCTION IF EXISTS audit_refuse_change();
"""


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [
        migrations.RunSQL(
            DIGEST + APPEND_ONLY
            + PROTECT_TABLE.format(table="audit_auditevent")
            + PROTECT_TABLE.format(table="audit_auditseal"),
            REVERSE,
        ),
    ]
