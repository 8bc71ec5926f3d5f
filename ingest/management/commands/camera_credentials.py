"""Issue, rotate, revoke or list a camera's API credentials (for installers at the server console).

    manage.py camera_credentials "Lake & Harlem NB" --create --placement 12
    manage.py camera_credentials "Lake & Harlem NB" --rotate [--overlap-hours 24]
    manage.py camera_credentials "Lake & Harlem NB" --revoke KEY_ID --reason "camera stolen"
    manage.py camera_credentials "Lake & Harlem NB" --bind KEY_ID --network 10.20.30.40   # "" unbinds
    manage.py camera_credentials "Lake & Harlem NB"          # list key ids

The new key is printed once, as ``<key_id>:<secret>``; only its HMAC is stored.

``--bind`` limits a key to the camera's own address or subnet; bound to one address, from there the Plate
Recognizer-compatible endpoint also takes keyless uploads as this camera (an on-premises SDK client sends
no key). A subnet binding still needs the key: the subnet's other devices would pass for the camera.

``--create`` registers the camera of an installation the Chief has approved (the placement request's
number, from Cameras → Placement requests) and issues its first key. The camera is not in service,
and its key is refused at upload, until the installation takes effect after the public notice
(CAM-2); a camera already put in service by its placement gets its first key with ``--rotate``.
"""
import getpass
from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError

from alpr.models import Camera, CameraStatus
from alpr.services import camera_credential_bind_network, camera_credential_revoke, camera_credential_rotate
from audit.context import Actor
from core.errors import ApplicationError
from reports.selectors import placement_get
from reports.services.cameras import placement_register_camera


class Command(BaseCommand):
    help = "Issue (--create/--rotate), revoke or list a camera's API credentials."

    def add_arguments(self, parser):
        parser.add_argument("camera_name")
        action = parser.add_mutually_exclusive_group()
        action.add_argument("--create", action="store_true",
                            help="Register the camera of an approved installation (--placement) and issue "
                                 "its first key.")
        action.add_argument("--rotate", action="store_true", help="Issue a new key; old keys stop working.")
        action.add_argument("--revoke", metavar="KEY_ID", help="Revoke one key at once.")
        action.add_argument("--bind", metavar="KEY_ID",
                            help="Accept this key only from --network, and keyless uploads from there.")
        parser.add_argument("--overlap-hours", type=float, default=0.0,
                            help="With --rotate: keep old keys working this long (max 168).")
        parser.add_argument("--reason", default="", help="With --revoke: why.")
        parser.add_argument("--network", metavar="CIDR",
                            help="With --bind: the camera's address or subnet (at most /24); '' unbinds.")
        parser.add_argument("--placement", type=int, metavar="ID",
                            help="With --create: the number of the installation request the Chief approved.")

    def handle(self, *args, **options):
        actor = Actor.system(f"manage.py camera_credentials (console user {getpass.getuser()})")
        name = options["camera_name"]
        try:
            if options["create"]:
                self._create(actor, name, options["placement"])
                return
            camera = Camera.objects.filter(name=name).first()
            if camera is None:
                raise CommandError(f"No camera named {name!r} (use --create to register it).")
            if options["rotate"]:
                issued = camera_credential_rotate(actor=actor, camera_id=camera.pk,
                                                  overlap=timedelta(hours=options["overlap_hours"]))
                self._print_key(issued.key)
            elif options["revoke"]:
                self._own_key(camera, options["revoke"])
                camera_credential_revoke(actor=actor, key_id=options["revoke"], reason=options["reason"])
                self.stdout.write(f"Revoked {options['revoke']}.")
            elif options["bind"]:
                self._bind(actor, camera, options["bind"], options["network"])
            else:
                self._list(camera)
        except ApplicationError as error:
            raise CommandError(error.message) from None

    def _create(self, actor: Actor, name: str, placement_id: int | None) -> None:
        if placement_id is None:
            raise CommandError("A camera is installed on an approved placement request: give --placement ID "
                               "(Cameras → Request a placement, then the Chief's approval).")
        placement = placement_get(placement_id)
        if placement is None or placement.camera_name.lower() != name.strip().lower():
            raise CommandError(f"No installation request {placement_id} for a camera named {name!r}.")
        camera = placement_register_camera(actor=actor, placement_id=placement_id)
        self._print_key(camera_credential_rotate(actor=actor, camera_id=camera.pk).key)
        if camera.status == CameraStatus.PENDING:
            self.stderr.write(f"The camera may upload from {placement.effective_on}, when the public notice "
                              "of its installation has run; its key is refused until then.")

    def _own_key(self, camera: Camera, key_id: str) -> None:
        if not camera.credentials.filter(key_id=key_id).exists():
            raise CommandError("That key id does not belong to this camera.")

    def _bind(self, actor: Actor, camera: Camera, key_id: str, network: str | None) -> None:
        self._own_key(camera, key_id)
        if network is None:
            raise CommandError("Give --network: the camera's address or subnet, or '' to unbind.")
        credential = camera_credential_bind_network(actor=actor, key_id=key_id, network=network)
        self.stdout.write(f"{key_id} bound to {credential.source_network}." if credential.source_network
                          else f"{key_id} unbound.")

    def _list(self, camera: Camera) -> None:
        for credential in camera.credentials.all():
            state = f"revoked {credential.revoked_at:%Y-%m-%d %H:%M}" if credential.revoked_at else "live"
            bound = f"  from {credential.source_network} only" if credential.source_network else ""
            created = f"created {credential.created_at:%Y-%m-%d %H:%M}"
            self.stdout.write(f"{credential.key_id}  {created}  {state}{bound}")

    def _print_key(self, key: str) -> None:
        self.stderr.write("New camera key (shown once; configure the camera with it now):")
        self.stdout.write(key)
