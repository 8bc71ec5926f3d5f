"""Record the earlier approvals of a department's cameras from its register, a CSV file (CAM-2).

    manage.py record_prior_approvals register.csv --chief mchen

For a department adopting the system: each row is a camera installed before it, approved on paper and
announced to the public. The camera is the pending one of that name in the registry, or is registered
now; it goes into service as the Chief's page (Placement approvals) would put it. Columns, with a header
row (UTF-8; the optional ones may be left out or empty):

    camera_name, approved_on (YYYY-MM-DD), approved_by, approval_document, public_notice,
    latitude, longitude, location_description, justification, nondiscrimination,
    notice_from (optional, YYYY-MM-DD), heading (optional, 0-359), camera_kind (optional: fixed, mobile,
    trailer)

The whole file is read and checked first: a row that cannot be read stops the import before anything
is recorded. Each row is then recorded by itself, in the Chief's name, and audited, with this console as
the place it came from; a row the service refuses is reported and changes nothing, and the command ends
with an error naming it. Running the file again records only what is not recorded yet: the rest is
refused as recorded already.
"""
import csv
import getpass
from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from alpr.models import CameraKind
from audit.context import Actor
from audit.models import ActorType
from core.errors import ApplicationError
from reports.services.cameras import placement_record_prior

REQUIRED = ["camera_name", "approved_on", "approved_by", "approval_document", "public_notice", "latitude",
            "longitude", "location_description", "justification", "nondiscrimination"]
OPTIONAL = ["notice_from", "heading", "camera_kind"]


class Command(BaseCommand):
    help = "Record the earlier approvals of cameras installed before this system, from a CSV register."

    def add_arguments(self, parser):
        parser.add_argument("register", type=Path, help="The CSV file of the department's camera register.")
        parser.add_argument("--chief", required=True, metavar="LOGIN",
                            help="The Chief's login: the approvals are recorded in the Chief's name.")

    def handle(self, *args, register: Path, chief: str, **options):
        actor = self._chief(chief)
        rows = _rows(register)
        refused = []
        for line, fields in rows:
            try:
                placement = placement_record_prior(actor=actor, **fields)
            except ApplicationError as error:
                refused.append(line)
                self.stderr.write(f"line {line} ({fields['camera_name']}): not recorded: {error.message}")
            else:
                self.stdout.write(f"line {line}: {placement.subject} in service since "
                                  f"{placement.effective_on} (placement {placement.pk})")
        if refused:
            lines = "line" if len(refused) == 1 else "lines"
            raise CommandError(f"{len(rows) - len(refused)} of {len(rows)} recorded; not recorded: {lines} "
                               f"{', '.join(map(str, refused))} (each changed nothing).")
        self.stdout.write(f"{len(rows)} recorded.")

    def _chief(self, login: str) -> Actor:
        """The Chief, acting from this console: the service checks the role; the audit names both."""
        user = User.objects.filter(username=login).first()
        if user is None:
            raise CommandError(f"No account with the login {login!r}.")
        label = f"{user.audit_label} (manage.py record_prior_approvals, console user {getpass.getuser()})"
        return Actor(kind=ActorType.USER, label=label, user=user)


def _rows(register: Path) -> list[tuple[int, dict]]:
    """Every row of the register as the service's arguments, or a CommandError naming each bad row."""
    try:
        with register.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            missing = [column for column in REQUIRED if column not in (reader.fieldnames or [])]
            if missing:
                raise CommandError(f"The register has no column {', '.join(missing)} (header row).")
            rows, problems = [], []
            for row in reader:
                try:
                    rows.append((reader.line_num, _fields(row)))
                except ValueError as error:
                    problems.append(f"line {reader.line_num}: {error}")
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise CommandError(f"Cannot read {register}: {error}") from None
    if problems:
        raise CommandError("Nothing recorded; fix these rows:\n" + "\n".join(problems))
    if not rows:
        raise CommandError("The register has no rows.")
    return rows


def _fields(row: dict) -> dict:
    values = {column: (row.get(column) or "").strip() for column in REQUIRED + OPTIONAL}
    for column in REQUIRED:
        if not values[column]:
            raise ValueError(f"{column} is empty")
    return {
        **{column: values[column] for column in REQUIRED},
        "approved_on": _date(values["approved_on"], "approved_on"),
        "notice_from": _date(values["notice_from"], "notice_from") if values["notice_from"] else None,
        "heading": _heading(values["heading"]),
        "camera_kind": values["camera_kind"] or CameraKind.FIXED,
    }


def _date(value: str, column: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{column} {value!r} is not a date as YYYY-MM-DD") from None


def _heading(value: str) -> int | None:
    if not value:
        return None
    if not (value.isascii() and value.isdigit()):  # isdigit() alone takes "9²", which int() refuses
        raise ValueError(f"heading {value!r} is not a whole number of degrees")
    return int(value)
