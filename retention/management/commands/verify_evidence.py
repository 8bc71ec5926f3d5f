"""`manage.py verify_evidence PACKAGE`: report any file added, removed or altered (RET-4).

PACKAGE is the package's uuid, its database id, or its directory (absolute or relative to
EVIDENCE_ROOT). Exits 1 when anything is wrong, 0 when the package is intact.
"""
from django.core.management.base import BaseCommand, CommandError

from audit.context import Actor
from retention.services import evidence_package_verify


class Command(BaseCommand):
    help = "Verify an evidence package against its SHA-256 manifest and the hash recorded in the database."

    def add_arguments(self, parser):
        parser.add_argument("package", help="Package uuid, id, or directory.")

    def handle(self, *args, **options):
        result = evidence_package_verify(actor=Actor.system("manage.py verify_evidence"),
                                         reference=options["package"])
        for line in result.lines():
            self.stdout.write(line)
        if not result.ok:
            raise CommandError(f"evidence package {options['package']} FAILED verification")
        self.stdout.write(self.style.SUCCESS(f"evidence package {options['package']} verified"))
