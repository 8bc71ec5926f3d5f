"""What the demo department's people work on: the cases they search for, the attempts the policy
refuses, the policy text they publish. Words only; demo/workday.py does it through the services."""
from dataclasses import dataclass

from hotlists.models import RaceEthnicity, Sex
from searches.models import OutcomeKind


@dataclass(frozen=True)
class Case:
    username: str  # who searches
    purpose: str
    description: str
    plate: str  # a plate, or "" for a canvass around the first camera
    outcomes: tuple[str, ...]  # what the search may lead to, one picked each time


CASES = [
    Case("jbrooks", "violent_crime", "Armed robbery at the Madison St pharmacy; the getaway car was a grey "
         "sedan seen heading west on Madison", "KRN5562",
         (OutcomeKind.LEAD, OutcomeKind.LEAD, OutcomeKind.ARREST, OutcomeKind.NOTHING)),
    Case("oreyes", "stolen_vehicle", "Silver hatchback stolen overnight from the Ridgeland Ave lot; the "
         "owner reported it at 06:40", "ZX9Q14",
         (OutcomeKind.VEHICLE_RECOVERED, OutcomeKind.NOTHING, OutcomeKind.LEAD)),
    Case("akim", "violent_crime", "Pattern of carjackings along North Ave since the 3rd: checking whether "
         "one vehicle appears near each scene", "7ABC123", (OutcomeKind.LEAD, OutcomeKind.NOTHING)),
    Case("dpatel", "missing_person", "Endangered 82-year-old man with dementia left home this morning "
         "driving his blue pickup", "DL4821", (OutcomeKind.PERSON_LOCATED, OutcomeKind.NOTHING)),
    Case("oreyes", "stolen_vehicle", "Plate reported stolen from a parked van on Chicago Ave; looking "
         "for where the plate has been read since", "B58207", (OutcomeKind.NOTHING, OutcomeKind.LEAD)),
    Case("akim", "violent_crime", "Shots fired at Roosevelt and Austin at 22:10; vehicles near the "
         "intersection in the hour before may carry witnesses", "",
         (OutcomeKind.LEAD, OutcomeKind.NOTHING)),
]


@dataclass(frozen=True)
class Attempt:
    username: str
    purpose: str
    description: str
    with_case_number: bool = True


# What the policy refuses: a vague reason, a prohibited purpose (also flagged), no case number.
REFUSED_ATTEMPTS = [
    Attempt("oreyes", "violent_crime", "investigation"),
    Attempt("akim", "stolen_vehicle", "Check for ICE whether this car belongs to someone without papers"),
    Attempt("dpatel", "stolen_vehicle", "Stolen red sedan reported by the caller on Lake St",
            with_case_number=False),
    Attempt("jbrooks", "violent_crime", "follow up"),
]

# Hotlist entries the detective keeps current: plate, state, purpose's case number, reason, vehicle.
WANTED = [
    ("KRN5562", "IL", "26-004512", "Vehicle used in an armed robbery on Madison St (demo)", "Grey sedan"),
    ("ZX9Q14", "IL", "26-004630", "Stolen silver hatchback (demo)", "Silver hatchback"),
]

# What officers record after confirmed alerts, and whom they met (perceived, as the stop study asks).
ALERT_ACTIONS = ["stop", "stop", "arrest", "vehicle_recovered", "no_action"]
RACES = [choice for choice in RaceEthnicity.values if choice != RaceEthnicity.NOT_RECORDED]
SEXES = [choice for choice in Sex.values if choice != Sex.NOT_RECORDED]

POLICY_TITLE = "Automated License Plate Reader (ALPR) Policy"
POLICY_SUMMARY = "First published version of the department's ALPR policy, for public comment."
# {retention_days} is filled in from the policy in force when the text is drafted.
POLICY_TEXT = """\
1. Purpose. The department uses automated license plate readers (ALPR) only to investigate violent
crime, stolen vehicles and stolen plates, and missing or endangered persons, and, with the Chief's
written approval, another significant felony.

2. Never. ALPR data is never used for immigration enforcement, for investigating reproductive health
care, for traffic or parking enforcement, to watch lawful assembly, speech or religion, or to single out
anyone for a protected characteristic. The system records vehicles and plates; it does not use facial
recognition and collects no audio.

3. Searches. Every search states its purpose, a case or dispatch number and a specific description. The
system refuses a search without them and records every search, view and download in an audit log that
cannot be altered.

4. Retention. Reads are deleted automatically after {retention_days} days unless an evidence hold keeps
them for a case; holds are reviewed regularly and released when no longer needed.

5. Alerts. A hotlist alert is verified against the photo, the issuing state and the vehicle before any
officer acts on it.

6. Sharing. Data goes to another law-enforcement agency only under a signed declaration that it will
respect these limits, on a written request the department approves; agencies must certify deletion.
Asking for data for a prohibited purpose ends an agency's access.

7. Accounts. Only trained, named employees approved by the Chief use the system, each with a second
factor.

8. Oversight. The department publishes monthly usage figures, an oversight report to the board every
month and metrics every quarter, the camera locations, and this policy. Anyone may report an error or
a suspected violation on the public portal.
"""
PUBLIC_COMMENT = ("Please publish how many alerts turned out to be misreads each month, not only how "
                  "many there were.")
