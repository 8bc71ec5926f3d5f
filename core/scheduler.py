"""Exactly one scheduler (Celery beat) across every host: a lock in Redis that the running one renews.

Two schedulers would send every periodic task twice: two purges, two sets of reminders, two monthly
reports. `celery beat` is started with `SingleScheduler` (settings: ``CELERY_BEAT_SCHEDULER``), which
takes the lock before it reads or writes the schedule:

- the lock is a Redis key (``SCHEDULER_LOCK_KEY``) holding the holder's host, process id and start time,
  set with a time to live (``SCHEDULER_LOCK_TTL_SECONDS``, 30 s) that the holder renews on every tick,
  at least three times per time to live;
- a second scheduler that starts meanwhile logs who holds the lock and waits, checking again every
  third of the time to live; it takes over when the holder stops (the lock is released on a clean stop:
  at once) or dies (the lock expires: within the time to live);
- every task send checks the lock first, so a tick that stalled past the time to live stops before it
  sends anything once a standby holds the lock;
- a holder that finds the lock taken by another (it stalled for longer than the time to live and a
  standby took over), or cannot renew it for a whole time to live (Redis unreachable), stops with a
  message rather than risk a second scheduler.
"""
import logging
import os
import signal
import socket
import time

import redis
from django.conf import settings
from django.utils import timezone
from django_celery_beat.schedulers import DatabaseScheduler

logger = logging.getLogger(__name__)

# Renew the key only while it is still ours; release it only if it is ours.
_RENEW = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) end " \
         "return 0"
_RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0"


class SchedulerLockLost(SystemExit):
    """The lock went to another scheduler, or could not be renewed in time: this one must stop."""


class SchedulerLock:
    def __init__(self, *, url: str, key: str, ttl: float):
        self.client = redis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=5)
        self.key, self.ttl = key, ttl
        self.token = f"{socket.gethostname()} pid {os.getpid()} since {timezone.now():%Y-%m-%d %H:%M:%S} UTC"
        self.renewed_at: float | None = None

    @property
    def renew_every(self) -> float:
        return self.ttl / 3

    def holder(self) -> str | None:
        value = self.client.get(self.key)
        return value.decode() if value else None

    def try_acquire(self) -> bool:
        if self.client.set(self.key, self.token, nx=True, px=int(self.ttl * 1000)):
            self.renewed_at = time.monotonic()
            return True
        return False

    def acquire_waiting(self) -> None:
        """Take the lock, waiting as long as another scheduler holds it. SIGTERM/SIGINT stop the wait."""
        previous = {number: signal.getsignal(number) for number in (signal.SIGTERM, signal.SIGINT)}

        def stop_waiting(number, frame):
            raise SystemExit(f"Scheduler stopped while waiting for the scheduler lock {self.key}.")

        for number in previous:
            signal.signal(number, stop_waiting)
        try:
            told = None
            while not self.try_acquire():
                holder = self.holder()
                if holder and holder != told:
                    logger.warning(
                        "Another scheduler holds the scheduler lock %s (%s). Only one scheduler may run: "
                        "this one waits and takes over when that one stops (checking every %.0f s).",
                        self.key, holder, self.renew_every)
                    told = holder
                time.sleep(self.renew_every)
        finally:
            for number, handler in previous.items():
                signal.signal(number, handler)
        logger.info("This scheduler holds the scheduler lock %s (%s).", self.key, self.token)

    def keep(self) -> None:
        """Renew the lock; stop this process if it is no longer ours or was not renewed in time."""
        try:
            renewed = self.client.eval(_RENEW, 1, self.key, self.token, int(self.ttl * 1000))
        except redis.RedisError as error:
            if time.monotonic() - self.renewed_at < self.ttl:
                logger.warning("Could not renew the scheduler lock %s (%s); trying again.", self.key, error)
                return
            self._stop(f"the scheduler lock {self.key} could not be renewed for {self.ttl:.0f} s ({error}), "
                       "so another scheduler may have taken over")
        if not renewed:
            self._stop(f"the scheduler lock {self.key} is held by another scheduler "
                       f"({self.holder() or 'none now'}); this one stalled for longer than {self.ttl:.0f} s")
        self.renewed_at = time.monotonic()

    @staticmethod
    def _stop(why: str) -> None:
        # Celery beat's loop swallows SystemExit, so the reason is logged here, where it is known.
        logger.error("Scheduler stopping: %s.", why)
        raise SchedulerLockLost(f"Scheduler stopped: {why}.")

    def release(self) -> None:
        try:
            self.client.eval(_RELEASE, 1, self.key, self.token)
        except redis.RedisError as error:
            logger.warning("Could not release the scheduler lock %s (%s); it expires in %.0f s.",
                           self.key, error, self.ttl)


class SingleScheduler(DatabaseScheduler):
    """django-celery-beat's database scheduler, run by one process at a time (module docstring)."""

    def __init__(self, *args, **kwargs):
        self.lock = SchedulerLock(url=settings.CELERY_BROKER_URL, key=settings.SCHEDULER_LOCK_KEY,
                                  ttl=settings.SCHEDULER_LOCK_TTL_SECONDS)
        self.lock.acquire_waiting()
        super().__init__(*args, **kwargs)

    def tick(self, *args, **kwargs):
        self.lock.keep()
        return min(super().tick(*args, **kwargs), self.lock.renew_every)

    def apply_async(self, entry, *args, **kwargs):
        # A tick that stalled past the time to live (a slow database) may resume after a standby took
        # over: every send checks the lock first, so the stalled one stops before sending, not a tick later.
        self.lock.keep()
        return super().apply_async(entry, *args, **kwargs)

    def close(self):
        try:
            super().close()
        finally:
            self.lock.release()
