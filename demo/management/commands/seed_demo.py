from django.core.management.base import BaseCommand

from demo.people import DEMO_PASSWORD, current_demo_code, demo_totp_secret, ensure_demo_allowed
from demo.seed import seed_demo


class Command(BaseCommand):
    help = "Load the demo department (people of every role, cameras, reads). Idempotent; DEBUG only."

    def add_arguments(self, parser):
        parser.add_argument("--print-logins", action="store_true", help="Print where and how to sign in.")
        parser.add_argument("--url", default="http://127.0.0.1:8000/")

    def handle(self, *args, print_logins, url, **options):
        ensure_demo_allowed()
        if not print_logins:
            summary = seed_demo()
            self.stdout.write(f"Demo data ready: {summary}")
            return
        from accounts.models import User

        self.stdout.write(self.style.SUCCESS(f"\nThe ALPR system is running at {url}"))
        self.stdout.write(f"Public transparency portal: {url}portal/ (no sign-in)\n")
        self.stdout.write(f"Every demo account's password: {DEMO_PASSWORD}")
        self.stdout.write("Second factor: add the key to any authenticator app, or run "
                          "`make demo-code USER=<login>` for the current code.\n")
        self.stdout.write(f"{'Login':<10} {'Role':<24} {'Code now':<9} Authenticator key")
        for user in User.objects.filter(status="active").order_by("role"):
            self.stdout.write(f"{user.username:<10} {user.get_role_display():<24} "
                              f"{current_demo_code(user.username):<9} {demo_totp_secret(user.username)}")
        self.stdout.write("\nPress Ctrl-C to stop web, worker and scheduler.")
