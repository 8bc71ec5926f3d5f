"""The deployer's files agree with what `make run` starts, and production settings pass Django's checks."""
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent


def _compose_commands() -> dict[str, str]:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    return {name: " ".join(service.get("command", [])) if isinstance(service.get("command"), list)
            else service.get("command", "") for name, service in compose["services"].items()}


def test_compose_names_every_service():
    assert set(_compose_commands()) == {"postgres", "redis", "s3", "migrate", "web", "worker", "beat"}


def _compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_compose_runs_two_web_servers_two_workers_and_one_scheduler():
    services = _compose()["services"]
    assert services["web"]["deploy"]["replicas"] == 2
    # Two replicas cannot share one host port: each gets one of the range, behind the TLS proxy.
    assert services["web"]["ports"] == ["127.0.0.1:8000-8001:8000"]
    assert services["worker"]["deploy"]["replicas"] == 2
    assert services["beat"]["deploy"]["replicas"] == 1
    for name in ("web", "worker", "beat"):
        assert services[name]["restart"] == "unless-stopped"
        assert "volumes" not in services[name]  # nothing kept on the host's disk: object storage instead
    assert services["migrate"]["restart"] == "no"


def test_compose_serves_object_storage_to_the_servers_from_the_environment():
    services = _compose()["services"]
    s3 = services["s3"]
    assert s3["image"].startswith("chrislusf/seaweedfs:")
    script = "\n".join(s3["command"])
    assert "weed server" in script and " -s3 " in script and "-s3.port=8333" in script
    # The S3 gateway's one identity is the application's key pair; the bucket is made on first start.
    assert '"$$ALPR_S3_ACCESS_KEY_ID" "$$ALPR_S3_SECRET_ACCESS_KEY"' in script
    assert "s3.bucket.create -name $$ALPR_S3_BUCKET" in script
    assert "$$ALPR_S3_BUCKET" in " ".join(s3["healthcheck"]["test"])
    wanted = {"ALPR_STORAGE_BACKEND", "ALPR_S3_ENDPOINT_URL", "ALPR_S3_BUCKET", "ALPR_S3_ACCESS_KEY_ID",
              "ALPR_S3_SECRET_ACCESS_KEY", "ALPR_S3_REGION"}
    for name in ("web", "worker", "beat"):
        environment = services[name]["environment"]
        assert wanted <= set(environment)
        assert environment["ALPR_STORAGE_BACKEND"] == "s3"
        assert environment["ALPR_S3_ENDPOINT_URL"] == "http://s3:8333"
        # No default secret: compose refuses to start without them in .env.
        assert environment["ALPR_S3_ACCESS_KEY_ID"].startswith("${ALPR_S3_ACCESS_KEY_ID:?")
        assert environment["ALPR_S3_SECRET_ACCESS_KEY"].startswith("${ALPR_S3_SECRET_ACCESS_KEY:?")
        assert services[name]["depends_on"]["s3"] == {"condition": "service_healthy"}
    assert s3["environment"] == {name: services["web"]["environment"][name] for name in wanted}


def test_web_servers_are_threaded_and_never_migrate():
    gunicorn = (ROOT / "config" / "gunicorn.py").read_text()
    assert 'worker_class = "gthread"' in gunicorn and "keepalive = 30" in gunicorn
    assert "migrate" not in gunicorn
    commands = _compose_commands()
    assert commands["web"] == "gunicorn config.wsgi -c config/gunicorn.py"
    assert '"gunicorn", "config.wsgi", "-c", "config/gunicorn.py"' in (ROOT / "Dockerfile").read_text()
    run_script = (ROOT / "scripts" / "run.sh").read_text()
    assert '"$VENV/bin/gunicorn" config.wsgi -c config/gunicorn.py' in run_script
    assert "migrate" not in run_script and "ENTRYPOINT" not in (ROOT / "Dockerfile").read_text()


def test_compose_runs_the_same_processes_as_make_run():
    # run.sh calls the virtualenv's programs: "$VENV/bin/gunicorn" config.wsgi ...
    run_script = (ROOT / "scripts" / "run.sh").read_text().replace('"$VENV/bin/', "").replace('" ', " ")
    commands = _compose_commands()
    for service, program in (("web", "gunicorn config.wsgi"), ("worker", "celery -A config worker"),
                             ("beat", "celery -A config beat")):
        assert program in commands[service]
        assert program in run_script
    makefile = (ROOT / "Makefile").read_text()
    assert "scripts/run.sh" in makefile and "scripts/test.sh" in makefile


def test_dockerfile_installs_tesseract():
    assert "tesseract-ocr" in (ROOT / "Dockerfile").read_text()


def test_production_settings_pass_deploy_checks():
    # Browser tests set DJANGO_ALLOW_ASYNC_UNSAFE in this process; a deployment never has it.
    inherited = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {**inherited, "DJANGO_SETTINGS_MODULE": "config.settings.production",
           "DJANGO_SECRET_KEY": "x" * 20 + "-Q8w!pZr3#kL0v@T7yN2$mB5^cF9&hJ4",
           "DJANGO_ALLOWED_HOSTS": "alpr.example.gov"}
    result = subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.rule("ACC-3")
def test_passkeys_in_production_belong_to_the_sites_host_over_https():
    inherited = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "WEBAUTHN_"))}
    env = {**inherited, "DJANGO_SETTINGS_MODULE": "config.settings.production", "DJANGO_SECRET_KEY": "x" * 50,
           "DJANGO_ALLOWED_HOSTS": ".example.gov,alpr.example.gov,alpr-backup.example.gov"}
    show = ("import django; django.setup(); from django.conf import settings as s; print("
            "s.OTP_WEBAUTHN_RP_ID, *s.OTP_WEBAUTHN_ALLOWED_ORIGINS, s.OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN)")
    result = subprocess.run([sys.executable, "-c", show], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=120)
    assert result.stdout.split() == ["alpr.example.gov", "https://alpr.example.gov",
                                     "https://alpr-backup.example.gov", "False"], result.stderr


def test_servers_log_in_as_the_application_role_and_migrations_as_the_owner():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services, commands = compose["services"], _compose_commands()
    assert commands["migrate"] == "python manage.py migrate --noinput"
    assert services["migrate"]["environment"]["DATABASE_URL"].startswith("postgres://alpr:${POSTGRES_PASSWORD")
    assert services["migrate"]["environment"]["DATABASE_APP_PASSWORD"].startswith("${DATABASE_APP_PASSWORD:?")
    for name in ("web", "worker", "beat"):
        environment = services[name]["environment"]
        assert environment["DATABASE_URL"].startswith("postgres://alpr_app:${DATABASE_APP_PASSWORD:?")
        assert environment["POSTGRES_PASSWORD"] == ""  # the owner's password stays out of the servers
        assert services[name]["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}
        assert "migrate" not in commands[name]
    # No process takes the role with `-c role=` any more: RESET ROLE gave such a role back.
    for path in ("docker-compose.yml", ".env.example", "scripts/run.sh", "config/settings/base.py"):
        assert "role=" not in (ROOT / path).read_text(), path
    assert "migrate" not in (ROOT / "Dockerfile").read_text()
    assert "source scripts/app-database-url.sh" in (ROOT / "scripts" / "run.sh").read_text()
    assert ".env" in (ROOT / ".dockerignore").read_text().split()
    assert "DATABASE_URL=postgres://alpr_app:" in (ROOT / ".env.example").read_text()
