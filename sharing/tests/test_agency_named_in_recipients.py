"""``sharing.selectors.registered_agency_named_in`` (which refuses and flags an officer's evidence export
addressed to an agency of the sharing registry, ``alpr.access._check_download_recipient``) finds an agency
however punctuation, spacing or case separates the words of its name or the letters and digits of its
ORI."""
import pytest

from sharing.selectors import registered_agency_named_in
from sharing.tests.conftest import AgencyFactory

pytestmark = pytest.mark.django_db


@pytest.mark.rule("SHR-1")
@pytest.mark.parametrize("recipient", [
    "Lake County Sheriff, Indiana",
    "Sgt. Dale Porter - Lake County Sheriff - Indiana",
    "ORI IN-0450000, investigations",
    "ORI IN 0450000",
])
def test_the_demos_out_of_state_agency_is_found_however_punctuation_separates_its_name_or_ori(recipient):
    """The demo's own registered agency "Lake County Sheriff (Indiana)", ORI IN0450000 (the one with no
    declaration, which must receive nothing), written in an export's recipient the way people write it: a
    comma instead of the parentheses, a dash between the words, the ORI with a hyphen or a space after the
    state. Names and ORIs are compared on their letters and digits, so each of these names the registered
    agency and the export goes through its written request instead (SHR-1). (Compared as the exact
    characters "lake county sheriff (indiana)" and the ORI as one word, none of these was found.)"""
    agency = AgencyFactory(name="Lake County Sheriff (Indiana)", ori="IN0450000", state="IN")

    assert registered_agency_named_in(recipient) == agency


@pytest.mark.rule("SHR-1")
@pytest.mark.parametrize("recipient", [
    "Lake County Sheriffs Association, Indiana chapter",
    "case IN04500001",
    "ref XIN-0450000",
])
def test_a_name_or_ori_only_inside_longer_words_names_no_agency(recipient):
    """The name's words and the ORI's letters and digits count only as whole words: a longer word
    ("Sheriffs") or a number that merely contains the ORI names nothing."""
    AgencyFactory(name="Lake County Sheriff (Indiana)", ori="IN0450000", state="IN")

    assert registered_agency_named_in(recipient) is None
