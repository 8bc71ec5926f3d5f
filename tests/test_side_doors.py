"""No side doors (AUD-1, USE-1, USE-4): plate data leaves only through the access layer's front door.

For every URL pattern, as every role, anonymous, a camera key and a partner agency's person key, with
each method the pattern accepts (GET; POST with a junk body; PUT, PATCH and DELETE where a view
defines them) and the real ids of objects that exist (reads, holds, packages, flags, alerts, hotlist
entries, imports, requests, reports, agencies, cameras…), no response may carry the plate text, the
full image or the crop of any read in the database, unless

* the read is in the requester's scope: the read of an alert the person may see (a role that verifies
  alerts), or, for a partner agency, a read released to it, or, for the administrator reviewing
  erroneous-read flags under an audit justification, a flagged read (the flag is someone else's
  recorded action on it, USE-4); a case justification that has searched nothing (the "with
  justification" runs) puts no read in scope; and
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

import pytest
from rest_framework.views import APIView

from alpr import storage
from alpr.models import PlateRead
from tests.urlwalk import endpoints
from tests.world import CONTEXTS, Context, Secret

pytestmark = [pytest.mark.django_db, pytest.mark.rule("AUD-1"), pytest.mark.rule("USE-1"),
              pytest.mark.rule("USE-4")]

JUNK_FORM = {"junk": "x", "id": "1"}
JUNK_JSON = {"junk": "x", "id": 1}


def _requests(endpoint):
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


def _leaks(context: Context, method: str, path: str, kwargs: dict, secrets: list[Secret]) -> list[str]:
    sent = context.send(method, path, **kwargs)
    findings = [f"answered {sent.status}"] if sent.status >= 500 else []
    for secret in secrets:
        leaked = secret.found_in(sent.body)
        named = f"read:{secret.read_id}" in sent.audited or f"alert:{secret.alert_id}" in sent.audited
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
        for method, kwargs in _requests(endpoint):
            for finding in _leaks(context, method, endpoint.path, kwargs, world.secrets):
                leaks.append(f"{endpoint.name} {method.upper()} {endpoint.path}: {finding}")
    assert not leaks, f"As {label}:\n" + "\n".join(leaks)


def test_the_world_has_plates_images_and_the_walk_uses_its_ids(world):
    # Guards the proof itself: an empty world or unresolvable paths would make every run pass.
    assert len({secret.plate for secret in world.secrets if secret.plate}) == 6
    every_read = set(PlateRead.system_objects.values_list("pk", flat=True))
    assert every_read == {secret.read_id for secret in world.secrets}  # every read of the database
    paths = {endpoint.path for endpoint in endpoints(world.values)}
    assert not [path for path in paths if path.startswith("UNRESOLVABLE")]
    for secret in world.secrets:
        assert f"/search/reads/{secret.read_id}/image/crop/" in paths
        read = PlateRead.system_objects.get(pk=secret.read_id)
        assert storage.read_bytes(read.crop_path) == secret.images[1]
