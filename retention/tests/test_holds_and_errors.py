"""Evidence holds (RET-2) and erroneous data (RET-5)."""
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from alpr.models import PlateRead
from audit.context import Actor
from audit.models import AuditEvent, Outcome
from core.errors import ApplicationError, NotFound, PolicyDenied
from policy.roles import Role
from policy.selectors import current_policy
from retention.models import ErroneousDataNotification, FlagStatus, HeldRead
from retention.selectors import exclude_erroneous, held_reads_condition, hold_reads
from retention.services import (
    flag_review,
    hold_place,
    hold_release,
    hold_reviews_remind,
    read_flag_erroneous,
    read_share_register,
    reads_purge_expired,
)
from retention.tests.conftest import actor_of


@pytest.mark.rule("RET-2")
def test_placing_a_hold_needs_existing_reads_a_case_and_the_right_role(make_read, detective, user_factory):
    read = make_read()
    hold = hold_place(actor=actor_of(detective), case_number="26-9", reason="Homicide witness vehicle",
                      read_ids=[read.pk])
    assert HeldRead.objects.get(hold=hold).captured_at == read.captured_at
    event = AuditEvent.objects.get(action="retention.hold_placed", outcome=Outcome.ALLOWED)
    assert event.case_number == "26-9" and f"read:{read.pk}" in event.targets
    assert [summary.id for summary in hold_reads(hold)] == [read.pk]
    with pytest.raises(NotFound):
        hold_place(actor=actor_of(detective), case_number="26-9", reason="x", read_ids=[read.pk + 1000])
    with pytest.raises(ApplicationError):
        hold_place(actor=actor_of(detective), case_number="", reason="x", read_ids=[read.pk])
    # Evidence is booked by investigators (policy.roles HANDLE_EVIDENCE): dispatchers, who search, and
    # administrators, who review and release holds, do not place them.
    for role in (Role.AUDITOR, Role.CHIEF, Role.RECORDS, Role.DISPATCHER, Role.ADMINISTRATOR):
        with pytest.raises(PolicyDenied):
            hold_place(actor=actor_of(user_factory(role=role)), case_number="26-9", reason="x",
                       read_ids=[read.pk])
    untrained = user_factory(role=Role.DETECTIVE, trained=False)
    with pytest.raises(PolicyDenied):
        hold_place(actor=actor_of(untrained), case_number="26-9", reason="x", read_ids=[read.pk])
    assert AuditEvent.objects.filter(action="retention.hold_placed", outcome=Outcome.REFUSED).count() == 6


@pytest.mark.rule("RET-2")
def test_only_the_placer_or_an_administrator_releases(make_read, detective, user_factory):
    read = make_read()
    hold = hold_place(actor=actor_of(detective), case_number="26-9", reason="Kept", read_ids=[read.pk])
    with pytest.raises(PolicyDenied):
        hold_release(actor=actor_of(user_factory(role=Role.DETECTIVE)), hold_id=hold.pk, reason="mine now")
    admin = user_factory(role=Role.ADMINISTRATOR)
    released = hold_release(actor=actor_of(admin), hold_id=hold.pk, reason="Court disposed of the case")
    assert released.released_by == admin and not released.is_active
    with pytest.raises(ApplicationError):
        hold_release(actor=actor_of(detective), hold_id=hold.pk, reason="again")
    assert AuditEvent.objects.filter(action="retention.hold_released", outcome=Outcome.ALLOWED).count() == 1


@pytest.mark.rule("RET-2", "ACC-5", "ACC-7")
@pytest.mark.parametrize("change", ["oversight role", "auditor role", "training lapsed"])
def test_a_placer_whose_role_or_training_no_longer_allows_evidence_cannot_release(
        make_read, detective, make_verified_client, change):
    # Tried: a detective places a hold, is moved to the oversight board (or audit), or lets the training
    # lapse, and then releases the hold, by the service and by a plain POST to the release page: the
    # case's reads went back to the 30-day purge.
    from accounts.models import TrainingRecord

    read = make_read()
    hold = hold_place(actor=actor_of(detective), case_number="26-9", reason="Kept", read_ids=[read.pk])
    if change == "training lapsed":
        TrainingRecord.objects.filter(user=detective).delete()
    else:
        detective.role = Role.OVERSIGHT if change == "oversight role" else Role.AUDITOR
        detective.save(update_fields=["role"])
    with pytest.raises(PolicyDenied):
        hold_release(actor=actor_of(detective), hold_id=hold.pk, reason="Not needed any more")
    client = make_verified_client(user=detective)
    client.post(f"/retention/holds/{hold.pk}/release/", {"reason": "Not needed any more"})
    hold.refresh_from_db()
    assert hold.is_active
    assert not AuditEvent.objects.filter(action="retention.hold_released", outcome=Outcome.ALLOWED).exists()


