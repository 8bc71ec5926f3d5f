import getpass

from django.core.management.base import BaseCommand, CommandError

from accounts.bootstrap import agency_bootstrap
from core.errors import ApplicationError
from policy.roles import Role


class Command(BaseCommand):
    help = "Create the first system administrator and Chief of a new deployment (once)."

    def add_arguments(self, parser):
        for role in ("admin", "chief"):
            parser.add_argument(f"--{role}-username", required=True)
            parser.add_argument(f"--{role}-name", required=True, help="Full name")
            parser.add_argument(f"--{role}-badge", required=True, help="Employee or badge ID")
            parser.add_argument(f"--{role}-email", required=True)

    def handle(self, *args, **options):
        people = []
        for prefix, role in (("admin", Role.ADMINISTRATOR), ("chief", Role.CHIEF)):
            password = getpass.getpass(f"Password for {options[f'{prefix}_username']}: ")
            people.append({"username": options[f"{prefix}_username"], "full_name": options[f"{prefix}_name"],
                           "badge_number": options[f"{prefix}_badge"], "role": role,
                           "email": options[f"{prefix}_email"], "password": password})
        try:
            created = agency_bootstrap(people=people)
        except ApplicationError as error:
            raise CommandError(error.message) from None
        for user in created:
            self.stdout.write(f"Created {user.audit_label} ({user.get_role_display()}). "
                              "They set up their authenticator at first sign-in.")
