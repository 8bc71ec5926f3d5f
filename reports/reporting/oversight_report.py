"""The monthly oversight report for the oversight board (RPT-1, Oak Park GO 4-68 VII.F–G).

Searches by purpose; hits, verified stops and their outcomes; approved felony-exception searches;
searches by outside agencies (name and number); policy adherence; disparate impact (stops by the
demographics recorded with them, cameras and reads per district against who lives there); misread
rates. Each section's figures come from ``reports.reporting.figures``; plates never appear.
"""

from django.utils import timezone

from core.compliance import enforces
from hotlists.models import AlertAction, RaceEthnicity, VerificationOutcome
from reports.periods import Period
from reports.reporting import figures
from reports.reporting.audit_report import FLAG_AUDIT, FLAG_OFF_HOURS, FLAG_REFUSED, FLAG_REPEAT_PLATE
from reports.reporting.content import Chart, ReportContent, Section, Table, percent, rate
from retention.models import ErrorKind
from searches.models import OutcomeKind

CONTACT_COLUMNS = [
    (AlertAction.STOP, "Stopped, no further action"),
    (AlertAction.ARREST, "Arrest"),
    (AlertAction.VEHICLE_RECOVERED, "Vehicle recovered"),
    (AlertAction.PERSON_LOCATED, "Person located"),
]


@enforces("RPT-1")
def build_monthly_oversight(period: Period) -> ReportContent:
    usage = figures.search_usage(period)
    alerts = figures.alert_counts(period)
    felony = figures.felony_exception_uses(period)
    outside = figures.outside_agency_searches(period)
    adherence = figures.adherence(period)
    stops = figures.stop_demographics(period)
    placement = figures.district_placement(period)
    errors = figures.error_figures(period, alerts)
    summary = {
        "Searches": usage.searches,
        "Refused search attempts": usage.refused_searches,
        "Hotlist alerts (hits)": alerts["alerts"],
        "Verified alerts": alerts["verified"],
        "Confirmed alerts": alerts["outcomes"][VerificationOutcome.CONFIRMED],
        "Stops after confirmed alerts": stops.contacts,
        "Arrests after alerts": alerts["actions"][AlertAction.ARREST],
        "Felony-exception searches": sum(use.searches for use in felony),
        "Searches by outside agencies": sum(row.searches for row in outside),
        "Policy-adherence flags": len(adherence.activity.flags),
        "Misread rate": percent(None if errors.misread_rate is None else 100 * errors.misread_rate),
    }
    return ReportContent(
        title="Monthly oversight report",
        period_label=period.label,
        summary=summary,
        sections=[
            _searches(usage),
            _hits(alerts, figures.search_outcome_counts(period)),
            _felony(felony),
            _outside(outside),
            _adherence(adherence),
            _disparate_impact(stops, placement),
            _errors(errors),
        ],
        notes=[
            "Alerts are counted in the month they were raised; what followed them (verification, action) "
            "is as recorded when the report was generated. Search outcomes are counted in the month they "
            "were recorded. Race, ethnicity and sex are the officer's perception recorded with the action "
            "taken on a confirmed alert, in the categories of the Illinois Traffic and Pedestrian Stop "
            "Statistical Study. District populations are as entered by the system administrator.",
        ],
    )


def _searches(usage) -> Section:
    by_purpose = sorted(usage.searches_by_purpose.items(), key=lambda item: (-item[1], item[0]))
    return Section(
        "Searches by purpose",
        f"{usage.searches} searches ran (plate and canvass); {usage.refused_searches} attempts were refused "
        "before running (no permitted purpose, no case number, a vague or prohibited reason).",
        [
            Table(
                "Searches by purpose",
                ["Purpose", "Searches", "Share"],
                [[label, n, rate(n, usage.searches)] for label, n in by_purpose],
                slug="searches_by_purpose",
            )
        ],
        [Chart("Searches by purpose", by_purpose)],
    )


