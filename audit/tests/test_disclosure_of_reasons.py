"""What the audit log shows a reader without an audit justification: no plate, not even one a refusal
reason quotes (found by an outside review)."""
import pytest

from alpr import access
from audit.disclosure import WITHHELD
from audit.models import AuditEvent, Outcome
from core.errors import ApplicationError
from policy.roles import Role
from searches.tests.factories import actor, open_justification

pytestmark = pytest.mark.django_db

TYPED = "QZX7"


@pytest.mark.rule("USE-4", "AUD-1")
def test_a_searched_plate_is_withheld_from_the_log_also_when_it_is_in_the_refusal_reason(
        detective, make_verified_client):
    """Tried: a detective searches plate QZX7 allowing one differing character; the access layer refuses
    it (too few known characters in a row) and records the attempt with the plate in its query, which the
    log withholds from a reader without an audit justification (audit.disclosure). But the reason it
    records is ``plates.one_edit_problem``'s text, "Allowing a differing character anywhere in QZX7 ...",
    and ``reason`` is not among the withheld fields: the auditor (no audit justification) reads the
    searched plate on /audit/ and in /audit/export.csv. Neither may show it."""
    justification = open_justification(detective)
    with pytest.raises(ApplicationError):
        access.plate_reads_search(actor=actor(detective), justification=justification, plate=TYPED,
                                  mode="misread_edit")
    [attempt] = AuditEvent.objects.filter(action="search.plate", actor_user=detective)
    assert attempt.outcome == Outcome.FAILED and TYPED in attempt.reason  # the case tried

    auditor = make_verified_client(Role.AUDITOR)
    page = auditor.get("/audit/", {"action": "search.plate"})
    export = b"".join(auditor.get("/audit/export.csv", {"action": "search.plate"}).streaming_content)
    assert page.status_code == 200 and WITHHELD.encode() in page.content  # the query's plate is withheld
    leaks = [where for where, body in (("page", page.content), ("CSV", export)) if TYPED.encode() in body]
    assert not leaks, f"the searched plate shows, unjustified, in the audit log's {' and '.join(leaks)}"


@pytest.mark.rule("USE-4", "AUD-1")
@pytest.mark.parametrize("typed", ["QZX 7", "qzx-7", "Q.ZX7"])
def test_a_plate_typed_with_separators_is_withheld_from_the_refusal_reason_too(
        detective, make_verified_client, typed):
    """Tried: a detective searches plate QZX7, typed as people type it (with a space, a hyphen or a dot
    between its groups, which ``plates.typed_plate_problem`` accepts), allowing one differing character.
    The access layer refuses it and records the attempt; its query holds the plate as typed ("QZX 7",
    ``plate_reads_search`` records ``plate.strip().upper()`` and only replaces it with the normalised
    plate after ``_plate_query`` succeeds), while the reason quotes the *normalised* plate ("Allowing a
    differing character anywhere in QZX7 ..."). ``audit.disclosure._withheld_reason`` removes from the
    reason only the query's texts as they stand, so "QZX 7" is not found in it and the auditor without an
    audit justification reads QZX7 on /audit/ and in the CSV export.

    Should: the searched plate shows in neither, whatever separators it was typed with (compare plate
    texts normalised, e.g. ``plates.normalize_pattern``, or withhold the normalised form as well)."""
    justification = open_justification(detective)
    with pytest.raises(ApplicationError):
        access.plate_reads_search(actor=actor(detective), justification=justification, plate=typed,
                                  mode="misread_edit")
    [attempt] = AuditEvent.objects.filter(action="search.plate", actor_user=detective)
    assert attempt.outcome == Outcome.FAILED and "QZX7" in attempt.reason  # the case tried

    auditor = make_verified_client(Role.AUDITOR)
    page = auditor.get("/audit/", {"action": "search.plate"})
    export = b"".join(auditor.get("/audit/export.csv", {"action": "search.plate"}).streaming_content)
    assert page.status_code == 200 and WITHHELD.encode() in page.content
    leaks = [where for where, body in (("page", page.content), ("CSV", export)) if b"QZX7" in body]
    assert not leaks, f"the searched plate shows, unjustified, in the audit log's {' and '.join(leaks)}"