@pytest.mark.rule("RET-2")
def test_holds_due_for_review_are_reminded_once_per_period(make_read, detective, settings,
                                                           django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    read = make_read()
    hold = hold_place(actor=actor_of(detective), case_number="26-9", reason="Kept", read_ids=[read.pk])
    scheduler = Actor.system("scheduler")
    assert hold_reviews_remind(actor=scheduler) == 0
    review_days = current_policy().hold_review_days
    later = timezone.now() + timedelta(days=review_days + 1)
    with django_capture_on_commit_callbacks(execute=True):
        assert hold_reviews_remind(actor=scheduler, now=later) == 1
    assert hold_reviews_remind(actor=scheduler, now=later + timedelta(days=1)) == 0
    assert hold_reviews_remind(actor=scheduler, now=later + timedelta(days=review_days + 1)) == 1
    assert len(mail.outbox) == 1 and hold.case_number in mail.outbox[0].subject
    assert AuditEvent.objects.filter(action="retention.hold_review_reminded").count() == 2


@pytest.mark.rule("RET-2")
@pytest.mark.parametrize("gone", ["separated", "suspended", "moved to dispatch"])
def test_a_hold_whose_placer_can_no_longer_release_it_is_reminded_to_those_who_can(
        gone, make_read, detective, administrator, user_factory, settings,
        django_capture_on_commit_callbacks):
    # Tried: the placer separated (or suspended, or moved to a role that handles no evidence); only they
    # were reminded, so nobody who may release the hold heard of it and it kept its reads for ever.
    from accounts.services import account_change_role, account_separate, account_suspend

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    chief, other_admin = user_factory(role=Role.CHIEF), user_factory(role=Role.ADMINISTRATOR)
    user_factory(role=Role.DETECTIVE)  # a colleague: not told, the hold is not theirs to release
    hold = hold_place(actor=actor_of(detective), case_number="26-9", reason="Homicide witness vehicle",
                      read_ids=[make_read().pk])
    change = {"separated": lambda: account_separate(actor=actor_of(chief), user_id=detective.pk,
                                                    reason="Retired from the department"),
              "suspended": lambda: account_suspend(actor=actor_of(chief), user_id=detective.pk,
                                                   reason="Under investigation"),
              "moved to dispatch": lambda: account_change_role(actor=actor_of(administrator),
                                                               user_id=detective.pk, role=Role.DISPATCHER,
                                                               reason="Moved to dispatch")}
    change[gone]()
    mail.outbox.clear()
    later = timezone.now() + timedelta(days=current_policy().hold_review_days + 1)
    with django_capture_on_commit_callbacks(execute=True):
        assert hold_reviews_remind(actor=Actor.system("scheduler"), now=later) == 1
    [message] = mail.outbox
    assert sorted(message.to) == sorted([administrator.email, other_admin.email])
    assert f"hold {hold.pk}" in message.subject and "can no longer release it" in message.body
    event = AuditEvent.objects.get(action="retention.hold_review_reminded")
    assert set(event.targets) == {f"hold:{hold.pk}", f"user:{administrator.pk}", f"user:{other_admin.pk}"}


@pytest.mark.rule("RET-5")
def test_confirmed_error_stops_matching_and_notifies_every_sharing_agency(make_read, officer, administrator):
    read = make_read(plate="ABC1234")
    other = make_read(plate="ABC1234")
    system = Actor.system("sharing")
    read_share_register(actor=system, read_id=read.pk, agency_name="Berwyn PD", agency_ori="IL0160100")
    read_share_register(actor=system, read_id=read.pk, agency_name="Cicero PD", agency_ori="IL0160200")
    read_share_register(actor=system, read_id=read.pk, agency_name="Cicero PD", agency_ori="IL0160200")
    flag = read_flag_erroneous(actor=actor_of(officer), read_id=read.pk, kind="wrong_camera",
                               note="This camera was offline that day; the read belongs elsewhere")
    assert flag.status == FlagStatus.OPEN
    with pytest.raises(PolicyDenied):
        flag_review(actor=actor_of(officer), flag_id=flag.pk, confirm=True, note="I agree")
    flag_review(actor=actor_of(administrator), flag_id=flag.pk, confirm=True, note="Camera log confirms")
    matching = exclude_erroneous(PlateRead.system_objects.filter(plate="ABC1234"))
    assert list(matching.values_list("pk", flat=True)) == [other.pk]
    notices = ErroneousDataNotification.objects.filter(flag=flag).order_by("agency_name")
    assert [(n.agency_name, n.agency_ori, n.read_id) for n in notices] == [
        ("Berwyn PD", "IL0160100", read.pk), ("Cicero PD", "IL0160200", read.pk)]
    assert all(n.delivered_at is None and str(read.pk) in n.message for n in notices)
    event = AuditEvent.objects.get(action="retention.flag_reviewed", outcome=Outcome.ALLOWED)
    assert event.query["agencies_notified"] == 2
    # Shared again after the confirmation: that agency is owed a notice too.
    read_share_register(actor=system, read_id=read.pk, agency_name="Oak Lawn PD")
    assert ErroneousDataNotification.objects.filter(flag=flag).count() == 3


@pytest.mark.rule("RET-5")
@pytest.mark.parametrize(("kind", "siblings_marked"), [("wrong_time", True), ("wrong_camera", True),
                                                        ("misread", False)])
def test_a_wrong_time_or_camera_marks_every_plate_of_the_photo_erroneous(make_read, officer, administrator,
                                                                        kind, siblings_marked):
    """The further plates of a photo (issue 13) share its camera and capture time: an error in those is
    the upload's, so no plate of that photo may be searched or alert on; a misread is one plate's own."""
    upload = make_read(plate="ABC1234")
    second = make_read(plate="XYZ9876", captured_at=upload.captured_at, source_read_id=upload.pk)
    third = make_read(plate="KRN5562", captured_at=upload.captured_at, source_read_id=upload.pk)
    unrelated = make_read(plate="QRS4455", captured_at=upload.captured_at)
    flag = read_flag_erroneous(actor=actor_of(officer), read_id=second.pk, kind=kind,
                               note="The camera log shows it was elsewhere and its clock a day off")
    flag_review(actor=actor_of(administrator), flag_id=flag.pk, confirm=True, note="Camera log confirms")
    left = set(exclude_erroneous(PlateRead.system_objects.all()).values_list("pk", flat=True))
    expected = {unrelated.pk} if siblings_marked else {upload.pk, third.pk, unrelated.pk}
    assert left == expected
    event = AuditEvent.objects.get(action="retention.flag_reviewed", outcome=Outcome.ALLOWED)
    marked = {upload.pk, second.pk, third.pk} if siblings_marked else {second.pk}
    assert {t for t in event.targets if t.startswith("read:")} == {f"read:{pk}" for pk in marked}


@pytest.mark.rule("RET-5")
@pytest.mark.parametrize(("kind", "siblings_marked"), [("wrong_time", True), ("misread", False)])
def test_an_agency_that_received_another_plate_of_the_photo_is_told_too(make_read, officer, administrator,
                                                                       kind, siblings_marked):
    """Tried: Berwyn received only the photo's third plate, Cicero the flagged one; the capture time is
    then confirmed wrong. Only Cicero was told, though Berwyn's read is as wrong; an agency sent the
    photo's first plate after the confirmation was not told either."""
    upload = make_read(plate="ABC1234")
    second = make_read(plate="XYZ9876", captured_at=upload.captured_at, source_read_id=upload.pk)
    third = make_read(plate="KRN5562", captured_at=upload.captured_at, source_read_id=upload.pk)
    system = Actor.system("sharing")
    read_share_register(actor=system, read_id=third.pk, agency_name="Berwyn PD", agency_ori="IL0160100")
    read_share_register(actor=system, read_id=second.pk, agency_name="Cicero PD", agency_ori="IL0160200")
    read_share_register(actor=system, read_id=third.pk, agency_name="Cicero PD", agency_ori="IL0160200")
    flag = read_flag_erroneous(actor=actor_of(officer), read_id=second.pk, kind=kind,
                               note="The camera's clock was a day off, says its log")
    flag_review(actor=actor_of(administrator), flag_id=flag.pk, confirm=True, note="Camera log confirms")
    notices = {(n.agency_name, n.read_id) for n in ErroneousDataNotification.objects.filter(flag=flag)}
    told = {("Cicero PD", second.pk)}
    if siblings_marked:
        told |= {("Berwyn PD", third.pk), ("Cicero PD", third.pk)}
    assert notices == told
    berwyn = ErroneousDataNotification.objects.filter(agency_name="Berwyn PD").first()
    assert berwyn is None or (str(third.pk) in berwyn.message and "same photo" in berwyn.message
                              and str(second.pk) not in berwyn.message)
    event = AuditEvent.objects.get(action="retention.flag_reviewed", outcome=Outcome.ALLOWED)
    assert event.query["agencies_notified"] == len(told)

    read_share_register(actor=system, read_id=upload.pk, agency_name="Oak Lawn PD")
    later = ErroneousDataNotification.objects.filter(flag=flag, agency_name="Oak Lawn PD", read_id=upload.pk)
    assert later.exists() == siblings_marked


@pytest.mark.rule("RET-5")
def test_confirmed_misread_corrects_the_plate(make_read, officer, administrator):
    read = make_read(plate="8BC1234")
    flag = read_flag_erroneous(actor=actor_of(officer), read_id=read.pk, kind="misread",
                               note="The crop clearly shows a B, not an 8", suggested_plate="BBC 1234")
    assert flag.suggested_plate == "BBC1234"
    flag = flag_review(actor=actor_of(administrator), flag_id=flag.pk, confirm=True, note="Agreed",
                       corrected_plate="BBC1234")
    assert not PlateRead.system_objects.filter(plate="8BC1234").exists()
    assert PlateRead.system_objects.get(pk=read.pk).plate == "BBC1234"
    assert (flag.plate_before, flag.plate_after) == ("8BC1234", "BBC1234")


@pytest.mark.rule("RET-5")
def test_rejected_flag_changes_nothing_and_flagging_needs_read_access(make_read, officer, administrator,
                                                                       user_factory):
    read = make_read(plate="ABC1234")
    with pytest.raises(PolicyDenied):
        read_flag_erroneous(actor=actor_of(user_factory(role=Role.RECORDS)), read_id=read.pk,
                            kind="misread", note="Looks wrong")
    with pytest.raises(NotFound):
        read_flag_erroneous(actor=actor_of(officer), read_id=read.pk + 999, kind="misread", note="?")
    flag = read_flag_erroneous(actor=actor_of(officer), read_id=read.pk, kind="misread", note="Looks wrong")
    flag_review(actor=actor_of(administrator), flag_id=flag.pk, confirm=False, note="Read is right")
    assert exclude_erroneous(PlateRead.system_objects.filter(pk=read.pk)).exists()
    assert PlateRead.system_objects.get(pk=read.pk).plate == "ABC1234"


def _purge_after_retention():
    return reads_purge_expired(actor=Actor.system("scheduler"),
                               now=timezone.now() + timedelta(days=current_policy().retention_days + 1))


@pytest.mark.rule("RET-1", "RET-2")
def test_a_plate_window_hold_keeps_the_reads_it_found_not_those_uploaded_after_it(make_read, detective):
    # Tried: a camera's backlog, captured inside the hold's window, uploaded after the hold was placed. The
    # hold matched its plate and window at every use: the backlog read was kept past retention, though
    # "a hold keeps reads that exist; it is not a watch list on future reads".
    now = timezone.now()
    there = make_read(plate="KDB4821", captured_at=now - timedelta(hours=4))
    hold = hold_place(actor=actor_of(detective), case_number="26-004512",
                      reason="Getaway car of the Oak Street robbery", plate="KDB4821",
                      window_start=now - timedelta(hours=6), window_end=now - timedelta(hours=1))
    backlog = make_read(plate="KDB4821", captured_at=now - timedelta(hours=3))
    assert [summary.id for summary in hold_reads(hold)] == [there.pk]
    assert list(HeldRead.objects.filter(hold=hold).values_list("read_id", flat=True)) == [there.pk]
    held = set(PlateRead.system_objects.filter(held_reads_condition()).values_list("pk", flat=True))
    assert held == {there.pk}
    event = AuditEvent.objects.get(action="retention.hold_placed", outcome=Outcome.ALLOWED)
    assert f"read:{there.pk}" in event.targets and event.result_count == 1
    _purge_after_retention()
    assert PlateRead.system_objects.filter(pk=there.pk).exists()
    assert not PlateRead.system_objects.filter(pk=backlog.pk).exists()


@pytest.mark.rule("RET-2")
def test_a_read_a_plate_window_hold_keeps_stays_held_when_its_plate_is_corrected(make_read, detective,
                                                                                  officer, administrator):
    # Tried: the hold kept read R of 8BC1234; a misread flag on R is confirmed and its plate corrected to
    # BBC1234. The hold matched the current plate, so R left it unreleased and the purge took it.
    now = timezone.now()
    read = make_read(plate="8BC1234", captured_at=now - timedelta(hours=2))
    hold = hold_place(actor=actor_of(detective), case_number="26-004512",
                      reason="Getaway car of the Oak Street robbery", plate="8BC1234",
                      window_start=now - timedelta(hours=3), window_end=now - timedelta(hours=1))
    flag = read_flag_erroneous(actor=actor_of(officer), read_id=read.pk, kind="misread",
                               note="The crop shows a B, not an 8", suggested_plate="BBC1234")
    flag_review(actor=actor_of(administrator), flag_id=flag.pk, confirm=True, note="Agreed, B not 8",
                corrected_plate="BBC1234")
    assert PlateRead.system_objects.filter(held_reads_condition(), pk=read.pk).exists()
    assert [summary.id for summary in hold_reads(hold)] == [read.pk]
    _purge_after_retention()
    assert PlateRead.system_objects.get(pk=read.pk).plate == "BBC1234"


@pytest.mark.rule("RET-2")
def test_holds_in_force_record_the_reads_their_plate_window_keeps_when_migrated(make_read, detective,
                                                                                administrator):
    # Migration 0006: a window hold placed before records the reads it keeps now, including a read a
    # confirmed misread moved off its plate after the hold was placed; a released hold records nothing.
    import importlib

    from django.db import connection

    from retention.models import ErroneousFlag, EvidenceHold

    migration = importlib.import_module("retention.migrations.0006_window_holds_record_their_reads")
    now = timezone.now()
    window = {"plate": "KDB4821", "window_start": now - timedelta(hours=6),
              "window_end": now - timedelta(hours=1)}
    in_force = EvidenceHold.objects.create(case_number="26-1", reason="Robbery", placed_by=detective,
                                           placed_at=now - timedelta(hours=1), **window)
    released = EvidenceHold.objects.create(case_number="26-2", reason="Robbery", placed_by=detective,
                                           released_at=now, released_by=administrator, **window)
    kept = make_read(plate="KDB4821", captured_at=now - timedelta(hours=3))
    corrected = make_read(plate="KD84821", captured_at=now - timedelta(hours=4))
    ErroneousFlag.objects.create(read_id=corrected.pk, read_captured_at=corrected.captured_at, kind="misread",
                                 note="B, not 8", flagged_by=detective, status="confirmed", reviewed_at=now,
                                 plate_before="KDB4821", plate_after="KD84821")
    make_read(plate="KDB4821", captured_at=now - timedelta(hours=7))  # outside the window
    make_read(plate="OTHER12", captured_at=now - timedelta(hours=3))  # another plate
    with connection.cursor() as cursor:
        cursor.execute(migration.RECORD_WINDOW_READS)
        cursor.execute(migration.RECORD_WINDOW_READS)  # idempotent
    assert set(HeldRead.objects.filter(hold=in_force).values_list("read_id", flat=True)) == {kept.pk,
                                                                                            corrected.pk}
    assert not HeldRead.objects.filter(hold=released).exists()


def _corrected_and_shared(make_read, officer, administrator, plate="8BC1234", **read):
    """A read of `plate` shared with Riverside PD, flagged as a misread and corrected to B (notes quoting
    both plates as people type them): the flag and the notice it left."""
    from retention.models import ErroneousFlag

    read = make_read(plate=plate, **read)
    read_share_register(actor=Actor.system("sharing release"), read_id=read.pk, agency_name="Riverside PD",
                        agency_ori="IL0160300", reference="request 7")
    flag = read_flag_erroneous(actor=actor_of(officer), read_id=read.pk, kind="misread",
                               note=f"The crop shows {plate[0]}bc 1234 as {plate}, a B not an 8",
                               suggested_plate="BBC1234")
    flag_review(actor=actor_of(administrator), flag_id=flag.pk, confirm=True, note="Agreed: BBC-1234",
                corrected_plate="BBC1234")
    return read, ErroneousFlag.objects.get(pk=flag.pk), ErroneousDataNotification.objects.get(read_id=read.pk)


@pytest.mark.rule("RET-1", "RET-3", "RET-5")
def test_the_purge_takes_a_purged_reads_plates_and_time_out_of_its_flag_and_notices(make_read, officer,
                                                                                   administrator):
    # Tried: the purge blanked the flag's plate fields but left the notice to the agency quoting both plates
    # and the capture time ("misread as 8BC1234 and is corrected to BBC1234"), and the notes quoting them.
    read, flag, notice = _corrected_and_shared(make_read, officer, administrator,
                                               captured_at=timezone.now() - timedelta(hours=2))
    assert "8BC1234" in notice.message and "BBC1234" in notice.message and notice.read_purged_at is None
    captured = f"{read.captured_at:%Y-%m-%d %H:%M}"
    assert captured in notice.message
    _purge_after_retention()
    assert not PlateRead.system_objects.filter(pk=read.pk).exists()
    flag.refresh_from_db()
    notice.refresh_from_db()
    assert (flag.plate_before, flag.plate_after, flag.suggested_plate) == ("", "", "")
    stored = [notice.message, flag.note, flag.review_note]
    assert not [text for text in stored if "8BC" in text.upper() or "BBC" in text.upper()], stored
    assert captured not in notice.message and notice.read_purged_at is not None
    assert f"Plate read {read.pk}" in notice.message and "deleted it" in notice.message
    assert flag.note == "The crop shows [plate] as [plate], a B not an 8"
    assert flag.review_note == "Agreed: [plate]"


@pytest.mark.rule("RET-1", "RET-2", "RET-5")
def test_the_notice_of_a_held_read_past_retention_keeps_its_plates(make_read, detective, officer,
                                                                   administrator):
    read, _flag, notice = _corrected_and_shared(make_read, officer, administrator,
                                               captured_at=timezone.now() - timedelta(hours=2))
    hold_place(actor=actor_of(detective), case_number="26-9", reason="Homicide witness vehicle",
               read_ids=[read.pk])
    _purge_after_retention()
    notice.refresh_from_db()
    assert "BBC1234" in notice.message and notice.read_purged_at is None


@pytest.mark.rule("RET-1", "RET-5")
def test_a_days_flags_and_notices_are_scrubbed_in_the_transaction_that_deletes_its_reads(
        make_read, officer, administrator, monkeypatch):
    # Tried: the purge dies on its second day. The first day's reads are gone for good; their notice must
    # not wait for a later run to lose their plates.
    from retention.services import purge as purge_module

    now = timezone.now()
    first, _, notice = _corrected_and_shared(make_read, officer, administrator,
                                             captured_at=now - timedelta(days=3, hours=2))
    make_read(plate="OTHER12", captured_at=now - timedelta(days=2, hours=2))
    real_drop, calls = purge_module._drop_partition, []

    def dies_on_second_day(table):
        calls.append(table)
        if len(calls) == 2:
            raise RuntimeError("worker killed")
        real_drop(table)

    monkeypatch.setattr(purge_module, "_drop_partition", dies_on_second_day)
    with pytest.raises(RuntimeError):
        _purge_after_retention()
    assert not PlateRead.system_objects.filter(pk=first.pk).exists()
    notice.refresh_from_db()
    assert "BBC1234" not in notice.message and notice.read_purged_at is not None


@pytest.mark.rule("RET-2")
def test_held_reads_condition_finds_specific_and_window_holds(make_read, detective):
    specific, in_window = make_read(plate="AAA111"), make_read(plate="BBB222", age=timedelta(hours=2))
    other = make_read(plate="CCC333")
    hold_place(actor=actor_of(detective), case_number="26-2", reason="Kept", read_ids=[specific.pk])
    hold_place(actor=actor_of(detective), case_number="26-3", reason="Kept", plate="BBB222",
               window_start=in_window.captured_at - timedelta(hours=1),
               window_end=in_window.captured_at + timedelta(hours=1))
    found = set(PlateRead.system_objects.filter(held_reads_condition()).values_list("pk", flat=True))
    assert found == {specific.pk, in_window.pk} and other.pk not in found
