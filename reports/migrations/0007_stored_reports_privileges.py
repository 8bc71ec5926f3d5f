"""Stored reports lose the privileges their triggers already refuse.

Reports, their files and sign-offs are never changed (reports 0002's triggers refuse UPDATE and DELETE for
every client), yet the application's role still held both privileges from core 0001's defaults. It keeps
SELECT and INSERT (generating and signing off add rows); UPDATE and DELETE are refused on the privilege
itself, before a trigger is reached, as for the audit log and the published chain heads.
"""
from django.conf import settings
from django.db import migrations

TABLES = ("reports_report", "reports_reportfile", "reports_reportsignoff")


def revoke(apps, schema_editor):
    role = schema_editor.quote_name(settings.DATABASE_APP_ROLE_NAME)
    for table in TABLES:
        schema_editor.execute(f"REVOKE UPDATE, DELETE, TRUNCATE ON {table} FROM {role}")
        schema_editor.execute(f"GRANT SELECT, INSERT ON {table} TO {role}")


def grant_back(apps, schema_editor):
    role = schema_editor.quote_name(settings.DATABASE_APP_ROLE_NAME)
    for table in TABLES:
        schema_editor.execute(f"GRANT UPDATE, DELETE ON {table} TO {role}")  # as core 0001 had granted


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0006_placement_install_name_held"),
        ("core", "0001_application_role"),  # the role exists and holds what 0001 granted it
    ]

    operations = [migrations.RunPython(revoke, grant_back)]
