"""`python manage.py bench_audit`: audit appends per second under concurrent writers, and the time to
verify a chain of a million links.

The audit log is append-only, so the benchmark's events can never be removed: run it in a database of
its own, e.g. ``DATABASE_URL=postgres://postgres@127.0.0.1:5432/alpr_bench python manage.py bench_audit``
(``make bench-audit``). It refuses to run on a database that holds any other event.

Writers run without Django's debug query log, as in production (``DEBUG`` is off there; the local
settings turn it on, which keeps every query of every writer in memory and costs each append CPU).

Progress goes to stderr; the last line on stdout is one JSON object, with the 1-minute load average
when the writers started and when they finished (other work on the machine moves the figures).
"""
import json
import multiprocessing
import os
import sys
import threading
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, connections, transaction
from django.test.utils import override_settings

from audit.audit_actions import BENCH_EVENT
from audit.chain import chain_shape, seal_pending, verify_chain
from audit.context import Actor
from audit.models import AuditEvent
from audit.services import audit_record

FILL_CHUNK = 250_000
FILL_SQL = """
INSERT INTO audit_auditevent (occurred_at, actor_type, actor_user_id, actor_label, action, outcome, purpose,
    case_number, description, reason, targets, query, result_count, client_ip, session_ref, flagged,
    content_hash, txid)
SELECT clock_timestamp(), 'system', NULL, 'bench_audit fill', %(action)s, 'allowed', 'stolen_vehicle',
       '26-' || lpad((g %% 100000)::text, 6, '0'), 'Synthetic search ' || g, '',
       jsonb_build_array('read:' || g), jsonb_build_object('plate', 'ABC' || (g %% 10000), 'page', 1),
       g %% 50, '10.0.' || (g %% 250) || '.' || (g %% 200), '', g %% 97 = 0, '', 0
FROM generate_series(1, %(count)s) AS g
"""


def _writer(number: int, count: int, start, results) -> None:
    """Append `count` events, each in its own transaction, on this process's own connection."""
    actor = Actor(kind="system", label=f"bench_audit writer {number}", client_ip="10.0.0.1")
    connection.ensure_connection()
    start.wait()
    for n in range(count):
        with transaction.atomic():
            audit_record(actor=actor, action=BENCH_EVENT, purpose="stolen_vehicle", case_number="26-004512",
                         description="Benchmark search", targets=[f"read:{number}-{n}"],
                         query={"plate": "ABC123", "writer": number, "n": n}, result_count=n % 7)
    connection.close()
    results.put(count)


class Command(BaseCommand):
    help = "Benchmark audit appends with concurrent writers and verification of a large chain."

    def add_arguments(self, parser):
        parser.add_argument("--writers", type=int, default=16)
        parser.add_argument("--events", type=int, default=32_000, help="Events appended by all writers.")
        parser.add_argument("--verify-rows", type=int, default=1_000_000,
                            help="Grow the chain to at least this many links, then time its verification.")
        parser.add_argument("--threads", action="store_true",
                            help="Writers as threads of this process instead of separate processes.")

    def handle(self, *args, **options):
        self._refuse_shared_database()
        load_before = os.getloadavg()[0]
        with override_settings(DEBUG=False):  # no debug query log in the writers, as in production
            appends, elapsed = self._append(options["writers"], options["events"], options["threads"])
        load_after = os.getloadavg()[0]
        shape = chain_shape()
        self._say(f"chain after writers: {shape.links} links, {shape.events} events, "
                  f"forks {shape.forks}, gaps {shape.gaps}")
        self._fill(options["verify_rows"])
        self._say("verifying the whole chain")
        started = time.monotonic()
        report = verify_chain(seal_first=False)
        verify_s = time.monotonic() - started
        self._say(f"verified {report.rows} links in {verify_s:.2f} s: "
                  f"{'intact' if report.ok else report.problem}")
        shape = chain_shape()
        self.stdout.write(json.dumps({
            "writers": options["writers"], "appends_per_s": round(appends / elapsed, 1), "appends": appends,
            "verify_rows": report.rows, "verify_s": round(verify_s, 2), "chain_ok": report.ok,
            "forks": shape.forks, "gaps": shape.gaps,
            "load_1min": [round(load_before, 2), round(load_after, 2)],
        }))

    def _refuse_shared_database(self) -> None:
        if AuditEvent.objects.exclude(action=BENCH_EVENT.code).exists():
            raise CommandError(
                f"The database {connection.settings_dict['NAME']!r} holds real audit events. The benchmark's "
                "events could never be deleted from it: run it in its own database, e.g. "
                "DATABASE_URL=postgres://postgres@127.0.0.1:5432/alpr_bench (createdb alpr_bench; migrate).")

    def _append(self, writers: int, events: int, threads: bool) -> tuple[int, float]:
        per_writer = max(1, events // writers)
        self._say(f"{writers} {'threads' if threads else 'processes'} append {per_writer} events each, "
                  "one transaction per event, while the sealer runs")
        seal_pending()
        connections.close_all()  # children must not share the parent's connection
        if threads:
            import queue

            start, results = threading.Barrier(writers + 1), queue.Queue()
            workers = [threading.Thread(target=self._thread_writer, args=(n, per_writer, start, results))
                       for n in range(writers)]
        else:
            context = multiprocessing.get_context("fork")
            start, results = context.Barrier(writers + 1), context.Queue()
            workers = [context.Process(target=_writer, args=(n, per_writer, start, results))
                       for n in range(writers)]
        for worker in workers:
            worker.start()
        start.wait()
        began = time.monotonic()
        sealing, runs = threading.Event(), []
        sealer = threading.Thread(target=self._seal_while, args=(sealing, runs))
        sealing.set()
        sealer.start()
        appended = sum(results.get(timeout=600) for _ in workers)
        elapsed = time.monotonic() - began
        for worker in workers:
            worker.join()
        sealing.clear()
        sealer.join()
        seal_pending()
        self._say(f"{appended} events in {elapsed:.2f} s: {appended / elapsed:.0f} appends/s; the sealer ran "
                  f"{len(runs)} times, {sum(runs):.1f} s in all, the longest {max(runs, default=0):.2f} s")
        return appended, elapsed

    @staticmethod
    def _thread_writer(number, count, start, results):
        _writer(number, count, start, results)

    @staticmethod
    def _seal_while(running: threading.Event, runs: list[float]) -> None:
        """The periodic sealer, at a benchmark's pace (every 0.2 s instead of every 10 s); `runs` gets the
        duration of each run."""
        try:
            while running.is_set():
                started = time.monotonic()
                seal_pending()
                runs.append(time.monotonic() - started)
                time.sleep(0.2)
        finally:
            connection.close()

    def _fill(self, target: int) -> None:
        """Grow the chain to `target` links with synthetic events inserted in SQL, then sealed."""
        missing = target - chain_shape().links
        while missing > 0:
            chunk = min(missing, FILL_CHUNK)
            started = time.monotonic()
            with connection.cursor() as cursor:
                cursor.execute(FILL_SQL, {"action": BENCH_EVENT.code, "count": chunk})
            inserted = time.monotonic() - started
            sealed = seal_pending()
            missing -= sealed
            self._say(f"filled {chunk} events in {inserted:.1f} s, sealed {sealed} in "
                      f"{time.monotonic() - started - inserted:.1f} s; {max(missing, 0)} to go")

    @staticmethod
    def _say(message: str) -> None:
        print(f"[bench_audit] {message}", file=sys.stderr, flush=True)
