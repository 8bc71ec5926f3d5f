"""No side doors (AUD-1, USE-1, USE-4): plate data leaves only through the access layer's front door.

For every URL pattern, as every role, anonymous, a camera key and a partner agency's person key, with
each method the pattern accepts (GET; POST with a junk body; PUT, PATCH and DELETE where a view
defines them), the real ids of objects that exist (reads, holds, packages, flags, alerts, hotlist
entries, imports, requests, reports, agencies, cameras…) and the world's query strings (``?event=`` of
audit entries that name reads, refused ones included; the audit log's filters), no response (pages,
the audit log's CSV export, an import's report, JSON…) may carry the plate text, the full image or the
crop of any read in the database, unless

* the read is in the requester's scope: the read of an alert open in the inbox, for a person who may
  see it (a role that verifies alerts; an alert closed as a misread opens its read to no one), or, for
  a partner agency, a read released to it, or, for the administrator reviewing erroneous-read flags
  under an audit justification, a flagged read (the flag is someone else's recorded action on it,
  USE-4), or, for an auditor or the administrator under an audit justification, a read that someone
  else's allowed access in the audit log names (the audit scope: the log's plate text, a read opened
  from an entry); a case justification that has searched nothing (the "with justification" runs) puts
  no read in scope; and
* this very request wrote an allowed audit row naming it (``read:<id>`` or ``alert:<id>`` of its
  alert) in its own transaction.

The plate in the rejected row of an analyst's import may leave only in that analyst's own view of the
import's report, audited (``import:<id>``).

A response that may show plate data (in scope and audited) must say ``Cache-Control: no-store``: a
page a browser keeps on disk, or a proxy shares, is a copy of plate data outside the access layer.

The public portal is walked like every other page: it is built to show no plate. The plate a written
request names is the agency's own text, not a read's: the released read's plate is not looked for, its
image and crop are. Yet what an agency asks for is plate data too (ACC-5): a pending request names a
plate of no read, which may leave only to the reviewer of sharing, in a response whose audit row names
the request (``sharing-request:<id>``: the queue, the request's page, the agency's page). Responses are
read whole: streamed and file responses, JSON, headers, the members of a ZIP, images embedded in base64.

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


def _requests(endpoint, queries):
    """(method, keyword arguments) of each request to send to `endpoint`."""
    view_class = getattr(endpoint.callback, "cls", None)
    is_api = isinstance(view_class, type) and issubclass(view_class, APIView)
    json_like = is_api or endpoint.name.startswith("camera_api:")
    body = {"data": JUNK_JSON, "content_type": "application/json"} if json_like else {"data": JUNK_FORM}
    yield "get", {}
    for query in queries.get(endpoint.name, ()):
        yield "get", {"data": query}
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
        names = " or ".join(sorted(secret.names))
        named = bool(secret.names & sent.audited)
        if leaked and not (context.in_scope(secret) and named):
            scope = "in scope" if context.in_scope(secret) else "not in scope"
            audit = "audited" if named else "no audit row names it"
            findings.append(f"{names}: {', '.join(leaked)} ({scope}, {audit})")
        elif leaked and sent.stored_by_caches:
            findings.append(f"{names}: {', '.join(leaked)} may be kept by a cache "
                            f"(Cache-Control: {sent.cache_control or 'none'})")
    return findings


@pytest.mark.parametrize("label", CONTEXTS)
def test_no_plate_image_or_crop_leaves_by_a_side_door(world, label):
    # Tried: every pattern × this requester × GET / junk POST (/ PUT / PATCH / DELETE on API views),
    # with every real id of the world in the path, and GET with each of the world's query strings.
    context = world.contexts[label]
    leaks = []
    for endpoint in endpoints(world.values):
        for method, kwargs in _requests(endpoint, world.queries):
            for finding in _leaks(context, method, endpoint.path, kwargs, world.secrets):
                query = f"?{kwargs['data']}" if method == "get" and kwargs else ""
                leaks.append(f"{endpoint.name} {method.upper()} {endpoint.path}{query}: {finding}")
    assert not leaks, f"As {label}:\n" + "\n".join(leaks)


def _read_secrets(world):
    return [secret for secret in world.secrets if secret.read_id is not None]


def test_the_world_has_plates_images_and_the_walk_uses_its_ids(world):
    # Guards the proof itself: an empty world or unresolvable paths would make every run pass.
    assert len({secret.plate for secret in _read_secrets(world) if secret.plate}) == 9
    assert [secret.alert_open for secret in _read_secrets(world) if secret.alert_id] == [True, False]
    every_read = set(PlateRead.system_objects.values_list("pk", flat=True))
    assert every_read == {secret.read_id for secret in _read_secrets(world)}  # every read of the database
    paths = {endpoint.path for endpoint in endpoints(world.values)}
    assert not [path for path in paths if path.startswith("UNRESOLVABLE")]
    for secret in _read_secrets(world):
        assert f"/search/reads/{secret.read_id}/image/crop/" in paths
        read = PlateRead.system_objects.get(pk=secret.read_id)
        assert storage.read_bytes(read.crop_path) == secret.images[1]
    names = {endpoint.name for endpoint in endpoints(world.values)}
    assert set(world.queries) <= names and len(world.queries["searches:read_detail"]) == 4


def test_the_world_s_audit_log_and_import_carry_plates_that_the_walk_would_see(world):
    # Guards the proof of the audit log and the import report: the plates are there, and the ways that
    # may show them do, so a walk that finds none elsewhere proves the withholding, not an empty log.
    plates = {secret.plate for secret in world.secrets if secret.plate}
    reader = world.contexts["auditor+justification"]
    for path in ("/audit/export.csv", "/audit/?action=read.viewed", "/audit/?action=retention.flag_reviewed"):
        sent = reader.send("get", path)
        shown = [secret for secret in world.secrets if secret.plate in plates and secret.found_in(sent.body)]
        assert shown and all(secret.names & sent.audited for secret in shown), path
    [imported] = [secret for secret in world.secrets if secret.import_id]
    sent = world.contexts["analyst"].send("get", f"/hotlists/imports/{imported.import_id}/")
    assert imported.found_in(sent.body) and f"import:{imported.import_id}" in sent.audited
