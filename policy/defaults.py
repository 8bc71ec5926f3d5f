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
# Each has the attestation a partner agency's declaration makes against it: (the declaration's field, what
# the agency will do), so no agency receives data without promising each limit whose breach revokes it.
SHARING_MISUSE_ATTESTATIONS = {
    "immigration": ("no_immigration_enforcement", "not use the data for immigration enforcement"),
    "reproductive_health": ("no_reproductive_health_investigation",
                            "not use the data to investigate lawful reproductive health care"),
}
SHARING_MISUSE_CODES = tuple(SHARING_MISUSE_ATTESTATIONS)
# Everything a declaration attests, as {field: what the agency will do}: the misuse limits, then the
# recipient's certification of deletion and of no re-sharing (SHR-2). No attestation, no release.
DECLARATION_ATTESTATIONS = {
    **dict(SHARING_MISUSE_ATTESTATIONS.values()),
    "deletes_within_period": "delete the data within the period it states",
    "no_resharing_without_approval": "not re-share or reuse the data without our written approval",
}
PROHIBITED_CODES = ("traffic", "immigration", "reproductive_health", "protected_class", "first_amendment")


def prohibited_purposes() -> list[dict]:
    """The prohibited purposes and their vocabulary (how `policy.vocabulary` reads it is explained there).

    `terms` name the purpose anywhere; `targets` (protected classes) are refused only when a text singles
    people out by them; `places` (lawful activities) only when a text is after the people taking part.
    Words that also describe a suspect (skin colour, "male") are not targets: see the README's limits.
    """
    return [
        {
            "code": "traffic",
            "label": "Traffic enforcement",
            "terms": ["traffic enforcement", "traffic violation", "speeding", "parking ticket",
                      "unpaid tickets", "expired registration", "citation", "moving violation",
                      "parking violation", "parking tickets", "red light violation", "ran a red light",
                      "expired plates", "expired tags", "unpaid tolls"],
        },
        {
            "code": "immigration",
            "label": "Immigration enforcement",
            "terms": ["immigration", "immigrant", "immigrants", "ice", "deportation", "deport", "deported",
                      "undocumented", "illegal alien", "illegal aliens", "illegal immigrant", "border patrol",
                      "visa status", "customs and border", "hsi", "homeland security investigations",
                      "department of homeland security", "dhs", "cbp", "customs and border protection",
                      "enforcement and removal", "removal proceedings", "overstayed visa", "overstayed",
                      "visa overstay", "overstay", "expired visa", "green card", "asylum", "asylum seeker",
                      "refugee status", "immigration status", "citizenship status", "not a citizen",
                      "non citizen", "noncitizen", "no papers", "without papers", "la migra", "287g",
                      "immigration detainer", "immigration hold", "alien registration", "deporting",
                      "deportations", "nonimmigrant"],
        },
        {
            "code": "reproductive_health",
            "label": "Reproductive health care",
            "terms": ["abortion", "abortions", "reproductive", "repro", "planned parenthood", "pregnancy",
                      "family planning", "contraception", "birth control", "abortion pill", "mifepristone",
                      "misoprostol", "terminate a pregnancy", "terminated her pregnancy", "ivf",
                      "fertility clinic", "obgyn", "ob gyn", "gynecologist", "womens health clinic",
                      "women s health clinic", "gender affirming care", "gender affirming"],
            "places": ["clinic", "health clinic", "health center", "womens clinic"],
        },
        {
            "code": "protected_class",
            "label": "Targeting based on a protected class",
            # Phrases, not bare place names: "parked by the church" names a place, not a target.
            "terms": ["race", "racial", "racial profiling", "ethnicity", "religion", "religious",
                      "worshippers", "congregants", "mosque attendees", "synagogue attendees",
                      "church attendees", "members of the mosque", "members of the church",
                      "members of the synagogue", "members of the temple", "gender identity",
                      "sexual orientation", "disability", "national origin", "sexuality"],
            # Not skin colour nor disability: witnesses describe suspects and families describe missing
            # people by them, and a text cannot tell that from targeting (README, known limits).
            "targets": ["gay", "lesbian", "bisexual", "homosexual", "queer", "transgender", "trans",
                        "transsexual", "nonbinary", "non binary", "intersex", "lgbt", "lgbtq", "muslim",
                        "moslem", "islamic", "jewish", "jew", "catholic", "protestant", "evangelical",
                        "mormon", "sikh", "hindu", "buddhist", "atheist", "pagan", "arab", "middle eastern",
                        "foreigner", "foreigners", "immigrant", "mexican", "somali", "syrian", "afghan",
                        "iraqi", "iranian", "haitian", "guatemalan", "honduran", "venezuelan", "chinese"],
        },
        {
            "code": "first_amendment",
            "label": "First Amendment activity",
            # "march" alone is also a month; the phrases and "marchers" are not.
            "terms": ["protest", "protester", "protesters", "protestors", "rally", "demonstration",
                      "demonstrators", "protest march", "marchers", "vigil", "picket", "union meeting",
                      "political meeting", "journalist", "journalists", "activist", "activists",
                      "picket line", "boycott", "petition drive", "town hall meeting", "campaign rally",
                      "political party", "pride parade", "pride march", "news reporter", "press reporter",
                      "union organizer", "union organizers", "union organizing", "labor organizer",
                      "black lives matter"],
            "places": ["mosque", "masjid", "church", "synagogue", "temple", "gurdwara", "chapel", "cathedral",
                       "prayer service", "friday prayers", "worship service", "mass", "bible study",
                       "protest", "rally", "demonstration", "union meeting", "union hall",
                       "town hall", "city council meeting", "school board meeting", "political meeting",
                       "campaign event", "press conference", "newsroom", "pride", "parade", "vigil"],
        },
        {
            "code": "personal",
            "label": "Personal use (anything but a department case)",
            "terms": ["for a friend", "for my friend", "friend asked", "favor for", "favour for",
                      "personal reasons", "personal reason", "personal use", "personal matter",
                      "personal business", "out of curiosity", "just curious", "curiosity", "for fun",
                      "my ex", "ex girlfriend", "ex boyfriend", "ex wife", "ex husband", "my girlfriend",
                      "my boyfriend", "my landlord", "my tenant", "my daughter s boyfriend",
                      "my son s girlfriend", "private investigator", "debt collector", "my wife",
                      "my husband", "my neighbor", "my neighbour", "as a favor", "as a favour"],
        },
    ]


# Descriptions that say nothing; civil-liberties reviews found misuse hiding behind them.
def vague_descriptions() -> list[str]:
    return ["investigation", "inv", "invest", "investigate", "per supervisor", "n/a", "na", "none",
            "test", "testing", "check", "plate check", "follow up", "followup", "see case",
            "see report", "case", "same", "misc", "other", "ongoing", "info", "lookup",
            "search", "query", "as directed", "per sgt", "per lt", "suspect", "suspicious",
            # Filler: words that fill a form without saying anything about a case.
            "just checking", "checking", "just looking", "looking", "something", "anything", "stuff",
            "things", "thing", "whatever", "random", "routine", "routine check", "general", "verify",
            "verification", "confirm", "quick", "real quick", "needed", "need", "want", "wanted", "asap",
            "tbd", "placeholder", "dummy", "sample", "example", "lorem ipsum", "lorem", "ipsum", "dolor",
            "sit amet", "amet", "blah", "asdf", "qwerty", "xxx", "abc", "foo", "foobar", "etc"]


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
