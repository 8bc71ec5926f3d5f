"""AUD-2: the hash chain detects an altered event, a deleted event and a removed link."""
import itertools
import json
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from audit.chain import GENESIS_HASH, chain_head, chain_shape, link_hash, seal_pending, verify_chain
from audit.models import AuditSeal
from audit.tests.helpers import record_events, triggers_bypassed
from reports.services.portal import chain_head_publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def chain():
    events = record_events(5)
    assert seal_pending() == 5
    return events


@pytest.mark.rule("AUD-2")
def test_an_intact_chain_verifies(chain):
    report = verify_chain()
    assert report.ok, report
    assert report.rows == 5
    assert report.head_hash == chain_head().chain_hash
    links = list(AuditSeal.objects.order_by("position"))
    assert links[0].previous_hash == GENESIS_HASH
    for before, link in itertools.pairwise(links):
        assert link.previous_hash == before.chain_hash
        assert link.chain_hash == link_hash(before.chain_hash, link.event_hash)
    assert [link.event_id for link in links] == [event.pk for event in chain]


@pytest.mark.rule("AUD-2")
def test_sealing_is_idempotent_and_extends_the_chain(chain):
    assert seal_pending() == 0
    record_events(2)
    assert seal_pending() == 2
    assert chain_shape().links == 7 and chain_shape().gaps == 0 and chain_shape().forks == 0
    assert verify_chain().ok


@pytest.mark.rule("AUD-2")
def test_an_altered_event_is_reported_at_its_link(chain):
    with triggers_bypassed() as cursor:
        cursor.execute("UPDATE audit_auditevent SET description = 'nothing to see' WHERE id = %s",
                       [chain[2].pk])
    report = verify_chain()
    assert not report.ok
    assert (report.broken_position, report.broken_event_id) == (3, chain[2].pk)
    assert "altered" in report.problem
    assert report.rows == 2
    assert report.head_hash == AuditSeal.objects.get(position=2).chain_hash


@pytest.mark.rule("AUD-2")
def test_an_altered_event_with_a_recomputed_hash_is_still_caught(chain):
    with triggers_bypassed() as cursor:
        cursor.execute("UPDATE audit_auditevent SET case_number = '26-000001' WHERE id = %s", [chain[1].pk])
        cursor.execute("UPDATE audit_auditevent e SET content_hash = audit_event_digest(e) WHERE id = %s",
                       [chain[1].pk])
    report = verify_chain()
    assert (report.ok, report.broken_position) == (False, 2)


@pytest.mark.rule("AUD-2")
def test_a_deleted_event_is_reported(chain):
    with triggers_bypassed() as cursor:
        cursor.execute("CREATE TEMP TABLE saved AS SELECT * FROM audit_auditevent WHERE id = %s",
                       [chain[3].pk])
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [chain[3].pk])
    report = verify_chain()
    assert (report.ok, report.broken_position, report.broken_event_id) == (False, 4, chain[3].pk)
    assert "deleted" in report.problem
    with triggers_bypassed() as cursor:  # put it back as it was: the chain is whole again
        cursor.execute("INSERT INTO audit_auditevent SELECT * FROM saved")
    assert verify_chain().ok


@pytest.mark.rule("AUD-2")
def test_a_removed_link_is_reported(chain):
    with triggers_bypassed() as cursor:
        cursor.execute("DELETE FROM audit_auditseal WHERE position = 2")
    report = verify_chain(seal_first=False)
    assert (report.ok, report.broken_position, report.rows) == (False, 2, 1)
    assert report.problem == "link 2 is missing"


@pytest.mark.rule("AUD-2")
def test_a_forged_link_is_reported(chain):
    with triggers_bypassed() as cursor:
        cursor.execute("UPDATE audit_auditseal SET chain_hash = %s WHERE position = 4", ["f" * 64])
    report = verify_chain()
    assert (report.ok, report.broken_position) == (False, 4)
    assert "hash does not match" in report.problem


@pytest.mark.rule("AUD-2")
def test_a_relinked_chain_is_reported(chain):
    with triggers_bypassed() as cursor:
        cursor.execute("UPDATE audit_auditseal SET previous_hash = %s, chain_hash = %s WHERE position = 3",
                       [GENESIS_HASH, link_hash(GENESIS_HASH, AuditSeal.objects.get(position=3).event_hash)])
    report = verify_chain()
    assert (report.ok, report.broken_position) == (False, 3)
    assert "does not follow" in report.problem


