"""Issue, rotate, revoke or list a camera's API credentials (for installers at the server console).

    manage.py camera_credentials "Lake & Harlem NB" --create --latitude 41.888 --longitude -87.803
    manage.py camera_credentials "Lake & Harlem NB" --rotate [--overlap-hours 24]
    manage.py camera_credentials "Lake & Harlem NB" --revoke KEY_ID --reason "camera stolen"
    manage.py camera_credentials "Lake & Harlem NB"          # list key ids

The new key is printed once, as ``<key_id>:<secret>``; only its HMAC is stored.
"""
import getpass
from datetime import timedelta
from decimal import Decimal

from django.core.management.base import BaseCommand, CommandError

from alpr.models import Camera, CameraKind
from alpr.services import camera_create, camera_credential_revoke, camera_credential_rotate
from audit.context import Actor
from core.errors import ApplicationError


class Command(BaseCommand):
    help = "Issue (--create/--rotate), revoke or list a camera's API credentials."

    def add_arguments(self, parser):
        parser.add_argument("camera_name")
        action = parser.add_mutually_exclusive_group()
        action.add_argument("--create", action="store_true",
                            help="Register the camera and issue its first key.")
        action.add_argument("--rotate", action="store_true", help="Issue a new key; old keys stop working.")
        action.add_argument("--revoke", metavar="KEY_ID", help="Revoke one key at once.")
        parser.add_argument("--overlap-hours", type=float, default=0.0,
                            help="With --rotate: keep old keys working this long (max 168).")
        parser.add_argument("--reason", default="", help="With --revoke: why.")
        parser.add_argument("--latitude", type=Decimal)
        parser.add_argument("--longitude", type=Decimal)
        parser.add_argument("--description", default="", help="With --create: where the camera is.")
        parser.add_argument("--kind", default=CameraKind.FIXED, choices=CameraKind.values)

    def handle(self, *args, **options):
        actor = Actor.system(f"manage.py camera_credentials (console user {getpass.getuser()})")
        name = options["camera_name"]
        try:
            if options["create"]:
                camera = camera_create(actor=actor, name=name, latitude=options["latitude"],
                                       longitude=options["longitude"],
                                       location_description=options["description"], kind=options["kind"])
                self._print_key(camera_credential_rotate(actor=actor, camera_id=camera.pk).key)
                return
            camera = Camera.objects.filter(name=name).first()
            if camera is None:
                raise CommandError(f"No camera named {name!r} (use --create to register it).")
            if options["rotate"]:
                issued = camera_credential_rotate(actor=actor, camera_id=camera.pk,
                                                  overlap=timedelta(hours=options["overlap_hours"]))
                self._print_key(issued.key)
            elif options["revoke"]:
                if not camera.credentials.filter(key_id=options["revoke"]).exists():
                    raise CommandError("That key id does not belong to this camera.")
                camera_credential_revoke(actor=actor, key_id=options["revoke"], reason=options["reason"])
                self.stdout.write(f"Revoked {options['revoke']}.")
            else:
                self._list(camera)
        except ApplicationError as error:
            raise CommandError(error.message) from None

    def _list(self, camera: Camera) -> None:
        for credential in camera.credentials.all():
            state = f"revoked {credential.revoked_at:%Y-%m-%d %H:%M}" if credential.revoked_at else "live"
            self.stdout.write(f"{credential.key_id}  created {credential.created_at:%Y-%m-%d %H:%M}  {state}")

    def _print_key(self, key: str) -> None:
        self.stderr.write("New camera key (shown once; configure the camera with it now):")
        self.stdout.write(key)
