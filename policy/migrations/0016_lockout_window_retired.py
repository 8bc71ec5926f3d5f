"""The lockout window is retired: failed sign-ins count until a completed sign-in, however far apart
they come (CJIS 5.5.3 counts consecutive attempts), so `lockout_window_minutes` enforced nothing.

Proposed changes name policy fields in `changes` and `before`, and their pages label each by its field:
the retired name is taken out of every proposal first, and a proposal still open that changed nothing
else is withdrawn, saying why.
"""
from django.db import migrations
from django.utils import timezone

RETIRED = "lockout_window_minutes"


def forget_the_window_in_proposals(apps, schema_editor):
    proposal_model = apps.get_model("policy", "PolicyChangeProposal")
    for proposal in proposal_model.objects.all():
        if RETIRED not in proposal.changes and RETIRED not in proposal.before:
            continue
        proposal.changes.pop(RETIRED, None)
        proposal.before.pop(RETIRED, None)
        if not proposal.changes and proposal.status == "proposed":
            proposal.status, proposal.decided_at = "withdrawn", timezone.now()
            proposal.decision_note = ("Withdrawn by the system: the lockout window it proposed no longer exists "
                                      "(failed sign-ins count until a completed sign-in).")
        proposal.save()


class Migration(migrations.Migration):

    dependencies = [
        ("policy", "0015_notice_periods_in_bounds"),
    ]

    operations = [
        migrations.RunPython(forget_the_window_in_proposals, migrations.RunPython.noop),
        migrations.RemoveField(
            model_name="agencypolicy",
            name="lockout_window_minutes",
        ),
    ]
