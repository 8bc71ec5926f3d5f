"""The application's own database login cannot be talked out of the audit log's guarantees (AUD-2).

Each test opens a real, separate connection to the test database that logs in as the application's
role, the way web, worker and scheduler do, and tries what a compromised server would try. Nothing is
committed: each connection rolls back. (The suite's own connection is the superuser: fixtures flush
tables past the audit triggers, see the root conftest.)
"""
import importlib
import os
import re
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.db import connection

pytestmark = pytest.mark.rule("AUD-2")

ROOT = Path(__file__).resolve().parent.parent
ROLE = settings.DATABASE_APP_ROLE_NAME
AUDIT_TABLES = ("audit_auditevent", "audit_auditseal")
# Verification compares the chain with the published heads, so they are kept like the log itself.
APPEND_ONLY_TABLES = (*AUDIT_TABLES, "reports_publishedchainhead")
REFUSED = r"permission denied|must be owner"


@pytest.fixture
def app_login(django_db_setup):
    """A connection to the test database as the application's login role; rolled back and closed."""
    database = connection.settings_dict
    login = psycopg.connect(host=database["HOST"], port=database["PORT"], dbname=database["NAME"],
                            user=ROLE, password=settings.DATABASE_APP_PASSWORD or None)
    # A refused statement must fail on its privileges, never wait behind another test's lock.
    login.execute("SET lock_timeout = '5s'")
    yield login
    login.rollback()
    login.close()


def _refused(login, statement: str) -> str:
    """Run `statement` in a savepoint; return PostgreSQL's refusal, or fail if it was allowed."""
    with pytest.raises(psycopg.Error) as refusal, login.transaction():
        login.execute(statement)
    return str(refusal.value)


def _one(login, query: str, params=()):
    return login.execute(query, params).fetchone()


def test_the_role_logs_in_as_itself_with_no_power(app_login):
    assert _one(app_login, "SELECT current_user, session_user") == (ROLE, ROLE)
    attributes = _one(app_login, "SELECT rolcanlogin, rolsuper, rolcreatedb, rolcreaterole, rolinherit, "
                                 "rolreplication, rolbypassrls FROM pg_roles WHERE rolname = current_user")
    assert attributes == (True, False, False, False, False, False, False)


def test_the_role_is_a_member_of_no_role(app_login):
    granted = app_login.execute("SELECT roleid::regrole::text FROM pg_auth_members "
                                "WHERE member = current_user::regrole").fetchall()
    assert granted == []
    reachable = app_login.execute("SELECT rolname FROM pg_roles "
                                  "WHERE pg_has_role(current_user, oid, 'MEMBER')").fetchall()
    assert reachable == [(ROLE,)]


def test_set_role_leads_nowhere_and_reset_role_stays(app_login):
    owner = _one(app_login, "SELECT tableowner FROM pg_tables WHERE tablename = 'audit_auditevent'")[0]
    others = [name for (name,) in app_login.execute("SELECT rolname FROM pg_roles WHERE rolname <> %s",
                                                    [ROLE])]
    assert "postgres" in others and owner in others
    # Tried: every other role of the cluster, the superuser and the tables' owner among them.
    for other in others:
        assert "permission denied to set role" in _refused(app_login, f'SET ROLE "{other}"')
    assert "permission denied" in _refused(app_login, "SET SESSION AUTHORIZATION postgres")
    app_login.execute("RESET ROLE")
    assert _one(app_login, "SELECT current_user, session_user") == (ROLE, ROLE)


@pytest.mark.parametrize("statement", [
    "SET session_replication_role = replica",
    "ALTER TABLE audit_auditevent DISABLE TRIGGER ALL",
    "ALTER TABLE audit_auditseal DISABLE TRIGGER ALL",
    "ALTER TABLE audit_auditevent DISABLE TRIGGER audit_auditevent_no_update_delete",
    "DROP TRIGGER audit_auditevent_no_update_delete ON audit_auditevent",
    "CREATE OR REPLACE FUNCTION audit_refuse_change() RETURNS trigger LANGUAGE plpgsql "
    "AS $$ BEGIN RETURN NEW; END $$",
    "ALTER TABLE audit_auditevent OWNER TO CURRENT_USER",
    "DROP TABLE audit_auditseal",
])
def test_the_role_cannot_switch_the_audit_triggers_off(app_login, statement):
    assert re.search(REFUSED, _refused(app_login, statement))


@pytest.mark.parametrize("statement", [
    "UPDATE audit_auditevent SET description = 'rewritten'",
    "UPDATE audit_auditseal SET chain_hash = 'x'",
    "UPDATE reports_publishedchainhead SET chain_hash = 'x'",
    *(f"DELETE FROM {table}" for table in APPEND_ONLY_TABLES),
    *(f"TRUNCATE {table}" for table in APPEND_ONLY_TABLES),
    # Stored reports: the triggers of reports 0002 refuse these for everyone, the privilege before them.
    "UPDATE reports_report SET title = 'rewritten'",
    "DELETE FROM reports_reportfile",
    "UPDATE reports_reportsignoff SET review_note = 'rewritten'",
])
def test_the_role_lacks_the_privilege_to_change_the_audit_log_or_a_stored_report(app_login, statement):
    # Refused on the privilege before any row is looked at, so before the triggers would be reached.
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        app_login.execute(statement)


