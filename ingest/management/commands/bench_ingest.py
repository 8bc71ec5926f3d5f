"""Benchmark camera uploads against a real server and database.

    manage.py bench_ingest [--cameras 16] [--seconds 20] [--gunicorn-workers 4] [--url URL]
                           [--scaling-reads 150] [--scaling-processes 1,2] [--scaling-photos DIR]

Without --url it creates (or reuses) a dedicated database (``alpr_bench_ingest`` on the configured
server), migrates it, and starts gunicorn on a free 127.0.0.1 port with production settings against
it. It registers the cameras, uploads a small synthetic JPEG from one client thread per camera
(keep-alive connections, a fresh Idempotency-Key per upload), then recognises a sample of the
accepted reads in this one process. Then, for recognition throughput, it starts a real Celery worker
with 1 and then 2 worker processes (production settings, the bench's database and queue), queues
--scaling-reads accepted reads to each (or reads of the camera photos in --scaling-photos) and counts
reads recognised per second from the first queued to the last done (models loaded before timing).
Progress goes to stderr; ONE JSON line is printed last:

    {"cameras": 16, "uploads": N, "uploads_per_s": ..., "p50_ms": ..., "p99_ms": ...,
     "load_1min": [start, end], "recognised_per_s_per_worker": ...,
     "recognised_per_s_by_processes": {"1": ..., "2": ...}, "recognition_scaling_2_vs_1": ...,
     "recognition_cpu_ms_per_read_by_processes": {"1": ..., "2": ...}, ...}
"""
import http.client
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
import redis
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections
from django.utils import timezone

from alpr.models import Camera, PlateRead
from alpr.services import camera_credential_rotate
from audit.context import Actor
from ingest import broker as ingest_broker
from ingest.synthetic import plate_photo

BENCH_DB = "alpr_bench_ingest"
BENCH_REDIS_DB = 13
BOUNDARY = "----alprbench"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _multipart(photo: bytes, captured_at: str) -> bytes:
    parts = [
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="captured_at"\r\n\r\n'
        f"{captured_at}\r\n".encode(),
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="photo"; filename="car.jpg"\r\n'
        "Content-Type: image/jpeg\r\n\r\n".encode() + photo + b"\r\n",
        f"--{BOUNDARY}--\r\n".encode(),
    ]
    return b"".join(parts)


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


