"""AUD-2: PostgreSQL itself refuses to change or remove audit entries and links. AUD-3: no purge."""
import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.utils import timezone

from audit.chain import seal_pending
from audit.models import AuditEvent, AuditSeal
from audit.tests.helpers import record_events
from policy.models import MIN_AUDIT_RETENTION_DAYS, AgencyPolicy

pytestmark = pytest.mark.django_db

STATEMENTS = {
    "update": "UPDATE {table} SET {column} = {column}",
    "delete": "DELETE FROM {table}",
    "truncate": "TRUNCATE {table} CASCADE",
}
TABLES = {"audit_auditevent": "content_hash", "audit_auditseal": "chain_hash"}


@pytest.fixture
def sealed_events():
    events = record_events(3)
    seal_pending()
    return events


@pytest.mark.rule("AUD-2")
@pytest.mark.parametrize("table", sorted(TABLES))
@pytest.mark.parametrize("statement", sorted(STATEMENTS))
def test_the_database_refuses_to_change_the_log(sealed_events, table, statement):
    sql = STATEMENTS[statement].format(table=table, column=TABLES[table])
    with connection.cursor() as cursor:  # run the deferred FK checks, which would block TRUNCATE
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        connection.cursor().execute(sql)
    assert AuditEvent.objects.count() == 3 and AuditSeal.objects.count() == 3


@pytest.mark.rule("AUD-2")
def test_the_orm_cannot_edit_or_delete_an_event_either():
    event = record_events(1)[0]  # not sealed yet, so no foreign key stops Django before the database
    event.description = "rewritten"
    for attempt in (event.save, event.delete, AuditEvent.objects.all().delete,
                    lambda: AuditEvent.objects.update(flagged=True)):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            attempt()
    event.refresh_from_db()
    assert event.description == "event 0"


@pytest.mark.rule("AUD-2")
def test_the_orm_cannot_edit_or_delete_a_link(sealed_events):
    for attempt in (lambda: AuditSeal.objects.update(chain_hash="0" * 64), AuditSeal.objects.all().delete):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            attempt()
    assert AuditSeal.objects.count() == 3


@pytest.mark.rule("AUD-2")
def test_the_stored_hash_is_the_databases_not_the_callers():
    event = record_events(1)[0]
    with connection.cursor() as cursor:
        cursor.execute("SELECT content_hash = audit_event_digest(e), txid > 0 FROM audit_auditevent e "
                       "WHERE id = %s", [event.pk])
        assert cursor.fetchone() == (True, True)


@pytest.mark.rule("AUD-3")
def test_a_purge_of_old_entries_is_refused_by_the_database(sealed_events):
    cutoff = timezone.now() + timezone.timedelta(days=1)  # "everything older than tomorrow"
    old = AuditEvent.objects.filter(occurred_at__lt=cutoff)
    with pytest.raises(IntegrityError), transaction.atomic():  # Django: sealed events are protected
        old.delete()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():  # and PostgreSQL
        old._raw_delete(old.db)
    assert AuditEvent.objects.count() == 3


@pytest.mark.rule("AUD-3")
def test_the_policy_keeps_audit_entries_at_least_two_years():
    assert MIN_AUDIT_RETENTION_DAYS >= 730
    policy = AgencyPolicy(audit_retention_days=MIN_AUDIT_RETENTION_DAYS - 1)
    with pytest.raises(ValidationError) as refused:
        policy.full_clean()
    assert "audit_retention_days" in refused.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        AgencyPolicy.objects.create(audit_retention_days=365)
    AgencyPolicy(audit_retention_days=3650).full_clean()  # longer is allowed: "configurable"
