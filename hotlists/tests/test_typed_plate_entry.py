"""A plate a person types for a hotlist entry is refused when it holds a character a plate cannot have,
not shortened into another plate (what was tried: 7АВС123 pasted with Cyrillic А, В, С, and 7AB#123)."""
import pytest

from core.errors import ApplicationError
from hotlists import services
from hotlists.models import HotlistEntry
from hotlists.tests.conftest import act_as, in_days

pytestmark = [pytest.mark.django_db, pytest.mark.rule("USE-5")]


@pytest.mark.parametrize("typed", ["7\u0410\u0412\u0421123", "7AB#123", "7ABC\u00b2123"])
def test_a_typed_plate_with_a_character_no_plate_has_is_refused(detective, typed):
    with pytest.raises(ApplicationError) as refused:
        services.hotlist_entry_add(actor=act_as(detective), plate_pattern=typed, state="IL",
                                   reason="Stolen in the burglary at 100 Main St", case_number="26-004512",
                                   expires_at=in_days())
    assert refused.value.field == "plate_pattern"
    assert "not a plate character" in str(refused.value)
    assert not HotlistEntry.objects.exists()


@pytest.mark.parametrize(("typed", "stored"), [("7abc 123", "7ABC123"), ("7-ABC-1?3", "7ABC1?3")])
def test_separators_and_wildcards_are_still_accepted(detective, typed, stored):
    entry = services.hotlist_entry_add(actor=act_as(detective), plate_pattern=typed, state="IL",
                                       reason="Stolen in the burglary at 100 Main St",
                                       case_number="26-004512", expires_at=in_days())
    assert entry.plate_pattern == stored


def test_an_imported_plate_with_a_character_no_plate_has_is_rejected_not_shortened(detective):
    """What was tried: a CSV row whose plate holds ß, which upper-cases to the letters SS."""
    from hotlists.imports import hotlist_import

    good = "".join(f"{n}ABC12{n},Stolen plate,IL\n" for n in range(1, 10))
    data = ("Plate Number,Description,State/Province\nKDB\u00df21,Stolen plate,IL\n" + good).encode()
    run = hotlist_import(actor=act_as(detective), source="csv", file_name="hot.csv", data=data,
                         case_number="26-004512")
    assert (run.rows_accepted, run.rows_rejected) == (9, 1)
    assert "not a plate character" in run.rejected_rows[0]["reason"]
    assert not HotlistEntry.objects.filter(plate_pattern__startswith="KDB").exists()
