"""Statements of the upload path prepared once per database connection (for its whole session).

Planning costs PostgreSQL more than running these: a look-up over ~30 day partitions, a join of two
small tables. Prepared, each upload pays only for the execution (PREPARE is not transactional: a
statement stays prepared even if the transaction it was prepared in rolls back).
"""
import weakref

from django.db import connection

_prepared: "weakref.WeakKeyDictionary[object, set[str]]" = weakref.WeakKeyDictionary()


def ensure_prepared(cursor, name: str, statement: str, types: tuple[str, ...] = ()) -> None:
    """PREPARE `statement` as `name` on this connection unless it already is: then ``EXECUTE name (...)``.

    `types` are the parameters' types where PostgreSQL cannot infer them from the statement.
    """
    prepared = _prepared.setdefault(connection.connection, set())
    if name not in prepared:
        declared = f" ({', '.join(types)})" if types else ""
        cursor.execute(f"PREPARE {name}{declared} AS {statement}")
        prepared.add(name)
