from django.core.management.base import BaseCommand

from demo.people import current_demo_code, ensure_demo_allowed


class Command(BaseCommand):
    help = "Print the current authenticator code of a demo account."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        ensure_demo_allowed()
        self.stdout.write(current_demo_code(username))
