"""The application's database role cannot rewrite the audit log, even without the triggers (AUD-2)."""
import pytest
from django.conf import settings
from django.db import DatabaseError, connection, transaction

from audit.actions import get as audit_action
from audit.context import Actor
from audit.services import audit_record

pytestmark = [pytest.mark.django_db, pytest.mark.rule("AUD-2")]


def _as_app_role(cursor):
    cursor.execute(f"SET LOCAL ROLE {settings.DATABASE_APP_ROLE_NAME}")


def test_app_role_appends_and_reads_the_audit_log():
    with transaction.atomic(), connection.cursor() as cursor:
        _as_app_role(cursor)
        event = audit_record(actor=Actor.system("test"), action=audit_action("request.refused"))
        cursor.execute("SELECT count(*) FROM audit_auditevent WHERE id = %s", [event.pk])
        assert cursor.fetchone()[0] == 1


@pytest.mark.parametrize("statement", [
    "UPDATE audit_auditevent SET description = 'rewritten'",
    "DELETE FROM audit_auditevent",
    "TRUNCATE audit_auditevent",
    "UPDATE audit_auditseal SET chain_hash = 'x'",
    "DELETE FROM audit_auditseal",
    "TRUNCATE audit_auditseal",
])
def test_app_role_lacks_the_privilege_to_change_the_audit_log(statement):
    audit_record(actor=Actor.system("test"), action=audit_action("request.refused"))
    with transaction.atomic(), connection.cursor() as cursor:
        _as_app_role(cursor)
        with pytest.raises(DatabaseError, match="permission denied"), transaction.atomic():
            cursor.execute(statement)


def test_app_role_owns_no_table():
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tableowner = %s",
                       [settings.DATABASE_APP_ROLE_NAME])
        assert cursor.fetchone()[0] == 0


def test_app_role_creates_day_partitions_only_through_the_owner_function():
    with transaction.atomic(), connection.cursor() as cursor:
        _as_app_role(cursor)
        cursor.execute("SELECT alpr_create_read_partition(DATE '2031-01-02')")
        assert cursor.fetchone()[0] is True
        cursor.execute("SELECT alpr_create_read_partition(DATE '2031-01-02')")
        assert cursor.fetchone()[0] is False  # idempotent
        with pytest.raises(DatabaseError, match=r"must be owner|permission denied"), transaction.atomic():
            cursor.execute("CREATE TABLE alpr_plateread_p20310103 PARTITION OF alpr_plateread "
                           "FOR VALUES FROM ('2031-01-03') TO ('2031-01-04')")
        cursor.execute("SELECT alpr_drop_read_partition(DATE '2031-01-02')")
        assert cursor.fetchone()[0] is True
