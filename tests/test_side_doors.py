"""No side doors (AUD-1, USE-1, USE-4): plate data leaves only through the access layer's front door.

For every URL pattern, as every role, anonymous, a camera key and a partner agency's person key, with
each method the pattern accepts (GET; POST with a junk body; PUT, PATCH and DELETE where a view
defines them) and the real ids of objects that exist (reads, holds, packages, flags, alerts, hotlist
entries, imports, requests, reports, agencies, cameras…), no response may carry the plate text, the
full image or the crop of any read in the database, unless

* the read is in the requester's scope: the read of an alert the person may see (a role that verifies
  alerts), or, for a partner agency, a read released to it; a justification that has searched nothing
  (the "with justification" runs) puts no read in scope; and
* this very request wrote an allowed audit row naming it (``read:<id>`` or ``alert:<id>`` of its
  alert) in its own transaction.

The public portal is walked like every other page: it is built to show no plate. Plates typed in as
input elsewhere (a partner's written request names the plate it asks for) are not read data: the
released read's plate is not looked for, its image and crop are. Responses are read whole: streamed
and file responses, JSON, headers, the members of a ZIP, images embedded in base64.

Each request runs in a savepoint that is rolled back (and the client's cookies restored), so one
request's writes (a sign-out, a suspension, an audit row that names a plate) cannot hide or cause a
finding in the next. The world (tests/world.py) is built once per module, inside a transaction rolled
back at the end.
"""
import copy
import io
import zipfile

import pytest
from django.db import transaction
from rest_framework.views import APIView

from alpr import storage
from alpr.models import PlateRead
from audit.models import AuditEvent, Outcome
from tests.urlwalk import endpoints
from tests.world import CONTEXTS, Context, Secret

pytestmark = [pytest.mark.django_db, pytest.mark.rule("AUD-1"), pytest.mark.rule("USE-1"),
              pytest.mark.rule("USE-4")]

JUNK_FORM = {"junk": "x", "id": "1"}
JUNK_JSON = {"junk": "x", "id": 1}

def _requests(endpoint, context: Context):
    """(method, keyword arguments) of each request to send to `endpoint`."""
    view_class = getattr(endpoint.callback, "cls", None)
    is_api = isinstance(view_class, type) and issubclass(view_class, APIView)
    json_like = is_api or endpoint.name.startswith("camera_api:")
    body = {"data": JUNK_JSON, "content_type": "application/json"} if json_like else {"data": JUNK_FORM}
    yield "get", {}
    yield "post", body
    if is_api:
        for method in ("put", "patch", "delete"):
            if hasattr(view_class, method):
                yield method, body


def _body(response) -> bytes:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if content.startswith(b"PK\x03\x04"):
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            content += b"".join(archive.read(name) for name in archive.namelist())
    return content + "\n".join(f"{k}: {v}" for k, v in response.items()).encode()


def _audited_targets(since_id: int) -> set[str]:
    rows = (AuditEvent.objects.filter(id__gt=since_id, outcome=Outcome.ALLOWED)
            .values_list("targets", flat=True))
    return {target for targets in rows for target in targets or ()}


def _probe(context: Context, method: str, path: str, kwargs: dict, secrets: list[Secret]) -> list[str]:
    """Send one request in a savepoint rolled back afterwards; return what it leaked."""
    cookies = copy.deepcopy(context.client.cookies)
    with transaction.atomic():
        since_id = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
        response = getattr(context.client, method)(path, **kwargs, **context.headers)
        body = _body(response)
        audited = _audited_targets(since_id)
        transaction.set_rollback(True)
    context.client.cookies = cookies
    findings = [f"answered {response.status_code}"] if response.status_code >= 500 else []
    for secret in secrets:
        leaked = secret.found_in(body)
        named = f"read:{secret.read_id}" in audited or f"alert:{secret.alert_id}" in audited
        if leaked and not (context.in_scope(secret) and named):
            scope = "in scope" if context.in_scope(secret) else "not in scope"
            audit = "audited" if named else "no audit row names it"
            findings.append(f"read {secret.read_id}: {', '.join(leaked)} ({scope}, {audit})")
    return findings


@pytest.mark.parametrize("label", CONTEXTS)
def test_no_plate_image_or_crop_leaves_by_a_side_door(world, label):
    # Tried: every pattern × this requester × GET / junk POST (/ PUT / PATCH / DELETE on API views),
    # with every real id of the world in the path.
    context = world.contexts[label]
    leaks = []
    for endpoint in endpoints(world.values):
        for method, kwargs in _requests(endpoint, context):
            for finding in _probe(context, method, endpoint.path, kwargs, world.secrets):
                leaks.append(f"{endpoint.name} {method.upper()} {endpoint.path}: {finding}")
    assert not leaks, f"As {label}:\n" + "\n".join(leaks)


def test_the_world_has_plates_images_and_the_walk_uses_its_ids(world):
    # Guards the proof itself: an empty world or unresolvable paths would make every run pass.
    assert len({secret.plate for secret in world.secrets if secret.plate}) == 6
    paths = {endpoint.path for endpoint in endpoints(world.values)}
    assert not [path for path in paths if path.startswith("UNRESOLVABLE")]
    for secret in world.secrets:
        assert f"/search/reads/{secret.read_id}/image/crop/" in paths
        read = PlateRead.system_objects.get(pk=secret.read_id)
        assert storage.read_bytes(read.crop_path) == secret.images[1]
