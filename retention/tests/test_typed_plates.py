"""Plates people type for a correction, a hold, a search, an audit query or a partner's request are
refused when they hold a character a plate cannot have (what was tried: 7АВС123 with Cyrillic А, В, С,
which dropping the foreign characters would make the plate 7123: another vehicle's reads)."""
from datetime import timedelta

import pytest
from django.utils import timezone

from alpr import access
from alpr.models import PlateRead
from core.errors import ApplicationError
from retention.models import EvidenceHold
from retention.services import flag_review, hold_place, read_flag_erroneous
from retention.tests.conftest import actor_of
from sharing.services.requests import parse_plates

pytestmark = pytest.mark.django_db

CYRILLIC_7ABC123 = "7\u0410\u0412\u0421123"


@pytest.mark.rule("RET-5")
def test_a_correction_typed_with_a_foreign_character_is_refused(make_read, officer, administrator):
    read = make_read(plate="7A8C123")
    flag = read_flag_erroneous(actor=actor_of(officer), read_id=read.pk, kind="misread",
                               note="The crop shows a B, not an 8")
    with pytest.raises(ApplicationError, match="not a plate character"):
        flag_review(actor=actor_of(administrator), flag_id=flag.pk, confirm=True, note="Agreed",
                    corrected_plate=CYRILLIC_7ABC123)
    assert PlateRead.system_objects.get(pk=read.pk).plate == "7A8C123"
    with pytest.raises(ApplicationError, match="not a plate character"):
        read_flag_erroneous(actor=actor_of(officer), read_id=read.pk, kind="misread",
                            note="The crop shows a B", suggested_plate=CYRILLIC_7ABC123)


@pytest.mark.rule("RET-2")
def test_a_plate_hold_typed_with_a_foreign_character_is_refused(detective):
    now = timezone.now()
    with pytest.raises(ApplicationError, match="not a plate character"):
        hold_place(actor=actor_of(detective), case_number="26-9", reason="Homicide witness vehicle",
                   plate=CYRILLIC_7ABC123, window_start=now - timedelta(days=3),
                   window_end=now - timedelta(hours=1))
    assert not EvidenceHold.objects.exists()


@pytest.mark.rule("USE-1")
@pytest.mark.parametrize("mode", ["exact", "partial"])
def test_a_search_typed_with_a_foreign_character_is_refused(mode):
    with pytest.raises(ApplicationError, match="not a plate character"):
        access._plate_query(CYRILLIC_7ABC123, mode)
    assert access._plate_query("7abc-123", "exact") == ("7ABC123", "exact")


@pytest.mark.rule("SHR-1")
def test_a_partner_request_naming_a_plate_with_a_foreign_character_is_refused():
    with pytest.raises(ApplicationError, match="not a plate character"):
        parse_plates(f"KRN5562, {CYRILLIC_7ABC123}")
    assert parse_plates("krn 5562, 7ABC-123") == ["KRN5562", "7ABC123"]