def _hits(alerts: dict, search_outcomes: dict[str, int]) -> Section:
    outcome_labels = dict(VerificationOutcome.choices)
    confirmed = alerts["outcomes"][VerificationOutcome.CONFIRMED]
    acted = sum(alerts["actions"].values())
    outcomes = [(outcome_labels[code], n) for code, n in alerts["outcomes"].items()]
    actions = [(label, alerts["actions"][code]) for code, label in AlertAction.choices]
    return Section(
        "Hits, verified stops and outcomes",
        f"{alerts['alerts']} hotlist alerts were raised; {alerts['verified']} were verified against the "
        f"image by an officer ({alerts['unverified']} not verified). {confirmed} were confirmed; an action "
        f"is recorded for {acted} of them.",
        [
            Table(
                "Verified alerts by outcome",
                ["Outcome", "Alerts", "Share of verified"],
                [[label, n, rate(n, alerts["verified"])] for label, n in outcomes],
                slug="alert_outcomes",
            ),
            Table(
                "Action taken on confirmed alerts",
                ["Action", "Alerts"],
                [*([label, n] for label, n in actions), ["No action recorded yet", confirmed - acted]],
                slug="alert_actions",
            ),
            Table(
                "What searches led to",
                ["Outcome", "Recorded"],
                [[label, search_outcomes[code]] for code, label in OutcomeKind.choices],
                note="Recorded by the person who searched, for the justification the searches ran under.",
                slug="search_outcomes",
            ),
        ],
        [
            Chart("Verified alerts by outcome", [(label.split(":")[0], n) for label, n in outcomes]),
            Chart("Action taken on confirmed alerts", actions),
        ],
    )


def _felony(uses: list) -> Section:
    rows = [
        [
            f"#{use.request.pk}",
            use.request.case_number,
            use.request.offense,
            use.request.requested_by.audit_label,
            use.request.decided_by.audit_label if use.request.decided_by else "",
            _day(use.request.decided_at),
            _day(use.request.valid_until),
            use.searches,
        ]
        for use in uses
    ]
    return Section(
        "Approved felony-exception searches",
        "Searches for an \u201cother significant felony\u201d need the Chief's written approval of a request "
        "(USE-2). Requests approved this month, and any approved request searched under this month.",
        [
            Table(
                "Approved other-felony requests and the searches made under them",
                [
                    "Request",
                    "Case number",
                    "Offense",
                    "Requested by",
                    "Approved by",
                    "Approved on",
                    "Valid until",
                    "Searches this month",
                ],
                rows,
                slug="felony_exceptions",
            )
        ],
    )


def _day(moment) -> str:
    return f"{timezone.localtime(moment):%Y-%m-%d}" if moment else ""


def _outside(counts: list) -> Section:
    return Section(
        "Searches by outside agencies",
        f"{sum(row.searches for row in counts)} searches by people of other agencies, through the partner "
        "access (SHR-5).",
        [
            Table(
                "Searches by outside agency",
                ["Agency", "ORI", "Searches"],
                [[row.agency_name, row.agency_ori, row.searches] for row in counts],
                slug="outside_agencies",
            )
        ],
        [Chart("Searches by outside agency", [(row.agency_name, row.searches) for row in counts])]
        if counts
        else [],
    )


def _adherence(adherence) -> Section:
    counts = adherence.flag_counts
    report = adherence.audit_report
    if report is None:
        status = "The monthly audit report for this month has not been generated yet."
    elif getattr(report, "sign_off", None):
        status = (
            f"The monthly audit report (version {report.version}) was signed off by "
            f"{report.sign_off.signed_by.audit_label} on {_day(report.sign_off.signed_at)}"
            + (" with discrepancies sent to the Chief." if report.sign_off.discrepancies else ".")
        )
    else:
        status = f"The monthly audit report (version {report.version}) awaits the administrator's sign-off."
    kinds = [FLAG_REFUSED, FLAG_AUDIT, FLAG_REPEAT_PLATE, FLAG_OFF_HOURS]
    return Section(
        "Policy adherence",
        "Flags of the monthly audit (AUD-5): refused attempts, reasons flagged as vague or prohibited, "
        f"repeated searches of one plate without a case number, use outside normal hours. {status}",
        [
            Table(
                "Adherence flags by kind",
                ["Flag", "Number"],
                [[kind, counts.get(kind, 0)] for kind in kinds],
                slug="adherence_flags",
            ),
            Table(
                "Refused attempts and reasons flagged for audit",
                ["Person", "Flag", "When", "Action", "Detail"],
                adherence.activity.flags_of(FLAG_REFUSED) + adherence.activity.flags_of(FLAG_AUDIT),
                slug="adherence_detail",
            ),
        ],
        [Chart("Adherence flags by kind", [(kind, counts.get(kind, 0)) for kind in kinds])],
    )


def _disparate_impact(stops, placement: list) -> Section:
    return Section(
        "Disparate impact",
        f"Of {stops.confirmed} confirmed alerts, {stops.acted_on} have an action recorded; {stops.contacts} "
        "stops met a person (a stop, an arrest, a vehicle recovered or a person located; a car on two "
        "hotlists raises two alerts, and its stop counts once, as the weightiest action recorded). Below, "
        "those contacts by the demographics recorded with them, beside the population of the districts; "
        "then where cameras stand and read, beside who lives there.",
        [
            _stops_table(
                "Stops after confirmed alerts, by perceived race or ethnicity",
                "Race or ethnicity",
                stops.by_race,
                stops,
                population=True,
                slug="stops_by_race",
            ),
            _stops_table(
                "Stops after confirmed alerts, by sex", "Sex", stops.by_sex, stops, slug="stops_by_sex"
            ),
            *_placement_tables(placement),
        ],
        [
            Chart("Stops by perceived race or ethnicity", [(g.label, g.contacts) for g in stops.by_race]),
            Chart("Reads per district", [(p.name, p.reads) for p in placement]),
            Chart("Cameras in service per district", [(p.name, len(p.cameras)) for p in placement]),
        ],
    )


