"""The justification gate, harder to game (issue 12): spelling tricks, targeting, text that is no case.

Each refused description below was accepted before the gate folded its text (Unicode, look-alike
letters and digits, spaced letters, misspellings) and before it asked for real content words; each
accepted one is a real-looking case description that must still pass.
"""
import pytest

from audit.models import AuditEvent, Outcome
from conftest import UserFactory
from core.errors import PolicyDenied
from policy.models import AgencyPolicy
from policy.roles import Role
from searches.models import Justification
from searches.services import outside_justification_check
from searches.tests.factories import open_justification

pytestmark = pytest.mark.django_db

ACCEPTED = [
    "armed robbery at the Shell station on Lake St, suspect fled in a silver sedan",
    "silver Honda seen leaving the homicide scene at 5th and Main",
    "Stolen Toyota Camry taken from a driveway on Elm overnight",
    "Shooting on Harlem Ave, witness saw a black SUV with a partial plate",
    "Missing 82-year-old man with dementia driving a blue Buick",
    "Carjacking at gunpoint near Oak Park Ave, grey Nissan Altima",
    "Hit and run injuring a cyclist, red pickup with front damage",
    "Amber alert: child taken by non-custodial father in a white van",
    "Homicide: victim's car last seen on Madison St near the library",
    "Burglary suspect vehicle, tan Chevy Malibu seen on a doorbell camera",
    "Kidnapping of a teenager, black Dodge Charger heading west on I-290",
    "Vehicle parked by the church lot after the armed robbery",  # a church as a place
    "Robbery suspect seen leaving in March, grey sedan",  # March the month
    "Stabbing outside the police station, suspect drove a green Jeep",  # "ice" inside "police"
    "Office break-in, notice of theft filed, service van seen leaving",  # office, notice, service
    "Suspect spending stolen credit cards at the mall, drives a Kia",  # "spending" is not "speeding"
    "Trans Am stolen from the repair shop on Roosevelt Rd",  # the car, not a target
    "Burglary at the Mexican restaurant on Oak, white Ford Transit",  # a restaurant, not a target
    "Carjacking near the Temple Street bus stop, maroon Acura",  # a street name
    "Missing woman is deaf and may not answer, last seen near the library",
    "Importation of narcotics, blue cargo van with Indiana plates",  # not "deportation"
    "Aggravated battery at Lake and Marion, suspect left in a Prius",
    "Stolen plate reported by its owner, now displayed on a green Ford",
    "Armed robbery of a jewelry store, two suspects in a dark Audi",
    "Arson at the warehouse on Chicago Ave, white box truck seen",
    "Endangered runaway, 14, believed to be in a red Honda Civic",
    "Drive-by shooting at Austin and Division, gold Chevrolet Impala",
    "Attempted murder, victim identified the shooter's grey Mazda",
    "Réveillon robbery: Ｓｉｌｖｅｒ Honda seen at the pharmacy on Ridgeland",  # accents and full-width pass
    "Sexual assault suspect drove a black Lexus with tinted windows",
    "Stolen motorcycle, orange KTM taken from a garage on Scoville",
    "Home invasion on Euclid, suspects fled in a champagne Toyota Sienna",
    "Robbery suspect seen leaving the local mosque lot in a grey van",  # a place, not its worshippers
]

# (description, why it is refused: a prohibited purpose's code, or "vague" for no case at all)
REFUSED = [
    ("investigation 26-004512", "vague"),
    ("see case 26-004512", "vague"),
    ("asdf qwer zxcv", "vague"),
    ("lorem ipsum dolor sit amet", "vague"),
    ("lorem ipsum dolor sit amet consectetur adipiscing elit", "vague"),
    ("fjdkslaj fjdksla qpwoei", "vague"),
    ("CAD-2611220042 follow up", "vague"),
    ("per sgt, see report 26-000123", "vague"),
    ("blah blah blah blah", "vague"),
    ("testing testing 123", "vague"),
    ("routine check 26-004512", "vague"),
    ("Just checking something for a friend", "personal"),
    ("Plate of my ex girlfriend's new car", "personal"),
    ("Checking out of curiosity who parks here", "personal"),
    ("Vehicle wanted by I.C.E. for an address", "immigration"),
    ("Vehicle wanted by I C E for an address", "immigration"),
    ("Vehicle wanted by ＩＣＥ for an address", "immigration"),  # full-width letters
    ("Vehicle wanted by І.С.Е. for an address", "immigration"),  # Cyrillic look-alikes
    ("imm1gration hold on the driver of this car", "immigration"),
    ("Driver overstayed visa, locate the vehicle", "immigration"),
    ("Homeland Security Investigations request for the owner", "immigration"),
    ("H.S.I. request for the owner's vehicle", "immigration"),
    ("Immigraton status of the registered owner", "immigration"),  # misspelt
    ("Owner has no green card, find where he parks", "immigration"),
    ("Dep0rtation case, locate the registered owner", "immigration"),
    ("Im-mi-gra-tion status of the registered owner", "immigration"),  # four pieces
    ("De por ta tion case, locate the registered owner", "immigration"),
    ("Owner is wanted for ab-or-ti-on, find the car", "reproductive_health"),
    ("Check where my wife goes in the evenings", "personal"),
    ("Look up this plate as a favor for the sergeant", "personal"),
    ("Locate the union organizer's car before the vote", "first_amendment"),
    ("Gender affirming care patient, find the vehicle", "reproductive_health"),
    ("Deporting him next week, locate the car", "immigration"),
    ("Vehicle seen at the repro health clinic on Lake", "reproductive_health"),
    ("Woman drove to get an ab0rti0n, find the car", "reproductive_health"),
    ("Cars of everyone who visited the clinic on Friday", "reproductive_health"),
    ("Driver is gay, locate his car", "protected_class"),
    ("Because he is Muslim, track where he drives", "protected_class"),
    ("She looks lesbian, list her vehicles", "protected_class"),
    ("Find Muslim drivers in the east side neighborhood", "protected_class"),
    ("Everyone who attended the mosque on Friday", "first_amendment"),
    ("He attended the local mosque, find his car", "first_amendment"),
    ("He is probably gay, locate the car he drives", "protected_class"),
    ("All cars parked at the synagogue during services", "first_amendment"),
    ("Members of the union meeting at the hall on Lake", "first_amendment"),
    ("Prot3sters at the village hall last night", "first_amendment"),
    ("Identify drivers who joined the rally downtown", "first_amendment"),
    ("Sp33ding complaint on Harlem, red Mustang", "traffic"),
]


