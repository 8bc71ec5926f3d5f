"""The quarterly metrics (RPT-2, ACLU of Illinois guidelines): use, cost, hit rate, false-positive rate,
and the arrests and incidents related to ALPR use, with the cost per hit and per arrest."""

from core.compliance import enforces
from hotlists.models import VerificationOutcome
from reports.periods import Period
from reports.reporting import figures
from reports.reporting.content import Chart, ReportContent, Section, Table, money, percent, rate


@enforces("RPT-2")
def build_quarterly_metrics(period: Period) -> ReportContent:
    usage = figures.search_usage(period)
    months = figures.monthly_use(period)
    people = figures.people_active(period)
    outside = sum(row.searches for row in figures.outside_agency_searches(period))
    costs = figures.programme_costs(period)
    alerts = figures.alert_counts(period)
    related = figures.related_outcomes(period, alerts)
    hits = alerts["outcomes"][VerificationOutcome.CONFIRMED]
    arrests = related.arrests
    summary = {
        "Plate reads": usage.reads,
        "Searches": usage.searches,
        "People who used the system": people.using,
        "Total cost": money(costs.total),
        "Hotlist alerts (hits)": alerts["alerts"],
        "Hit rate": _rate(alerts["hit_rate"]),
        "False-positive rate": _rate(alerts["false_positive_rate"]),
        "Arrests related to ALPR use": arrests,
        "Incidents related to ALPR use": related.incidents,
        "Cost per confirmed hit": _per(costs.total, hits),
        "Cost per arrest": _per(costs.total, arrests),
    }
    return ReportContent(
        title="Quarterly ALPR metrics",
        period_label=period.label,
        summary=summary,
        sections=[
            _use(usage, months, people, outside),
            _cost(costs, hits, arrests),
            _accuracy(alerts),
            _outcomes(related),
        ],
        notes=[
            "Hit rate: confirmed alerts as a share of verified alerts. False-positive rate: alerts closed "
            "as misread, wrong state or vehicle mismatch, as a share of verified alerts (an entry no "
            "longer valid is the list's error, not the reader's, and is counted apart). Alerts are counted "
            "in the quarter they were raised, search outcomes in the quarter they were recorded, costs by "
            "the date incurred.",
        ],
    )


def _rate(share: float | None) -> str:
    return percent(None if share is None else 100 * share)


def _per(total, results: int) -> str:
    """Cost per result; "n/a" with no results, or no costs recorded (a programme is never free)."""
    return money(total / results) if total and results else "n/a"


def _use(usage, months, people, outside: int) -> Section:
    by_purpose = sorted(usage.searches_by_purpose.items(), key=lambda item: (-item[1], item[0]))
    return Section(
        "Use",
        "Reads the cameras took, searches run and by whom, month by month.",
        [
            Table(
                "Use in the quarter",
                ["Figure", "Value"],
                [
                    ["Plate reads", usage.reads],
                    ["Searches", usage.searches],
                    ["Search attempts refused", usage.refused_searches],
                    ["Searches by outside agencies", outside],
                    ["People who used the system", people.using],
                    ["People who searched", people.searching],
                    [
                        "Reads purged after the retention period",
                        "n/a" if usage.reads_purged is None else usage.reads_purged,
                    ],
                ],
                slug="use",
            ),
            Table(
                "Use by month",
                ["Month", "Plate reads", "Searches", "Hotlist alerts", "People active"],
                [[m.period.label, m.reads, m.searches, m.alerts, m.people] for m in months],
                slug="use_by_month",
            ),
            Table(
                "Searches by purpose",
                ["Purpose", "Searches"],
                [[label, n] for label, n in by_purpose],
                slug="searches_by_purpose",
            ),
        ],
        [
            Chart("Searches by month", [(m.period.label, m.searches) for m in months]),
            Chart("Hotlist alerts by month", [(m.period.label, m.alerts) for m in months]),
        ],
    )


def _cost(costs, hits: int, arrests: int) -> Section:
    return Section(
        "Cost",
        f"Costs of the programme incurred in the quarter, as recorded by the administrator (CAM-4): "
        f"{money(costs.total)} in all.",
        [
            Table(
                "Cost by kind",
                ["Kind", "Amount"],
                [[kind, money(amount)] for kind, amount in costs.by_kind.items()],
                slug="cost_by_kind",
            ),
            Table(
                "Cost by camera",
                ["Camera", "Amount"],
                [[name, money(amount)] for name, amount in costs.by_camera],
                slug="cost_by_camera",
            ),
            Table(
                "Cost per result",
                ["Figure", "Value"],
                [
                    ["Total cost", money(costs.total)],
                    ["Confirmed hits", hits],
                    ["Cost per confirmed hit", _per(costs.total, hits)],
                    ["Arrests related to ALPR use", arrests],
                    ["Cost per arrest", _per(costs.total, arrests)],
                ],
                slug="cost_per_result",
            ),
        ],
        [
            Chart(
                "Cost by kind (whole dollars)",
                [(kind, round(amount)) for kind, amount in costs.by_kind.items()],
            )
        ],
    )


def _accuracy(alerts: dict) -> Section:
    outcomes = alerts["outcomes"]
    labels = dict(VerificationOutcome.choices)
    false_positives = sum(outcomes[o] for o in figures.FALSE_POSITIVE_OUTCOMES)
    return Section(
        "Hit rate and false-positive rate",
        "Every alert is verified against the image before anyone acts on it (USE-8); its outcome feeds "
        "the rates.",
        [
            Table(
                "Alerts and their verification",
                ["Figure", "Value"],
                [
                    ["Hotlist alerts raised", alerts["alerts"]],
                    ["Verified", alerts["verified"]],
                    ["Not verified", alerts["unverified"]],
                    ["Confirmed (hits)", outcomes[VerificationOutcome.CONFIRMED]],
                    ["False positives", false_positives],
                    ["Hit rate", _rate(alerts["hit_rate"])],
                    ["False-positive rate", _rate(alerts["false_positive_rate"])],
                ],
                slug="accuracy",
            ),
            Table(
                "Verified alerts by outcome",
                ["Outcome", "Alerts", "Share of verified"],
                [[labels[code], n, rate(n, alerts["verified"])] for code, n in outcomes.items()],
                slug="alert_outcomes",
            ),
        ],
        [Chart("Verified alerts by outcome", [(labels[c].split(":")[0], n) for c, n in outcomes.items()])],
    )


def _outcomes(related) -> Section:
    return Section(
        "Arrests and incidents related to ALPR use",
        "What confirmed alerts led to (recorded by the officer who acted) and what searches led to "
        "(recorded by the person who searched).",
        [
            Table(
                "Arrests and incidents",
                ["Outcome", "After hotlist alerts", "After searches", "Total"],
                [[row.label, row.from_alerts, row.from_searches, row.total] for row in related.rows],
                slug="related_outcomes",
            )
        ],
        [
            Chart(
                "Arrests and incidents related to ALPR use", [(row.label, row.total) for row in related.rows]
            )
        ],
    )