class Command(BaseCommand):
    help = "Benchmark camera uploads (uploads/s, p50/p99 latency) and recognition per worker."

    def add_arguments(self, parser):
        parser.add_argument("--cameras", type=int, default=16)
        parser.add_argument("--seconds", type=float, default=20.0)
        parser.add_argument("--url", help="Benchmark a running server instead of starting one "
                                          "(it must share this process's database and SECRET_KEY).")
        parser.add_argument("--gunicorn-workers", type=int, default=4)
        parser.add_argument("--gunicorn-threads", type=int, default=4)
        parser.add_argument("--worker-class", default="gthread", choices=["gthread", "sync"])
        parser.add_argument("--in-process", type=int, default=200,
                            help="Uploads to run through Django's WSGI handler in this process, to measure "
                                 "the CPU one upload costs (0 to skip).")
        parser.add_argument("--recognise", type=int, default=30,
                            help="Reads to recognise for the per-worker rate.")
        parser.add_argument("--scaling-reads", type=int, default=150,
                            help="Reads queued to a Celery worker per run of the scaling measurement "
                                 "(0 to skip it).")
        parser.add_argument("--scaling-processes", default="1,2",
                            help="Worker process counts to measure recognition with, comma-separated.")
        parser.add_argument("--scaling-photos",
                            help="A folder of camera photos (*.jpg) to recognise in the scaling measurement "
                                 "instead of the uploaded synthetic photo (stored as reads first, in turn).")

    def handle(self, *args, **options):
        self.options = options
        media = Path(tempfile.mkdtemp(prefix="alpr-bench-media-"))
        server = None
        try:
            if options["url"]:
                base_url = options["url"].rstrip("/")
            else:
                self._use_bench_database()
                port = _free_port()
                server = self._start_server(port, media)
                base_url = f"http://127.0.0.1:{port}"
                settings.MEDIA_ROOT = media
            self._retention_days_of_partitions()
            keys = self._cameras(options["cameras"])
            before = self._server_cpu(server)
            load_before = os.getloadavg()[0]
            result = self._load(base_url, keys, options["seconds"])
            # The machine's 1-minute load when the uploads started and ended (the run's own 16 client
            # and 16 server threads count in the second figure).
            result["load_1min"] = [round(load_before, 1), round(os.getloadavg()[0], 1)]
            if server is not None:
                used = self._server_cpu(server, pids=before)
                result["server_cpu_ms_per_upload"] = round(used * 1000 / max(1, result["uploads"]), 2)
                self._log(f"server CPU (gunicorn + PostgreSQL backends): {used:.1f} s for "
                          f"{result['uploads']} uploads; at that cost {os.cpu_count()} idle cores would take "
                          f"{os.cpu_count() * result['uploads'] / max(used, 1e-9):.0f} uploads/s")
                if result["errors"] and self.server_log.exists():
                    self._log("server log tail:\n" + self.server_log.read_text()[-4000:])
            if server is not None and options["in_process"]:
                result.update(self._cpu_per_upload(keys[0], options["in_process"]))
            read_ids = result.pop("read_ids")
            sample, rest = read_ids[: options["recognise"]], read_ids[options["recognise"]:]
            result["recognised_per_s_per_worker"] = self._recognise_sample(sample)
            if server is not None and options["scaling_reads"]:
                result.update(self._recognition_scaling(rest, media))
        finally:
            if server is not None:
                server.terminate()
                server.wait(timeout=20)
                # No worker consumes the bench's queue: drop what the uploads queued.
                redis.Redis.from_url(self._server_env(None)["REDIS_URL"]).flushdb()
            shutil.rmtree(media, ignore_errors=True)
        self.stdout.write(json.dumps(result))

    # --- set-up -------------------------------------------------------------------------------

    def _log(self, message: str) -> None:
        self.stderr.write(message)
        self.stderr.flush()

    def _use_bench_database(self) -> None:
        config = connections["default"].settings_dict
        admin = psycopg.connect(host=config["HOST"] or "127.0.0.1", port=config["PORT"] or 5432,
                                user=config["USER"], password=config["PASSWORD"] or None, dbname="postgres",
                                autocommit=True)
        with admin:
            exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [BENCH_DB]).fetchone()
            if not exists:
                admin.execute(f'CREATE DATABASE "{BENCH_DB}"')
        connections.close_all()
        config["NAME"] = BENCH_DB
        self.database_url = (f"postgres://{config['USER']}"
                             f"{':' + config['PASSWORD'] if config['PASSWORD'] else ''}"
                             f"@{config['HOST'] or '127.0.0.1'}:{config['PORT'] or 5432}/{BENCH_DB}")
        self._log(f"bench database {BENCH_DB}: migrating")
        subprocess.run([sys.executable, "manage.py", "migrate", "--skip-checks", "-v", "0"],
                       cwd=settings.BASE_DIR, env=self._server_env(None), check=True)

    def _server_env(self, media: Path | None) -> dict:
        broker = urlsplit(settings.CELERY_BROKER_URL)
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "DJANGO_SECRET_KEY": settings.SECRET_KEY,
            "DJANGO_SECURE_SSL_REDIRECT": "false",
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DATABASE_URL": self.database_url,
            "REDIS_URL": f"redis://{broker.hostname or '127.0.0.1'}:{broker.port or 6379}/{BENCH_REDIS_DB}",
            "ALPR_BREACHED_PASSWORD_CHECK": "false",
            "LOG_LEVEL": "WARNING",
        }
        if media is not None:
            env["ALPR_MEDIA_ROOT"] = str(media)
        return env

    def _start_server(self, port: int, media: Path) -> subprocess.Popen:
        workers, threads = self.options["gunicorn_workers"], self.options["gunicorn_threads"]
        self._log(f"starting gunicorn on 127.0.0.1:{port} ({workers} workers x {threads} threads)")
        self.server_log = media / "gunicorn.log"
        server = subprocess.Popen(  # noqa: S603  (our own venv's gunicorn, fixed arguments)
            [str(Path(sys.executable).with_name("gunicorn")), "config.wsgi:application", "--bind",
             f"127.0.0.1:{port}", "--workers", str(workers), "--threads", str(threads),
             "--worker-class", self.options["worker_class"], "--keep-alive", "30", "--log-level", "warning"],
            cwd=settings.BASE_DIR, env=self._server_env(media),
            stdout=self.server_log.open("w"), stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                connection.request("GET", "/health/")
                connection.getresponse().read()
                return server
            except OSError:
                if server.poll() is not None:
                    raise CommandError("gunicorn exited during start-up") from None
                time.sleep(0.3)
        server.terminate()
        raise CommandError("gunicorn did not start within 60 s")

    def _retention_days_of_partitions(self) -> None:
        """A production table holds a partition per day of retention; so does the bench's."""
        from alpr.partitions import ensure_partitions
        from policy.selectors import current_policy

        today = timezone.now().date()
        ensure_partitions(today - timedelta(days=current_policy().retention_days), today + timedelta(days=2))

    def _cameras(self, count: int) -> list[str]:
        """Cameras in service: each installation recorded by the database's Chief as approved before its
        notice period (CAM-2), as the demo's are; a camera merely registered is refused at upload."""
        from accounts.models import User
        from policy.roles import Role
        from reports import conf
        from reports.services.cameras import placement_record_prior

        chief = User.objects.filter(role=Role.CHIEF).first() or self._bench_chief()
        actor = Actor.system("manage.py bench_ingest")
        approved_on = timezone.localdate() - timedelta(days=conf.camera_notice_days() + 1)
        keys = []
        run = uuid.uuid4().hex[:6]
        for number in range(count):
            placement = placement_record_prior(
                actor=Actor.for_user(chief), approved_on=approved_on,
                camera_name=f"Bench camera {run}-{number + 1:02d}",
                latitude=0, longitude=0, location_description="Benchmark (no such place)",
                justification="Benchmark of the ingest path; this camera exists only in the bench database.",
                nondiscrimination="Benchmark of the ingest path; no place and no community is involved.",
                approved_by="Benchmark", approval_document="Benchmark (no approval)",
                public_notice="Benchmark (no notice)")
            keys.append(camera_credential_rotate(actor=actor, camera_id=placement.camera_id).key)
        return keys

    @staticmethod
    def _bench_chief():
        """The bench database's Chief, created as a deployment's first Chief is on the bench's first run
        (the database is the bench's own, and a new one has nobody to approve its cameras)."""
        import secrets

        from accounts.bootstrap import agency_bootstrap
        from policy.roles import Role

        [chief] = agency_bootstrap(people=[{
            "username": "rbench", "full_name": "Robin Bench", "badge_number": "B-0001", "role": Role.CHIEF,
            "email": "rbench@bench.invalid", "password": secrets.token_urlsafe(24)}])
        return chief

    def _cpu_per_upload(self, key: str, count: int) -> dict:
        """Run uploads through the WSGI handler here and count the CPU they cost this process and its
        PostgreSQL backend: a per-upload cost that a busy machine inflates far less than latency."""
        import io

        from django.core.handlers.wsgi import WSGIHandler

        settings.DEBUG = False
        self._use_bench_broker()
        body = _multipart(plate_photo("BENCH01", size=(480, 300), quality=80), timezone.now().isoformat())
        handler = WSGIHandler()

        def upload() -> None:
            environ = {
                "REQUEST_METHOD": "POST", "PATH_INFO": "/api/v1/cameras/reads/", "SERVER_NAME": "127.0.0.1",
                "SERVER_PORT": "80", "HTTP_HOST": "127.0.0.1", "REMOTE_ADDR": "127.0.0.1",
                "CONTENT_TYPE": f"multipart/form-data; boundary={BOUNDARY}", "CONTENT_LENGTH": str(len(body)),
                "wsgi.input": io.BytesIO(body), "wsgi.url_scheme": "http", "wsgi.errors": sys.stderr,
                "HTTP_AUTHORIZATION": f"Camera {key}", "HTTP_IDEMPOTENCY_KEY": uuid.uuid4().hex,
            }
            statuses = []
            b"".join(handler(environ, lambda status, headers: statuses.append(status)))
            if not statuses[0].startswith("202"):
                raise CommandError(f"in-process upload refused: {statuses[0]}")

        for _ in range(5):
            upload()
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            backend = cursor.fetchone()[0]
        ticks = os.sysconf("SC_CLK_TCK")

        def backend_cpu() -> float:
            fields = Path(f"/proc/{backend}/stat").read_text().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / ticks

        app_started, db_started = time.process_time(), backend_cpu()
        for _ in range(count):
            upload()
        app_ms = (time.process_time() - app_started) * 1000 / count
        db_ms = (backend_cpu() - db_started) * 1000 / count
        cores = os.cpu_count() or 1
        self._log(f"in process: {app_ms:.2f} ms CPU in Django + {db_ms:.2f} ms in PostgreSQL per upload "
                  f"=> about {cores * 1000 / (app_ms + db_ms):.0f} uploads/s on {cores} idle cores")
        return {"app_cpu_ms_per_upload": round(app_ms, 2), "db_cpu_ms_per_upload": round(db_ms, 2),
                "capacity_uploads_per_s_idle_cores": round(cores * 1000 / (app_ms + db_ms))}

    def _server_cpu(self, server, pids: dict | None = None):
        """CPU seconds used by gunicorn's processes and this database's PostgreSQL backends.

        With `pids` (an earlier snapshot), return the CPU used since; without, return a snapshot.
        """
        if server is None:
            return {}
        ticks = os.sysconf("SC_CLK_TCK")
        found = {server.pid}
        children = Path(f"/proc/{server.pid}/task/{server.pid}/children")
        if children.exists():
            found |= {int(pid) for pid in children.read_text().split()}
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                           "AND pid <> pg_backend_pid()")
            found |= {row[0] for row in cursor.fetchall()}
        snapshot = {}
        for pid in found:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            snapshot[pid] = (int(fields[11]) + int(fields[12])) / ticks  # utime + stime
        if pids is None:
            return snapshot
        return sum(cpu - pids.get(pid, 0.0) for pid, cpu in snapshot.items())

    def _use_bench_broker(self) -> None:
        """Publish from this process to the bench's Redis database, as the bench's server does."""
        from celery import current_app

        broker = urlsplit(settings.CELERY_BROKER_URL)
        host, port = broker.hostname or "127.0.0.1", broker.port or 6379
        current_app.conf.broker_url = f"redis://{host}:{port}/{BENCH_REDIS_DB}"
        ingest_broker.forget()

    # --- recognition with 1 and 2 worker processes --------------------------------------------

    def _recognition_scaling(self, read_ids: list[int], media: Path) -> dict:
        """Reads recognised per second by a real Celery worker with 1, then 2 (…) worker processes."""
        counts = [int(count) for count in self.options["scaling_processes"].split(",")]
        per_run = self.options["scaling_reads"]
        # Each run: 2 warm-up reads per process (each process loads the model), then the timed batch.
        needed = sum(2 * count + per_run for count in counts)
        if self.options["scaling_photos"]:
            read_ids = self._reads_of_photos(Path(self.options["scaling_photos"]), needed)
        if len(read_ids) < needed:
            self._log(f"recognition scaling skipped: {len(read_ids)} accepted reads left, {needed} needed")
            return {}
        self._use_bench_broker()
        # The uploads queued every accepted read; no worker ran. Drop those so each run sees only its own.
        redis.Redis.from_url(self._server_env(None)["REDIS_URL"]).flushdb()
        rates, cpu_ms, loads = {}, {}, {}
        for count in counts:
            warm_up, read_ids = read_ids[: 2 * count], read_ids[2 * count:]
            batch, read_ids = read_ids[:per_run], read_ids[per_run:]
            worker = self._start_worker(count, media)
            try:
                self._recognise_by_worker(warm_up, timeout=120)
                load_before, cpu_before = os.getloadavg()[0], self._worker_cpu(worker)
                elapsed, done = self._recognise_by_worker(batch, timeout=600)
                cpu_used = sum(self._worker_cpu(worker).values()) - sum(cpu_before.values())
            finally:
                os.killpg(worker.pid, signal.SIGTERM)
                worker.wait(timeout=60)
            rates[str(count)] = round(done / elapsed, 2)
            cpu_ms[str(count)] = round(cpu_used * 1000 / max(done, 1), 1)
            loads[str(count)] = [round(load_before, 1), round(os.getloadavg()[0], 1)]
            # What the tasks themselves took (Celery logs "succeeded in N s" per task), batch only.
            task_s = [float(seconds) for seconds in re.findall(r"succeeded in ([0-9.]+)s",
                                                                (media / f"worker-{count}.log").read_text())]
            batch_s = sorted(task_s[len(warm_up):])
            self._log(f"  {count} worker process(es): {done} reads recognised in {elapsed:.1f} s = "
                      f"{rates[str(count)]}/s, {cpu_ms[str(count)]} ms of CPU per read (load "
                      f"{loads[str(count)][0]} -> {loads[str(count)][1]}); a task took "
                      f"{statistics.median(batch_s) * 1000:.0f} ms (median), {sum(batch_s):.1f} s in all")
        result = {"recognised_per_s_by_processes": rates, "recognition_cpu_ms_per_read_by_processes": cpu_ms,
                  "recognition_load_1min_by_processes": loads}
        if "1" in rates and "2" in rates and rates["1"]:
            result["recognition_scaling_2_vs_1"] = round(rates["2"] / rates["1"], 2)
        return result

    @staticmethod
    def _worker_cpu(worker: subprocess.Popen) -> dict[int, float]:
        """CPU seconds of the worker's processes, with the Tesseract processes they started and reaped."""
        ticks = os.sysconf("SC_CLK_TCK")
        pids = {worker.pid}
        children = Path(f"/proc/{worker.pid}/task/{worker.pid}/children")
        if children.exists():
            pids |= {int(pid) for pid in children.read_text().split()}
        used = {}
        for pid in pids:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            used[pid] = sum(int(value) for value in fields[11:15]) / ticks  # utime stime cutime cstime
        return used

    def _reads_of_photos(self, folder: Path, count: int) -> list[int]:
        """Store `count` reads of the folder's photos (in turn) as a camera's uploads, not queued."""
        from ingest.services import read_accept
        from ingest.validation import check_image

        photos = [check_image(path.read_bytes()) for path in sorted(folder.glob("*.jpg"))]
        if not photos:
            raise CommandError(f"no *.jpg in {folder}")
        camera = Camera.objects.filter(name__startswith="Bench camera").order_by("-pk").first()
        self._log(f"storing {count} reads of the {len(photos)} photos in {folder}")
        return [read_accept(camera=camera, photo=photos[number % len(photos)], captured_at=timezone.now(),
                            queue=False).read.pk for number in range(count)]

    def _start_worker(self, processes: int, media: Path) -> subprocess.Popen:
        log = media / f"worker-{processes}.log"
        self._log(f"starting a Celery worker with {processes} worker process(es)")
        worker = subprocess.Popen(  # noqa: S603  (our own venv's celery, fixed arguments)
            [str(Path(sys.executable).with_name("celery")), "-A", "config", "worker", "-P", "prefork",
             "-c", str(processes), "-l", "info", "--without-gossip", "--without-mingle",
             "--without-heartbeat", "-n", f"bench-recognition-{processes}-{os.getpid()}@%h"],
            cwd=settings.BASE_DIR, env=self._server_env(media), stdout=log.open("w"),
            stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 120
        while "ready." not in log.read_text():
            if worker.poll() is not None or time.monotonic() > deadline:
                raise CommandError(f"the Celery worker did not start:\n{log.read_text()[-3000:]}")
            time.sleep(0.2)
        return worker

    def _recognise_by_worker(self, read_ids: list[int], timeout: float) -> tuple[float, int]:
        """Queue `read_ids`; return the seconds until the worker finished them all, and how many are done."""
        started = time.perf_counter()
        for read_id in read_ids:
            ingest_broker.send_recognition(read_id)
        reads = PlateRead.system_objects.filter(pk__in=read_ids)
        while reads.filter(status__in=["received", "processing"]).exists():
            if time.perf_counter() - started > timeout:
                raise CommandError(f"the worker did not finish {len(read_ids)} reads within {timeout:.0f} s")
            time.sleep(0.05)
        return time.perf_counter() - started, reads.filter(status="done").count()

    # --- the load -----------------------------------------------------------------------------

    def _load(self, base_url: str, keys: list[str], seconds: float) -> dict:
        target = urlsplit(base_url)
        photo = plate_photo("BENCH01", size=(480, 300), quality=80)
        body = _multipart(photo, timezone.now().isoformat())
        self._log(f"uploading a {len(photo)}-byte JPEG from {len(keys)} cameras for {seconds:.0f} s")
        latencies: list[list[float]] = [[] for _ in keys]
        read_ids: list[int] = []
        errors: list[str] = []
        stop = threading.Event()

        def camera_client(index: int, key: str) -> None:
            connection = http.client.HTTPConnection(target.hostname, target.port or 80, timeout=30)
            while not stop.is_set():
                headers = {"Authorization": f"Camera {key}", "Idempotency-Key": uuid.uuid4().hex,
                           "Content-Type": f"multipart/form-data; boundary={BOUNDARY}"}
                started = time.perf_counter()
                try:
                    connection.request("POST", "/api/v1/cameras/reads/", body=body, headers=headers)
                    response = connection.getresponse()
                    payload = response.read()
                except (OSError, http.client.HTTPException) as error:
                    errors.append(repr(error))
                    connection.close()
                    connection = http.client.HTTPConnection(target.hostname, target.port or 80, timeout=30)
                    continue
                elapsed = (time.perf_counter() - started) * 1000
                if response.status == 202:
                    latencies[index].append(elapsed)
                    if len(read_ids) < 1000:
                        read_ids.append(json.loads(payload)["read_id"])
                else:
                    errors.append(f"{response.status} {payload[:120]!r}")
            connection.close()

        threads = [threading.Thread(target=camera_client, args=(index, key), daemon=True)
                   for index, key in enumerate(keys)]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        while (elapsed := time.perf_counter() - started) < seconds:
            time.sleep(min(2.0, seconds - elapsed))
            done = sum(len(values) for values in latencies)
            self._log(f"  {elapsed:5.1f} s: {done} accepted ({done / elapsed:.0f}/s), {len(errors)} errors")
        stop.set()
        for thread in threads:
            thread.join(timeout=30)
        duration = time.perf_counter() - started
        every = [value for values in latencies for value in values]
        if errors:
            self._log(f"{len(errors)} failed uploads, e.g. {errors[:3]}")
        if not every:
            raise CommandError("no upload was accepted")
        return {
            "cameras": len(keys),
            "uploads": len(every),
            "uploads_per_s": round(len(every) / duration, 1),
            "p50_ms": round(statistics.median(every), 1),
            "p99_ms": round(_percentile(every, 0.99), 1),
            "errors": len(errors),
            "read_ids": read_ids,
        }

    def _recognise_sample(self, sample: list[int]) -> float | None:
        from ingest.services import read_recognize

        if not sample:
            return None
        self._log(f"recognising {len(sample)} accepted reads in this process")
        read_recognize(read_id=sample[0])  # loads the model; not timed
        started = time.perf_counter()
        for read_id in sample[1:]:
            read_recognize(read_id=read_id)
        elapsed = time.perf_counter() - started
        done = PlateRead.system_objects.filter(pk__in=sample, status="done").count()
        self._log(f"{done}/{len(sample)} recognised; cameras in bench database: {Camera.objects.count()}")
        if done < len(sample) or len(sample) < 2:
            self._log("recognition failed for some reads (is the recognizer's model in place?)")
            return None
        return round((len(sample) - 1) / elapsed, 2)
