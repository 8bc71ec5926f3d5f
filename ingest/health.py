"""When each camera was last heard from: its uploads and its agent's heartbeats (the registry's health).

An upload marks its camera at most once a minute per process, from a dictionary of monotonic times:
ingest takes hundreds of uploads a second, and an UPDATE of the camera's row with each would double
its writes and queue uploads behind the row's lock. A minute is far finer than any silence the policy
flags (``camera_silent_minutes``, at least 5). A heartbeat comes once a minute and marks each time.
``QuerySet.update`` leaves ``Camera.updated_at`` alone: that stamp says when the registry entry changed.
"""
import time

from django.utils import timezone

from alpr.models import Camera

UPLOAD_MARK_SECONDS = 60
_upload_marked: dict[int, float] = {}


def camera_upload_seen(camera_id: int) -> None:
    """Record that `camera_id` uploaded now, unless this process recorded it within the last minute."""
    now = time.monotonic()
    last = _upload_marked.get(camera_id)
    if last is not None and now - last < UPLOAD_MARK_SECONDS:
        return
    _upload_marked[camera_id] = now
    Camera.objects.filter(pk=camera_id).update(last_upload_at=timezone.now())


def camera_heartbeat_seen(camera_id: int, *, agent_version: str, streaming: bool) -> None:
    """Record an agent's heartbeat: its version always; the camera's contact only if a stream is up
    (an agent whose camera is dark is alive, the camera is not)."""
    changes = {"agent_version": agent_version} if agent_version else {}
    if streaming:
        changes["last_heartbeat_at"] = timezone.now()
    if changes:
        Camera.objects.filter(pk=camera_id).update(**changes)