def test_the_role_appends_to_the_audit_log(app_login):
    inserted = _one(app_login, """
        INSERT INTO audit_auditevent (occurred_at, actor_type, actor_label, action, outcome, purpose,
            case_number, description, reason, targets, query, client_ip, session_ref, flagged,
            content_hash, txid, digest_version)
        VALUES (now(), 'system', 'test', 'request.refused', 'refused', '', '', '', '', '[]', '{}', '', '',
            false, '', 0, 0)
        RETURNING content_hash, txid = pg_current_xact_id()::text::bigint""")
    assert len(inserted[0]) == 64 and inserted[1]  # the owner's trigger stamped digest and transaction


def test_the_role_publishes_a_chain_head(app_login):
    inserted = _one(app_login, """
        INSERT INTO reports_publishedchainhead (published_on, position, chain_hash, sealed_at, published_at)
        VALUES (DATE '2031-01-02', 1, repeat('a', 64), now(), now()) RETURNING id""")
    assert inserted[0]
    assert _one(app_login, "SELECT count(*) FROM reports_publishedchainhead WHERE id = %s", inserted)[0] == 1


def test_the_role_owns_nothing_and_can_create_nothing(app_login):
    owned = _one(app_login, """
        SELECT (SELECT count(*) FROM pg_class WHERE relowner = current_user::regrole)
             + (SELECT count(*) FROM pg_proc WHERE proowner = current_user::regrole)
             + (SELECT count(*) FROM pg_type WHERE typowner = current_user::regrole)
             + (SELECT count(*) FROM pg_namespace WHERE nspowner = current_user::regrole)
             + (SELECT count(*) FROM pg_database WHERE datdba = current_user::regrole)""")[0]
    assert owned == 0
    for statement in ("CREATE TABLE alpr_side_door (plate text)",
                      "CREATE FUNCTION alpr_side_door() RETURNS int LANGUAGE sql AS 'SELECT 1'",
                      "CREATE SCHEMA side_door"):
        assert "permission denied" in _refused(app_login, statement)


def test_the_role_manages_day_partitions_only_through_the_owner_functions(app_login):
    assert _one(app_login, "SELECT alpr_create_read_partition(DATE '2031-01-02')")[0] is True
    assert _one(app_login, "SELECT alpr_create_read_partition(DATE '2031-01-02')")[0] is False  # idempotent
    owner = _one(app_login, "SELECT tableowner FROM pg_tables WHERE tablename = 'alpr_plateread_p20310102'")
    assert owner[0] != ROLE
    create = ("CREATE TABLE alpr_plateread_p20310103 PARTITION OF alpr_plateread "
              "FOR VALUES FROM ('2031-01-03') TO ('2031-01-04')")
    assert re.search(REFUSED, _refused(app_login, create))
    assert "must be owner" in _refused(app_login, "DROP TABLE alpr_plateread_p20310102")
    assert _one(app_login, "SELECT alpr_drop_read_partition(DATE '2031-01-02')")[0] is True


# What `make run` (scripts/run.sh) gives web, worker, scheduler and the demo data, run against the test
# database: the URL the owner migrated with goes in, the application's role comes out. The audit write
# goes through the application's own code (the prepared insert) and is rolled back.
RUN_SH_PROBE = """
from django.db import connection, transaction
from alpr.partitions import ensure_partitions
from audit.actions import get
from audit.context import Actor
from audit.services import audit_record
from django.utils import timezone
with transaction.atomic():
    audit_record(actor=Actor.system("probe"), action=get("request.refused"))
    ensure_partitions(timezone.now().date(), timezone.now().date())
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user, session_user, rolsuper FROM pg_roles "
                       "WHERE rolname = current_user")
        print(*cursor.fetchone())
    transaction.set_rollback(True)
"""


def test_make_run_logs_in_as_the_application_role(django_db_setup):
    database = connection.settings_dict
    owner_url = f"postgres://postgres@{database['HOST']}:{database['PORT']}/{database['NAME']}"
    environment = {key: value for key, value in os.environ.items() if not key.startswith("DATABASE_")}
    environment.update(DATABASE_URL=owner_url, DJANGO_SETTINGS_MODULE="config.settings.local")
    script = 'source scripts/app-database-url.sh && exec "$0" manage.py shell -c "$1"'
    result = subprocess.run(["bash", "-c", script, sys.executable, RUN_SH_PROBE], cwd=ROOT, env=environment,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-3:] == [ROLE, ROLE, "False"]


@pytest.mark.django_db
def test_the_migration_takes_back_what_the_role_was_given(settings):
    """Run on a database where someone made the role more powerful, the migration (core 0003) leaves a
    login role with nothing: no membership, no attribute, and a password kept only as a SCRAM verifier."""
    migration = importlib.import_module("core.migrations.0003_application_login_role")
    settings.DATABASE_APP_PASSWORD = "app-login-secret"
    with connection.cursor() as cursor:
        # Tried: a role the app could SET ROLE to, powers it could use, and no login (rolled back).
        cursor.execute(f"GRANT pg_read_all_data TO {ROLE}")
        cursor.execute(f"ALTER ROLE {ROLE} INHERIT CREATEDB CREATEROLE NOLOGIN")
        with connection.schema_editor() as schema_editor:
            migration.make_login_role(None, schema_editor)
        cursor.execute("SELECT rolcanlogin, rolinherit, rolcreatedb, rolcreaterole, rolpassword "
                       "FROM pg_authid WHERE rolname = %s", [ROLE])
        *attributes, password = cursor.fetchone()
        cursor.execute("SELECT count(*) FROM pg_auth_members WHERE member = %s::regrole", [ROLE])
        memberships = cursor.fetchone()[0]
    assert attributes == [True, False, False, False]
    assert memberships == 0
    assert password.startswith("SCRAM-SHA-256$") and "app-login-secret" not in password
