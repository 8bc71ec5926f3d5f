"""The access-layer rule: ALPR data is reachable only through the access layer (Zulip's `access_*`
idea). `PlateRead.objects` refuses at run time, and this scan keeps the internal managers and raw SQL
on the read table inside the modules that are allowed them."""
import ast
import re
from pathlib import Path

import pytest
from django.conf import settings

from alpr.models import AccessLayerRequired, PlateRead

ROOT = Path(settings.BASE_DIR)
# Internal processes allowed the system manager: the access layer itself, ingest, purge, matching.
ALLOWED_MODULES = {
    "alpr/access.py",
    "alpr/selectors.py",
    "alpr/services.py",
    "ingest/services.py",
    "ingest/tasks.py",
    "alpr/matching.py",
    # Hotlist matching on arrival loads the new read by id (the issue-5 home of "matching").
    "hotlists/reads.py",
    # Monthly usage metrics: an aggregate count per month; no row, plate or image leaves the database.
    "reports/metrics.py",
}
ALLOWED_PACKAGES = ("retention/",)
# Benchmarks fill and time a dedicated database with synthetic reads.
BENCHMARKS = re.compile(r"^[a-z_]+/management/commands/bench_[a-z_]+\.py$")
# Modules that name the table in SQL without reading rows for anyone (partition DDL).
RAW_SQL_ALLOWED = {"alpr/partitions.py"}
SKIPPED_PARTS = {".venv", "node_modules", "migrations", "staticfiles", "var", ".git"}
MANAGERS = {"objects", "system_objects", "_default_manager", "_base_manager"}
SHORTCUTS = {"get_object_or_404", "get_list_or_404"}


def _project_files():
    for path in ROOT.rglob("*.py"):
        relative = path.relative_to(ROOT)
        if SKIPPED_PARTS & set(relative.parts):
            continue
        yield relative.as_posix(), path


def _allowed(relative: str) -> bool:
    return (relative in ALLOWED_MODULES or relative.startswith(ALLOWED_PACKAGES)
            or bool(BENCHMARKS.match(relative)))


def _is_test(relative: str) -> bool:
    return "/tests/" in f"/{relative}" or relative.startswith("tests/") or relative == "conftest.py"


def _name_of(node) -> str:
    if isinstance(node, ast.Name):
        return node.id
    return node.attr if isinstance(node, ast.Attribute) else ""


def manager_uses(source: str) -> list[tuple[int, str]]:
    """Return (line, text) of every `PlateRead.<manager>` in `source`, however imported."""
    tree = ast.parse(source)
    aliases = {"PlateRead"}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            aliases |= {alias.asname or alias.name for alias in node.names if alias.name == "PlateRead"}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in MANAGERS:
            name = _name_of(node.value)
            if name in aliases:
                found.append((node.lineno, f"{name}.{node.attr}"))
        # get_object_or_404(PlateRead, ...) and friends go through the default manager too.
        shortcut = isinstance(node, ast.Call) and _name_of(node.func) in SHORTCUTS
        if shortcut and any(_name_of(arg) in aliases for arg in node.args):
            found.append((node.lineno, f"{_name_of(node.func)}(PlateRead)"))
    return found


def test_plate_reads_are_touched_only_by_allowed_modules():
    offenders = []
    for relative, path in _project_files():
        if _allowed(relative) or _is_test(relative):
            continue
        source = path.read_text(encoding="utf-8")
        if "PlateRead" not in source and "alpr_plateread" not in source:
            continue
        offenders += [f"{relative}:{line}: {text}" for line, text in manager_uses(source)]
        if relative not in RAW_SQL_ALLOWED:
            offenders += [f"{relative}:{source[:match.start()].count(chr(10)) + 1}: raw SQL on alpr_plateread"
                          for match in re.finditer(r"alpr_plateread", source)]
    assert offenders == [], "Reach plate reads through alpr.access, not:\n" + "\n".join(offenders)


def test_the_scan_catches_the_shortcuts():
    assert manager_uses("from alpr.models import PlateRead\nPlateRead.objects.filter(plate='X')")
    assert manager_uses("from alpr.models import PlateRead as R\nR.system_objects.all()")
    assert manager_uses("import alpr.models\nalpr.models.PlateRead._default_manager.all()")
    assert manager_uses("from alpr.models import PlateRead\nget_object_or_404(PlateRead, pk=1)")
    assert not manager_uses("from alpr.models import Camera\nCamera.objects.all()")


@pytest.mark.django_db
def test_the_default_manager_refuses_at_run_time():
    with pytest.raises(AccessLayerRequired, match=r"use alpr\.access"):
        PlateRead.objects.all()
    with pytest.raises(AccessLayerRequired):
        PlateRead._default_manager.filter(plate="ABC123")
    assert PlateRead.system_objects.filter(plate="ABC123").count() == 0
