"""The application's role logs in by itself: web, worker and scheduler no longer borrow another login.

Before, they logged in as the owner (or a superuser) and switched with ``-c role=alpr_app``, and
``RESET ROLE`` or ``SET ROLE postgres`` gave everything back. Now the role of 0001 is a login role
with nothing beyond its grants: not a superuser, no databases, roles, replication or row-security
bypass, inheriting nothing and a member of no role, so no ``SET ROLE`` leads out of it. Its password
is ``DATABASE_APP_PASSWORD``, stored as a SCRAM verifier computed here, so the clear text reaches
neither the server nor its logs; without one it can only log in where PostgreSQL trusts local
connections (``make run``). Migrations keep logging in as the owner.
"""
from django.conf import settings
from django.db import migrations
from psycopg import sql

# pg_roles column -> (the value the role must have, the keyword that sets it). Only attributes that
# differ are altered: naming REPLICATION or BYPASSRLS at all needs a superuser, which the owner may not be.
ATTRIBUTES = {
    "rolcanlogin": (True, "LOGIN"),
    "rolsuper": (False, "NOSUPERUSER"),
    "rolcreatedb": (False, "NOCREATEDB"),
    "rolcreaterole": (False, "NOCREATEROLE"),
    "rolinherit": (False, "NOINHERIT"),
    "rolreplication": (False, "NOREPLICATION"),
    "rolbypassrls": (False, "NOBYPASSRLS"),
}


def _attribute_changes(cursor, role: str) -> list[str]:
    cursor.execute(f"SELECT {', '.join(ATTRIBUTES)} FROM pg_roles WHERE rolname = %s", [role])
    current = dict(zip(ATTRIBUTES, cursor.fetchone(), strict=True))
    return [keyword for column, (wanted, keyword) in ATTRIBUTES.items() if current[column] != wanted]


def _password_clause(connection, role: str) -> sql.Composable:
    password = settings.DATABASE_APP_PASSWORD
    if not password:
        return sql.SQL("PASSWORD NULL")
    verifier = connection.connection.pgconn.encrypt_password(password.encode(), role.encode())
    return sql.SQL("PASSWORD {}").format(sql.Literal(verifier.decode()))


def make_login_role(apps, schema_editor):
    role = settings.DATABASE_APP_ROLE_NAME
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        keywords = [sql.SQL(keyword) for keyword in _attribute_changes(cursor, role)]
        alter = sql.SQL("ALTER ROLE {} WITH {}").format(
            sql.Identifier(role), sql.SQL(" ").join([*keywords, _password_clause(connection, role)]))
        cursor.execute(alter.as_string(connection.connection))
        cursor.execute("SELECT roleid::regrole::text FROM pg_auth_members WHERE member = %s::regrole", [role])
        for (granted,) in cursor.fetchall():
            cursor.execute(f"REVOKE {granted} FROM {connection.ops.quote_name(role)}")
        # PostgreSQL 15 and later already refuse this to PUBLIC; before 15, every role could create
        # objects in `public` and would own them.
        cursor.execute("REVOKE CREATE ON SCHEMA public FROM PUBLIC")


def make_nologin_role(apps, schema_editor):
    schema_editor.execute(f"ALTER ROLE {schema_editor.quote_name(settings.DATABASE_APP_ROLE_NAME)} NOLOGIN")


class Migration(migrations.Migration):
    dependencies = [("core", "0002_read_partition_functions")]

    operations = [migrations.RunPython(make_login_role, make_nologin_role)]
