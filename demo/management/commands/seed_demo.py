import logging

from django.core.management.base import BaseCommand

from demo.people import (
    DEMO_DEVICE_NAME,
    DEMO_PASSWORD,
    current_demo_code,
    demo_totp_secret,
    ensure_demo_allowed,
)
from demo.seed import OTHERS_PER_CAMERA, HistorySize, seed_demo


class Command(BaseCommand):
    help = ("Load the demo department (people of every role, cameras) and replay its history up to now "
            "through the real services. Idempotent; DEBUG only. --print-logins prints the sign-in banner.")

    def add_arguments(self, parser):
        parser.add_argument("--print-logins", action="store_true",
                            help="Only print where and how to sign in.")
        parser.add_argument("--url", default="http://127.0.0.1:8000/")
        parser.add_argument("--days", type=int, default=None,
                            help="Days of history (default: enough for the last whole month and quarter).")
        parser.add_argument("--others-per-camera", type=int, default=OTHERS_PER_CAMERA,
                            help="Vehicles besides the named ones passing each camera a day.")
        parser.add_argument("--generated-photos", action="store_true",
                            help="Use generated photos even where the real benchmark photos are present.")

    def handle(self, *args, print_logins, url, days, others_per_camera, generated_photos, **options):
        ensure_demo_allowed()
        if print_logins:
            self._banner(url)
            return
        size = HistorySize(days=days, others_per_camera=others_per_camera, real_photos=not generated_photos)
        # The replay signs people in and raises alerts by the hundred: their INFO lines would bury the
        # summary (the audit log has every one of them).
        logging.disable(logging.INFO)
        try:
            summary = seed_demo(size)
        finally:
            logging.disable(logging.NOTSET)
        self.stdout.write(f"Demo data ready: {summary}")

    def _banner(self, url: str) -> None:
        from accounts.models import User

        self.stdout.write(self.style.SUCCESS(f"\nThe ALPR system is running at {url}"))
        self.stdout.write(f"Public transparency portal: {url}portal/ (no sign-in)\n")
        self.stdout.write(f"Every demo account's password: {DEMO_PASSWORD}")
        self.stdout.write("Second factor: add the key to any authenticator app, or run "
                          "`make demo-code USER=<login>` for the current code.\n")
        self.stdout.write(f"{'Login':<10} {'Role':<24} {'Code now':<9} Authenticator key")
        # Only the demo's own people: the code and key are worked out from the login name, so for anyone
        # added by hand they would be a wrong code and someone else's key.
        for user in User.objects.filter(status="active", totpdevice__name=DEMO_DEVICE_NAME).order_by("role"):
            self.stdout.write(f"{user.username:<10} {user.get_role_display():<24} "
                              f"{current_demo_code(user.username):<9} {demo_totp_secret(user.username)}")
        self.stdout.write("\nLogs: var/log/. Show this again: `make banner`. "
                          "Press Ctrl-C to stop web, worker and scheduler.")