@pytest.mark.rule("AUD-2")
def test_an_event_smuggled_in_below_the_horizon_is_reported(chain):
    horizon = AuditSeal.objects.get(position=5).horizon
    with triggers_bypassed() as cursor:
        cursor.execute(
            """INSERT INTO audit_auditevent (occurred_at, actor_type, actor_label, action, outcome, purpose,
               case_number, description, reason, targets, query, client_ip, session_ref, flagged,
               content_hash, txid, digest_version)
               VALUES (now() - interval '1 day', 'system', 'x', 'auth.logout', 'allowed', '', '', '', '',
                       '[]', '{}', '', '', false, '', %s, 2) RETURNING id""", [horizon - 1])
        smuggled = cursor.fetchone()[0]
    report = verify_chain()
    assert not report.ok
    assert (report.unsealed, report.broken_event_id) == (1, smuggled)


@pytest.mark.rule("AUD-2")
def test_verify_audit_prints_the_head_and_exits_zero_when_intact(chain, capsys):
    call_command("verify_audit")
    out = capsys.readouterr().out
    assert "intact: 5 links" in out and chain_head().chain_hash in out


@pytest.mark.rule("AUD-2")
def test_verify_audit_exits_non_zero_at_the_first_broken_link(chain):
    with triggers_bypassed() as cursor:
        cursor.execute("UPDATE audit_auditevent SET reason = 'edited' WHERE id = %s", [chain[1].pk])
    with pytest.raises(CommandError) as broken:
        call_command("verify_audit")
    assert broken.value.returncode == 1
    assert f"position 2, event {chain[1].pk}" in str(broken.value) and "altered" in str(broken.value)


@pytest.mark.rule("AUD-2")
def test_verify_audit_catches_a_chain_rewritten_after_its_head_was_published(chain, capsys):
    head = chain_head()
    call_command("verify_audit", expect_head=f"{head.position}:{head.chain_hash}")
    with pytest.raises(CommandError, match="rewritten"):
        call_command("verify_audit", expect_head=f"{head.position}:{'a' * 64}")


def _rewrite_from(position: int, description: str = "nothing happened") -> None:
    """Alter the event at `position` and re-hash it and every link after it: what whoever owns the tables
    could do, and what no check inside the chain can see."""
    with triggers_bypassed() as cursor:
        for link in AuditSeal.objects.filter(position__gte=position).order_by("position"):
            previous = (GENESIS_HASH if link.position == 1 else
                        AuditSeal.objects.get(position=link.position - 1).chain_hash)
            if link.position == position:
                cursor.execute("UPDATE audit_auditevent SET description = %s WHERE id = %s",
                               [description, link.event_id])
                cursor.execute("UPDATE audit_auditevent e SET content_hash = audit_event_digest(e) "
                               "WHERE id = %s RETURNING content_hash", [link.event_id])
                event_hash = cursor.fetchone()[0]
            else:
                event_hash = link.event_hash
            cursor.execute("UPDATE audit_auditseal SET event_hash = %s, previous_hash = %s, chain_hash = %s "
                           "WHERE position = %s",
                           [event_hash, previous, link_hash(previous, event_hash), link.position])


def _publish(days_ago: int):
    return chain_head_publish(day=timezone.localdate() - timedelta(days=days_ago))


@pytest.mark.rule("AUD-2")
def test_a_chain_rewritten_and_rehashed_after_its_head_was_published_is_reported(chain):
    published = _publish(0)
    rewritten = AuditSeal.objects.get(position=published.position)
    _rewrite_from(published.position)
    found = AuditSeal.objects.get(position=published.position).chain_hash

    report = verify_chain(seal_first=False)
    assert not report.ok
    assert (report.broken_position, report.broken_event_id) == (published.position, rewritten.event_id)
    assert f"published on {published.published_on.isoformat()}" in report.problem
    assert published.published_at.isoformat(timespec="seconds") in report.problem
    assert published.chain_hash in report.problem and found in report.problem
    assert "rewritten" in report.problem
    assert (report.rows, report.head_hash) == (0, GENESIS_HASH)  # no published head vouches for any link


