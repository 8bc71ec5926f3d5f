"""E-mail leaves through Django's mail settings, read from the environment, to a real SMTP server.

An SMTP server (aiosmtpd) listens on a free loopback port for each test; what arrives is parsed and
checked: sender, recipients, subject, body, and that no plate is in a reminder.
"""
import email
import email.policy
import os
import re
import socket
import subprocess
import sys
from datetime import timedelta

import environ
import pytest
from aiosmtpd.controller import Controller
from django.conf import settings as django_settings
from django.utils import timezone

from accounts.models import TrainingKind, TrainingRecord
from accounts.tasks import send_training_reminders
from audit.context import Actor
from conftest import UserFactory
from policy.roles import Role
from policy.selectors import current_policy
from retention.services import hold_place, hold_reviews_remind
from retention.tests.conftest import create_read

pytestmark = pytest.mark.django_db
SENDER = "Example PD ALPR <alpr@police.example.gov>"
# A plate as the system stores one (A-Z, 0-9, 4 to 8 characters, at least one digit and one letter).
PLATE = re.compile(r"\b(?=[A-Z0-9]*\d)(?=[A-Z0-9]*[A-Z])[A-Z0-9]{4,8}\b")


class Inbox:
    """What the SMTP server received: one parsed message per delivery, with its envelope."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_server():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    inbox.url = f"smtp://127.0.0.1:{controller.port}"
    yield inbox
    controller.stop()


@pytest.fixture
def smtp_settings(settings, smtp_server):
    """The settings EMAIL_URL and DEFAULT_FROM_EMAIL give (config/settings/base.py), for this process."""
    for name, value in environ.Env.email_url_config(smtp_server.url).items():
        setattr(settings, name, value)
    settings.DEFAULT_FROM_EMAIL = SENDER
    return smtp_server


def test_the_mail_server_and_sender_come_from_the_environment(smtp_server):
    send = ("import django; django.setup(); from django.conf import settings as s; "
            "from django.core.mail import send_mail; print(s.EMAIL_BACKEND, s.EMAIL_HOST, s.EMAIL_PORT); "
            "send_mail('Test from production settings', 'Sent through EMAIL_URL.', None, "
            "['chief@police.example.gov'])")
    inherited = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "EMAIL_"))}
    env = {**inherited, "DJANGO_SETTINGS_MODULE": "config.settings.production", "DJANGO_SECRET_KEY": "x" * 50,
           "DJANGO_ALLOWED_HOSTS": "alpr.example.gov", "ALPR_PARTNER_KEY_ENCRYPTION_KEYS": "x",
           "EMAIL_URL": smtp_server.url, "DEFAULT_FROM_EMAIL": SENDER}
    result = subprocess.run([sys.executable, "-c", send], cwd=django_settings.BASE_DIR, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    port = smtp_server.url.rsplit(":", 1)[1]
    assert result.stdout.split() == ["django.core.mail.backends.smtp.EmailBackend", "127.0.0.1", port]
    [(mail_from, recipients, message)] = smtp_server.messages
    assert mail_from == "alpr@police.example.gov" and message["From"] == SENDER
    assert recipients == ["chief@police.example.gov"]
    assert message["Subject"] == "Test from production settings"
    assert message.get_content().strip() == "Sent through EMAIL_URL."


def test_without_email_url_production_sends_to_a_relay_on_this_host_and_make_run_prints_mail():
    show = ("import django; django.setup(); from django.conf import settings as s; "
            "print(s.EMAIL_BACKEND, s.EMAIL_HOST, s.EMAIL_PORT, s.EMAIL_TIMEOUT)")
    inherited = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "EMAIL_"))}
    outputs = []
    for module in ("config.settings.production", "config.settings.local"):
        env = {**inherited, "DJANGO_SETTINGS_MODULE": module, "DJANGO_SECRET_KEY": "x" * 50,
               "ALPR_PARTNER_KEY_ENCRYPTION_KEYS": "x"}
        result = subprocess.run([sys.executable, "-c", show], cwd=django_settings.BASE_DIR, env=env,
                                capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result.stderr
        outputs.append(result.stdout.split())
    assert outputs[0] == ["django.core.mail.backends.smtp.EmailBackend", "localhost", "25", "10"]
    assert outputs[1][0] == "django.core.mail.backends.console.EmailBackend"


@pytest.mark.rule("ACC-5")
def test_a_training_reminder_arrives_at_the_person_with_no_plate(smtp_settings,
                                                                 django_capture_on_commit_callbacks):
    person = UserFactory(role=Role.OFFICER, trained=False, email="jdoe@police.example.gov")
    for kind in (TrainingKind.ALPR_TRAINING, TrainingKind.POLICY_SIGNOFF, TrainingKind.LEADS_CERTIFICATION):
        TrainingRecord.objects.create(user=person, kind=kind, reference="Course 101", recorded_by=person,
                                      completed_on=timezone.localdate() - timedelta(days=350))
    with django_capture_on_commit_callbacks(execute=True):
        assert send_training_reminders() >= 1
    assert smtp_settings.messages
    for mail_from, recipients, message in smtp_settings.messages:
        assert mail_from == "alpr@police.example.gov" and message["From"] == SENDER
        assert recipients == ["jdoe@police.example.gov"] and message["To"] == "jdoe@police.example.gov"
        assert message["Subject"].startswith("Renew your ")
        body = message.get_content()
        assert person.full_name in body and "blocks your access to ALPR data" in body
        assert not PLATE.findall(message["Subject"] + body)


@pytest.mark.rule("RET-2")
def test_a_hold_review_reminder_names_the_case_not_the_plates(smtp_settings, settings, tmp_path, detective,
                                                               django_capture_on_commit_callbacks):
    from alpr.models import Camera

    settings.MEDIA_ROOT = tmp_path / "media"
    camera = Camera.objects.create(name="Harlem & Lake mail", location_description="NE corner")
    read = create_read(camera, plate="ABC1234")
    hold = hold_place(actor=Actor.for_user(detective, client_ip="10.0.0.5"), case_number="26-9",
                      reason="Homicide witness vehicle", read_ids=[read.pk])
    later = timezone.now() + timedelta(days=current_policy().hold_review_days + 1)
    with django_capture_on_commit_callbacks(execute=True):
        assert hold_reviews_remind(actor=Actor.system("scheduler"), now=later) == 1
    [(mail_from, recipients, message)] = smtp_settings.messages
    assert mail_from == "alpr@police.example.gov" and recipients == [detective.email]
    assert message["Subject"] == f"Review evidence hold {hold.pk} (case 26-9)"
    body = message.get_content()
    assert detective.full_name in body and "case 26-9" in body
    assert "ABC1234" not in message.as_string() and not PLATE.findall(message["Subject"] + body)


def test_every_mail_leaves_through_djangos_send_mail():
    """No module talks SMTP itself or builds its own connection: EMAIL_URL governs every message."""
    root = django_settings.BASE_DIR
    senders = []
    for path in root.rglob("*.py"):
        parts = set(path.relative_to(root).parts)
        if parts & {".venv", "node_modules", "var", "tests", "migrations"}:
            continue
        source = path.read_text()
        assert "smtplib" not in source and "get_connection(" not in source, path
        if "send_mail(" in source:
            assert "from django.core.mail import send_mail" in source, path
            senders.append(str(path.relative_to(root)))
    assert len(senders) >= 6, senders  # reminders, notices, oversight, discrepancies, releases
