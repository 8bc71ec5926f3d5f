"""AUD-1: `audit_record` appends through one statement prepared per connection, and returns the event
as stored: what the ORM's create() returned, plus what the insert trigger set."""
import pytest
from django.db import DataError, connection, transaction

from audit import services
from audit.audit_actions import AUDIT_LOG_VIEWED
from audit.chain import seal_pending, verify_chain
from audit.context import Actor
from audit.models import AuditEvent, Outcome
from audit.services import audit_record

pytestmark = pytest.mark.rule("AUD-1")


def _record(actor=None, **fields) -> AuditEvent:
    return audit_record(actor=actor or Actor.system("record test"), action=AUDIT_LOG_VIEWED, **fields)


def _forget_the_statement() -> None:
    """Make this connection as new to the statement as a fresh one."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_prepared_statements WHERE name = 'audit_event_insert'")
        if cursor.fetchone()[0]:
            cursor.execute("DEALLOCATE audit_event_insert")
    services._prepared_on.discard(connection.connection)


def _columns(event: AuditEvent) -> dict:
    return {field.attname: getattr(event, field.attname) for field in AuditEvent._meta.concrete_fields}


@pytest.mark.django_db
def test_the_returned_event_is_the_stored_row(officer, django_assert_num_queries):
    actor = Actor.for_user(officer, client_ip="10.1.2.3")
    event = _record(actor, outcome=Outcome.REFUSED, purpose="stolen_vehicle", case_number="26-000042",
                    description="Looked up", reason="No justification", targets=["read:1", 2],
                    query={"plate": "ABC123", "page": 1}, result_count=3, flagged=True)

    stored = AuditEvent.objects.get(pk=event.pk)
    assert _columns(event) == _columns(stored)
    assert (stored.outcome, stored.targets, stored.actor_user_id) == ("refused", ["read:1", "2"], officer.pk)
    assert len(event.content_hash) == 64 and event.txid > 0 and event.digest_version == 2
    assert not event._state.adding and event._state.db == "default"
    with django_assert_num_queries(0):
        assert event.actor_user == officer  # as after create(): the actor's user, not a fresh query


@pytest.mark.django_db
def test_an_event_with_no_person_behind_it_stores_nulls():
    event = _record()
    assert _columns(event) == _columns(AuditEvent.objects.get(pk=event.pk))
    assert (event.actor_user_id, event.result_count, event.targets, event.query) == (None, None, [], {})


@pytest.mark.django_db
def test_the_statement_outlives_a_rolled_back_transaction_and_a_refused_insert():
    _forget_the_statement()
    with pytest.raises(RuntimeError), transaction.atomic():
        _record(description="rolled back")  # prepares the statement, in a transaction that rolls back
        raise RuntimeError
    with pytest.raises(DataError), transaction.atomic():  # Django's error, as from the ORM
        _record(purpose="x" * 65)
    kept = _record(description="kept")
    assert list(AuditEvent.objects.values_list("description", flat=True)) == ["kept"]
    assert kept.pk == AuditEvent.objects.get().pk


@pytest.mark.django_db(transaction=True)
def test_a_new_connection_prepares_the_statement_again():
    first = _record(description="first connection")
    connection.close()
    second = _record(description="second connection")
    assert second.pk > first.pk
    assert seal_pending() == 2 and verify_chain().ok


@pytest.mark.django_db
def test_a_nul_in_what_was_submitted_is_recorded_visibly_not_a_server_error():
    # Tried: a NUL character hand-typed into a description, a query value, a query key and a target.
    event = _record(description="robbery\x00 suspect", query={"plate\x00": ["AB\x00C"]},
                    targets=["read:\x001"])
    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.description == "robbery\ufffd suspect"
    assert stored.query == {"plate\ufffd": ["AB\ufffdC"]}
    assert stored.targets == ["read:\ufffd1"]
