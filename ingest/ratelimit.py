"""Per-camera upload rate limit: a fixed-window counter in Redis.

If Redis cannot be reached the upload is let through (and logged): losing a read to a limiter
outage would break ING-4, while the limit only protects capacity.
"""
import logging
import time

import redis

from ingest.conf import setting
from ingest.errors import RateLimited

logger = logging.getLogger(__name__)
_clients: dict[str, redis.Redis] = {}


def _client() -> redis.Redis:
    url = setting("INGEST_REDIS_URL")
    if url not in _clients:
        _clients[url] = redis.Redis.from_url(url, socket_connect_timeout=0.25, socket_timeout=0.25,
                                             retry_on_timeout=False)
    return _clients[url]


def check_camera_rate(camera_id: int) -> None:
    """Count one upload for `camera_id`; raise `RateLimited` (429) when over the window's limit."""
    window = int(setting("INGEST_RATE_WINDOW_SECONDS"))
    limit = int(setting("INGEST_RATE_LIMIT"))
    now = int(time.time())
    bucket = now // window
    key = f"ingest:rate:{camera_id}:{bucket}"
    try:
        pipe = _client().pipeline(transaction=False)
        pipe.incr(key)
        pipe.expire(key, window + 5)
        count, _ = pipe.execute()
    except redis.RedisError as error:
        logger.warning("rate limiter unavailable, upload let through: %s", error)
        return
    if count > limit:
        raise RateLimited(f"Too many uploads from this camera: at most {limit} per {window} seconds.",
                          retry_after=(bucket + 1) * window - now)
