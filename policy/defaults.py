"""Default values of the agency policy, from the source policies (see REQUIREMENTS.md)."""

FELONY_EXCEPTION = "other_felony"

# Oak Park GO 4-68 V.B
def permitted_purposes() -> list[dict]:
    return [
        {"code": "violent_crime", "label": "Violent crime investigation"},
        {"code": "stolen_vehicle", "label": "Stolen vehicle or stolen plate"},
        {"code": "missing_person", "label": "Missing or endangered person"},
        {"code": FELONY_EXCEPTION, "label": "Other significant felony (Chief's written approval)"},
    ]


# Oak Park GO 4-68 V.C–F and the ACLU of Illinois guidelines. These codes can never be removed.
# 625 ILCS 5/2-130: an agency that asks for data for these is misusing it; its access is revoked (SHR-4).
SHARING_MISUSE_CODES = ("immigration", "reproductive_health")
PROHIBITED_CODES = ("traffic", "immigration", "reproductive_health", "protected_class", "first_amendment")


def prohibited_purposes() -> list[dict]:
    return [
        {
            "code": "traffic",
            "label": "Traffic enforcement",
            "terms": ["traffic enforcement", "traffic violation", "speeding", "parking ticket",
                      "unpaid tickets", "expired registration", "citation"],
        },
        {
            "code": "immigration",
            "label": "Immigration enforcement",
            "terms": ["immigration", "immigrant", "ice", "deportation", "deport", "undocumented",
                      "illegal alien", "border patrol", "visa status", "customs and border"],
        },
        {
            "code": "reproductive_health",
            "label": "Reproductive health care",
            "terms": ["abortion", "reproductive", "planned parenthood", "pregnancy",
                      "family planning", "contraception"],
        },
        {
            "code": "protected_class",
            "label": "Targeting based on a protected class",
            # Phrases, not bare place names: "parked by the church" names a place, not a target.
            "terms": ["race", "racial", "racial profiling", "ethnicity", "religion", "religious",
                      "worshippers", "congregants", "mosque attendees", "synagogue attendees",
                      "church attendees", "members of the mosque", "members of the church",
                      "members of the synagogue", "members of the temple", "gender identity",
                      "sexual orientation", "disability", "national origin"],
        },
        {
            "code": "first_amendment",
            "label": "First Amendment activity",
            # "march" alone is also a month; the phrases and "marchers" are not.
            "terms": ["protest", "protester", "protesters", "protestors", "rally", "demonstration",
                      "demonstrators", "protest march", "marchers", "vigil", "picket", "union meeting",
                      "political meeting", "journalist"],
        },
    ]


# Descriptions that say nothing; civil-liberties reviews found misuse hiding behind them.
def vague_descriptions() -> list[str]:
    return ["investigation", "inv", "invest", "investigate", "per supervisor", "n/a", "na", "none",
            "test", "testing", "check", "plate check", "follow up", "followup", "see case",
            "see report", "case", "same", "misc", "other", "ongoing", "info", "lookup",
            "search", "query", "as directed", "per sgt", "per lt", "suspect", "suspicious"]


# Case number (e.g. 26-004512) or CAD run number (e.g. CAD-2611220042).
CASE_NUMBER_PATTERN = r"^(\d{2}-\d{4,8}|CAD-?\d{8,12})$"

SYSTEM_USE_NOTICE = (
    "You are accessing a law-enforcement information system of this department. Use is limited "
    "to authorized users for the purposes permitted by the department's ALPR policy. Every "
    "action is recorded in a tamper-evident audit log and reviewed. Misuse leads to immediate "
    "suspension of access, discipline and possible prosecution. By continuing you acknowledge "
    "that you have no expectation of privacy in your use of this system."
)

# ACC-1: names that identify a post, a unit or nobody, never a person. Matched against the login
# name and the full name as whole words; any run of digits alone (a unit or car number) is refused too.
GENERIC_IDENTITIES = ["guest", "patrol", "dispatch", "dispatcher", "shared", "test", "tester", "admin",
                      "administrator", "root", "user", "unit", "car", "squad", "beat", "desk", "watch",
                      "shift", "temp", "training", "trainee", "demo", "generic", "office", "station",
                      "team", "officer", "sergeant", "records", "detective", "analyst", "auditor",
                      "chief", "alpr", "system", "service", "anonymous", "nobody", "default"]


# USE-9: what the system collects, and what it never collects or seeks; published on the portal.
def collected() -> list[str]:
    return [
        "A photo of the rear of a passing vehicle, the plate characters read from it, "
        "and the read's confidence.",
        "The camera, place and time of the photo.",
        "Who searched the data, when, for which purpose and case number (the audit log).",
    ]


def never_collected() -> list[str]:
    return [
        "No facial recognition: no software looks for or matches faces.",
        "No images of drivers or passengers are sought; cameras are aimed at plates.",
        "No linking to personal data beyond the plate (no names, addresses or social media).",
        "No audio recording.",
        "No data is bought from or sold to data brokers.",
    ]
