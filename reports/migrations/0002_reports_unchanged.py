"""Stored reports are never changed: PostgreSQL refuses UPDATE and DELETE on reports and their files.

(Truncation is left to the test suite's flush; the application role cannot truncate anyway.)
"""
from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION reports_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'stored reports are never changed: % on % refused', TG_OP, TG_TABLE_NAME
    USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER reports_report_unchanged BEFORE UPDATE OR DELETE ON reports_report
  FOR EACH ROW EXECUTE FUNCTION reports_refuse_change();
CREATE TRIGGER reports_reportfile_unchanged BEFORE UPDATE OR DELETE ON reports_reportfile
  FOR EACH ROW EXECUTE FUNCTION reports_refuse_change();
CREATE TRIGGER reports_reportsignoff_unchanged BEFORE UPDATE OR DELETE ON reports_reportsignoff
  FOR EACH ROW EXECUTE FUNCTION reports_refuse_change();
"""

REVERSE = """
DROP TRIGGER IF EXISTS reports_report_unchanged ON reports_report;
DROP TRIGGER IF EXISTS reports_reportfile_unchanged ON reports_reportfile;
DROP TRIGGER IF EXISTS reports_reportsignoff_unchanged ON reports_reportsignoff;
DROP FUNCTION IF EXISTS reports_refuse_change();
"""


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_initial")]

    operations = [migrations.RunSQL(FORWARD, REVERSE)]