@pytest.mark.rule("AUD-2")
def test_the_first_published_head_that_no_longer_matches_is_reported(chain):
    earlier = _publish(2)
    record_events(3)
    later = _publish(1)
    record_events(2)
    newest = _publish(0)
    # Each publication is itself an audit event, sealed with the next.
    assert (earlier.position, later.position, newest.position) == (5, 9, 12)
    assert verify_chain().ok and verify_chain().heads_checked == 3

    _rewrite_from(7)
    report = verify_chain(seal_first=False)
    assert (report.ok, report.broken_position) == (False, 9)
    assert f"published on {later.published_on.isoformat()}" in report.problem
    assert "between link 6 and link 9" in report.problem
    # Link 5 still has the hash published for it: the chain is vouched for up to there.
    assert (report.rows, report.head_hash) == (5, earlier.chain_hash)


@pytest.mark.rule("AUD-2")
def test_an_earlier_break_inside_the_chain_is_reported_before_a_published_head(chain):
    _publish(0)
    _rewrite_from(5)
    with triggers_bypassed() as cursor:
        cursor.execute("UPDATE audit_auditevent SET reason = 'edited' WHERE id = %s", [chain[1].pk])
    report = verify_chain(seal_first=False)
    assert (report.ok, report.broken_position) == (False, 2)
    assert "altered" in report.problem


@pytest.mark.rule("AUD-2")
def test_a_chain_cut_short_below_a_published_head_is_reported(chain):
    published = _publish(0)
    with triggers_bypassed() as cursor:
        cursor.execute("DELETE FROM audit_auditseal WHERE position > 3")
    report = verify_chain(seal_first=False)
    assert (report.ok, report.broken_position, report.broken_event_id) == (False, 4, None)
    assert "links 4 to 5 are missing" in report.problem
    assert published.chain_hash in report.problem and "cut short" in report.problem


@pytest.mark.rule("AUD-2")
def test_verify_audit_checks_the_published_heads_without_being_told(chain, capsys):
    published = _publish(0)
    call_command("verify_audit")
    assert "1 published head matches" in capsys.readouterr().out
    _rewrite_from(3)
    with pytest.raises(CommandError) as broken:
        call_command("verify_audit")
    assert broken.value.returncode == 1
    assert f"position {published.position}" in str(broken.value) and "rewritten" in str(broken.value)


def test_audit_head_prints_json(chain, capsys):
    call_command("audit_head")
    head = json.loads(capsys.readouterr().out)
    assert head["position"] == 5 and head["chain_hash"] == chain_head().chain_hash


@pytest.mark.rule("AUD-2")
def test_the_digest_keeps_field_boundaries():
    from audit.audit_actions import AUDIT_LOG_VIEWED
    from audit.context import Actor
    from audit.services import audit_record

    actor = Actor.system("boundaries")
    one = audit_record(actor=actor, action=AUDIT_LOG_VIEWED, purpose="a','b", case_number="c")
    two = audit_record(actor=actor, action=AUDIT_LOG_VIEWED, purpose="a", case_number="b','c")
    one.refresh_from_db()
    two.refresh_from_db()
    assert one.content_hash != two.content_hash
    assert one.digest_version == two.digest_version == 2


@pytest.mark.rule("AUD-2")
def test_events_hashed_with_the_first_digest_still_verify_and_cannot_switch(chain):
    with triggers_bypassed() as cursor:  # an event as stored before digest version 2 existed
        cursor.execute(
            """INSERT INTO audit_auditevent (occurred_at, actor_type, actor_label, action, outcome, purpose,
               case_number, description, reason, targets, query, client_ip, session_ref, flagged,
               content_hash, txid, digest_version)
               VALUES (now(), 'system', 'old', 'auth.logout', 'allowed', '', '', '', '', '["x"]', '{}', '',
                       '', false, '', pg_current_xact_id()::text::bigint, 1) RETURNING id""")
        old = cursor.fetchone()[0]
        cursor.execute("UPDATE audit_auditevent e SET content_hash = audit_event_digest(e) WHERE id = %s",
                       [old])
    assert seal_pending() == 1
    assert verify_chain().ok
    with triggers_bypassed() as cursor:
        cursor.execute("UPDATE audit_auditevent SET digest_version = 2 WHERE id = %s", [old])
    report = verify_chain()
    assert (report.ok, report.broken_event_id) == (False, old)
