"""One way to write dates and times on every page (core/dates.py): no template spells its own format."""
import re
from datetime import datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.template import Context, Template
from django.utils import timezone

from conftest import UserFactory
from policy.roles import Role
from reports.models import PolicyDocument
from reports.services.policy_docs import policy_doc_draft, policy_doc_open_comment
from reports.tests.conftest import actor

# `|date:"…"` or `|time:"…"` in a template: a format of its own, which is how pages came to differ.
OWN_FORMAT = re.compile(r"\|\s*(date|time)\s*:")


def _templates() -> list[Path]:
    roots = [Path(settings.BASE_DIR) / "templates", *Path(settings.BASE_DIR).glob("*/templates")]
    return [path for root in roots for path in root.rglob("*.html")]


def test_no_template_spells_a_date_format_of_its_own():
    offenders = [f"{path.relative_to(settings.BASE_DIR)}:{number}: {line.strip()}"
                 for path in _templates()
                 for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                 if OWN_FORMAT.search(line)]
    assert _templates() and not offenders, "Use |day, |when or |when_exact:\n" + "\n".join(offenders)


def test_every_way_of_writing_a_moment_gives_the_same_text():
    """A filter, Django's default format and a bare value all read "2026-12-03 14:16"."""
    moment = timezone.make_aware(datetime(2026, 12, 3, 14, 16, 5))
    text = Template("{{ m|when }}|{{ m }}|{{ m|date:'DATETIME_FORMAT' }}|{{ m|day }}|{{ m|date }}|"
                    "{{ m|when_exact }}|{{ m.date }}").render(Context({"m": moment}))
    assert text == "2026-12-03 14:16|2026-12-03 14:16|2026-12-03 14:16|2026-12-03|2026-12-03|" \
                   "2026-12-03 14:16:05|2026-12-03"


@pytest.mark.django_db
def test_a_time_at_the_end_of_a_sentence_has_one_full_stop(client):
    """The portal's "open for public comment until …" used to read "2:16 p.m..": now "14:16."."""
    admin = UserFactory(role=Role.ADMINISTRATOR)
    document = policy_doc_draft(actor=actor(admin), title="ALPR policy 2027",
                                text="# Purpose\nListed purposes.")
    policy_doc_open_comment(actor=actor(admin), document_id=document.pk)
    closes = timezone.make_aware(datetime(2027, 1, 20, 14, 16))
    PolicyDocument.objects.filter(pk=document.pk).update(comment_closes_at=closes)
    page = client.get("/portal/policy/").content.decode()
    assert "open for public comment until 2027-01-20 14:16." in page
    assert "p.m." not in page and ".." not in re.sub(r"<[^>]+>", " ", page).replace("...", "")