def _stops_table(title, heading, groups, stops, *, slug, population=False) -> Table:
    columns = [heading, "People stopped", "Share of stops", *(label for _, label in CONTACT_COLUMNS)]
    if population:
        columns.append("Share of district population")
    rows = []
    for group in groups:
        row = [group.label, group.contacts, rate(group.contacts, stops.contacts)]
        row += [group.by_action.get(action, 0) for action, _ in CONTACT_COLUMNS]
        if population:
            row.append(
                percent(stops.population_share[group.code]) if group.code in stops.population_share else ""
            )
        rows.append(row)
    return Table(title, columns, rows, slug=slug)


def _placement_tables(placement: list) -> list[Table]:
    districts = [p for p in placement if p.district is not None]
    population = sum(p.district.population for p in districts)
    cameras = sum(len(p.cameras) for p in placement)
    reads = sum(p.reads for p in placement)
    by_district = Table(
        "Cameras and reads by district",
        [
            "District",
            "Population",
            "Share of population",
            "Cameras in service",
            "Share of cameras",
            "Reads",
            "Share of reads",
            "Reads per 1,000 residents",
        ],
        [
            [
                p.name,
                p.district.population if p.district else "",
                rate(p.district.population, population) if p.district else "",
                len(p.cameras),
                rate(len(p.cameras), cameras),
                p.reads,
                rate(p.reads, reads),
                f"{1000 * p.reads / p.district.population:.1f}" if p.district else "",
            ]
            for p in placement
        ],
        note="Cameras: " + "; ".join(f"{p.name}: {', '.join(p.cameras) or 'none'}" for p in placement)
        if placement
        else "",
        slug="districts",
    )
    categories = RaceEthnicity.recorded()
    shares = Table(
        "Population of each district by race and ethnicity",
        ["District", *(c.label for c in categories), "Source"],
        [[p.name, *(percent(p.district.share(c)) for c in categories), p.district.source] for p in districts],
        slug="district_population",
    )
    exposure = Table(
        "Cameras and reads set against who lives where",
        ["Race or ethnicity", "Share of population", "Share of cameras", "Share of reads"],
        [
            [
                c.label,
                _weighted(districts, c, lambda p: p.district.population, population),
                _weighted(districts, c, lambda p: len(p.cameras), sum(len(p.cameras) for p in districts)),
                _weighted(districts, c, lambda p: p.reads, sum(p.reads for p in districts)),
            ]
            for c in categories
        ],
        note="Each district's cameras and reads are shared among its residents' categories in proportion "
        "to its population: a category's share of cameras well above its share of population means "
        "cameras stand where that group lives more than elsewhere. Cameras in no district are left out.",
        slug="exposure",
    )
    return [by_district, shares, exposure]


def _weighted(districts: list, category, weight, total) -> str:
    if not total:
        return "n/a"
    return percent(sum(weight(p) * p.district.share(category) for p in districts) / total)


def _errors(errors) -> Section:
    kinds = ErrorKind.choices
    return Section(
        "Misreads and erroneous data",
        "Alerts an officer closed because the plate was misread, against all verified alerts; and the reads "
        "flagged as erroneous (RET-5), raised and reviewed this month.",
        [
            Table(
                "Misread and false-positive rates",
                ["Figure", "Value"],
                [
                    ["Verified alerts", errors.verified_alerts],
                    ["Closed as misread", errors.misread_alerts],
                    ["Misread rate", rate(errors.misread_alerts, errors.verified_alerts)],
                    ["False positives (misread, wrong state, vehicle mismatch)", errors.false_positives],
                    ["False-positive rate", rate(errors.false_positives, errors.verified_alerts)],
                ],
                slug="misreads",
            ),
            Table(
                "Erroneous-read flags",
                ["Kind of error", "Raised this month", "Confirmed this month", "Rejected this month"],
                [
                    [
                        label,
                        errors.flags_raised.get(code, 0),
                        errors.flags_confirmed.get(code, 0),
                        errors.flags_rejected.get(code, 0),
                    ]
                    for code, label in kinds
                ],
                note=f"{errors.flags_open} flag(s) wait for the administrator's review.",
                slug="erroneous_flags",
            ),
        ],
    )