@pytest.fixture
def officer():
    return UserFactory(role=Role.OFFICER)


def _refusal() -> AuditEvent:
    return AuditEvent.objects.filter(action="search.justification_stated").latest("id")


@pytest.mark.rule("USE-1", "USE-3")
@pytest.mark.parametrize("description", ACCEPTED)
def test_real_case_descriptions_pass_the_gate(officer, description):
    justification = open_justification(officer, description=description)
    assert justification.description == description
    assert _refusal().outcome == Outcome.ALLOWED


@pytest.mark.rule("USE-1", "USE-3")
@pytest.mark.parametrize(("description", "why"), REFUSED)
def test_disguised_prohibited_purposes_and_non_descriptions_are_refused(officer, description, why):
    # Tried: each text through the officer's own gate (justification_open), as the form would send it.
    with pytest.raises(PolicyDenied) as refused:
        open_justification(officer, description=description)
    assert not Justification.objects.exists()
    event = _refusal()
    assert (event.outcome, event.description, event.reason) == (Outcome.REFUSED, description,
                                                                refused.value.message)
    if why == "vague":
        assert refused.value.code == "vague_description" and not event.flagged
    else:
        assert refused.value.code == "prohibited_purpose" and event.flagged
        assert refused.value.purpose_code == why


def test_the_tables_are_large_enough():
    assert len(ACCEPTED) >= 30 and len(REFUSED) >= 30


@pytest.mark.rule("USE-3")
@pytest.mark.parametrize("text", ["I\u200bCE request", "i-c-e request", "I . C . E", "ICE!", "ice."])
def test_invisible_and_punctuation_tricks_still_name_immigration(text):
    assert AgencyPolicy().prohibited_purpose_named_in(text)["code"] == "immigration"


@pytest.mark.rule("USE-3")
def test_the_agency_extends_the_vocabulary_in_the_policy(officer):
    """A term, a target and a place the agency adds to the policy JSON are refused like the defaults."""
    purposes = AgencyPolicy().prohibited_purposes
    by_code = {purpose["code"]: purpose for purpose in purposes}
    by_code["immigration"]["terms"].append("operation homecoming")
    by_code["protected_class"]["targets"].append("rastafarian")
    by_code["first_amendment"]["places"].append("tenants association")
    AgencyPolicy.objects.create(prohibited_purposes=purposes)  # the newest version is in force
    for description, code in [("Operation Homec0ming vehicle list, blue Ford", "immigration"),
                              ("Driver is Rastafarian, locate his Toyota", "protected_class"),
                              ("Everyone who attended the tenants association", "first_amendment")]:
        with pytest.raises(PolicyDenied) as refused:
            open_justification(officer, description=description)
        assert refused.value.purpose_code == code


@pytest.mark.rule("USE-1", "USE-3", "SHR-4")
@pytest.mark.parametrize(("description", "why"), REFUSED)
def test_partner_searches_and_requests_pass_the_same_gate(description, why):
    # Tried: the same texts as an outside agency's description (partner API search, written request).
    with pytest.raises(PolicyDenied) as refused:
        outside_justification_check(purpose="violent_crime", case_number="PD-2026-0042",
                                    description=description)
    assert refused.value.code == ("vague_description" if why == "vague" else "prohibited_purpose")


@pytest.mark.rule("USE-1", "SHR-4")
@pytest.mark.parametrize("description", ACCEPTED[:8])
def test_partner_descriptions_of_a_case_pass(description):
    assert outside_justification_check(purpose="violent_crime", case_number="PD-2026-0042",
                                       description=description) == "Violent crime investigation"


ISSUE_12_EXAMPLES = ["investigation 26-004512", "see case 26-004512", "asdf qwer zxcv",
                     "lorem ipsum dolor sit amet", "Just checking something for a friend", "I.C.E.", "I C E",
                     "\uff29\uff23\uff25",
                     "imm1gration hold", "overstayed visa", "Homeland Security Investigations request",
                     "repro health clinic", "driver is gay", "everyone who attended the mosque"]


@pytest.mark.rule("USE-1", "USE-3")
@pytest.mark.parametrize("description", ISSUE_12_EXAMPLES)
def test_the_issues_examples_verbatim_are_refused(officer, description):
    # Tried: each text the issue reports as accepted, exactly as written there.
    with pytest.raises(PolicyDenied):
        open_justification(officer, description=description)
    assert _refusal().outcome == Outcome.REFUSED and not Justification.objects.exists()
