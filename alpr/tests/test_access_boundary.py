"""The access-layer boundary (USE-1, AUD-1), kept by a contract per module.

ALPR data is reachable only through the access layer (Zulip's ``access_*`` idea):

- at run time, ``PlateRead.objects`` raises, and so does PlateRead's base manager, which Django uses
  behind the scenes to follow a relation to a read (``held_read.read``) or to reload one;
- no model has a relation to PlateRead: records about reads point at ``ReadReference`` (the read's
  id only), so a join such as ``HeldRead.objects.values("read__plate")``, which Django would build
  without any manager, is an error;
- in the code, only the modules named in ``READ_MODULES`` reach read rows, through PlateRead's
  managers or raw SQL on its table;
- the edges (views, APIs, forms, template tags and context processors, tasks, management commands)
  import none of ``READ_MODULES`` but ``alpr.access``, and the internal processes ``EDGE_CALLS``
  names for each edge, with why.

A new module that needs reads, or an edge that needs an internal process, is added here by name,
with its reason, for review.
"""
import ast
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.exceptions import FieldError

from alpr.models import AccessLayerRequired, Camera, PlateRead, ReadReference
from retention.models import ErroneousFlag, EvidenceHold, HeldRead
from searches.tests.factories import make_camera, make_read

ROOT = Path(settings.BASE_DIR)
ACCESS_LAYER = "alpr.access"

# Every module that reaches plate-read rows, and why it may.
READ_MODULES = {
    ACCESS_LAYER: "the access layer: a person's every way to reads, justified and audited",
    "alpr.selectors": "the SQL behind the access layer; called only by alpr.access",
    "ingest.services": "ingest: stores camera uploads as reads and records what recognition found",
    "hotlists.reads": "hotlist matching loads a new read by id; alerts show their own read",
    "retention.selectors": "which reads holds keep (for the purge and searches), hold and flag pages",
    "retention.services.holds": "a hold checks that the reads it keeps exist",
    "retention.services.evidence": "an evidence package copies the reads it was given",
    "retention.services.erroneous": "a confirmed erroneous read is corrected or excluded",
    "retention.services.purge": "the purge counts the plates read it deletes, per camera and day",
    "reports.metrics": "monthly usage figures: counts only, no row, plate or image leaves the database",
    "alpr.management.commands.bench_search": "the search benchmark fills and times a dedicated database",
    "ingest.management.commands.bench_ingest": "the ingest benchmark checks its uploads were stored",
}
# The internal processes an edge may call (besides alpr.access): each hands no read back to a person.
EDGE_CALLS = {
    "ingest.views": {"ingest.services": "a camera's upload is stored and queued for recognition"},
    "ingest.tasks": {"ingest.services": "the recognition task and the sweeper"},
    "ingest.management.commands.ingest_folder": {"ingest.services": "ingests a folder of photos"},
    "ingest.management.commands.bench_ingest": {"ingest.services": "the ingest benchmark"},
    "retention.tasks": {"retention.selectors": "hold review reminders",
                        "retention.services.holds": "hold review reminders"},
    "retention.views": {"retention.selectors": "hold, package and flag pages",
                        "retention.services.holds": "placing and releasing holds",
                        "retention.services.evidence": "evidence packages",
                        "retention.services.erroneous": "flagging and reviewing erroneous reads"},
    "alpr.management.commands.bench_search": {"alpr.selectors": "the search benchmark times the selectors"},
    "reports.views.portal": {"reports.metrics": "the public portal's usage figures (counts)"},
}
EDGE = re.compile(r"(^|\.)(views|apis|forms|tasks|context_processors)(\.|$)|\.templatetags\.|"
                  r"\.management\.commands\.")
# Modules that may name the read table in SQL: three of READ_MODULES, and the day partitions' DDL.
RAW_SQL_MODULES = {"alpr.selectors", "ingest.services", "alpr.management.commands.bench_search",
                   "alpr.partitions"}
SKIPPED_PARTS = {".venv", "node_modules", "migrations", "staticfiles", "var", ".git", "tests"}
MANAGERS = {"objects", "system_objects", "join_guard", "_default_manager", "_base_manager"}
SHORTCUTS = {"get_object_or_404", "get_list_or_404"}
def _project_modules():
    for path in ROOT.rglob("*.py"):
        relative = path.relative_to(ROOT)
        if SKIPPED_PARTS & set(relative.parts) or relative.name == "conftest.py":
            continue
        name = ".".join(relative.with_suffix("").parts)
        yield name.removesuffix(".__init__"), path


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


def imported_modules(source: str, module: str) -> set[str]:
    """Return the project modules `source` imports, directly (``from a import b`` may import a.b)."""
    package = module.rsplit(".", 1)[0]
    names = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parents = package.split(".")[:len(package.split(".")) - node.level + 1]
                base = ".".join([*parents, base]).strip(".")
            names |= {base} | {f"{base}.{alias.name}" for alias in node.names}
    return names


def _offences(module: str, source: str) -> list[str]:
    offences = []
    if module not in READ_MODULES:
        offences += [f"{module}:{line}: {text}" for line, text in manager_uses(source)]
    if module not in RAW_SQL_MODULES:
        offences += [f"{module}:{source[:match.start()].count(chr(10)) + 1}: raw SQL on alpr_plateread"
                     for match in re.finditer(r"alpr_plateread", source)]
    if EDGE.search(module):
        allowed = {ACCESS_LAYER, *EDGE_CALLS.get(module, {})}
        offences += [f"{module}: an edge imports {name}" for name in
                     sorted(imported_modules(source, module) & set(READ_MODULES) - allowed)]
    return offences


def test_only_the_modules_of_the_contract_reach_plate_reads():
    offences = []
    for module, path in _project_modules():
        offences += _offences(module, path.read_text(encoding="utf-8"))
    assert offences == [], "Reach plate reads through alpr.access, or name the module in the contract:\n" + \
        "\n".join(offences)


def test_every_module_of_the_contract_exists():
    modules = {module for module, _ in _project_modules()}
    named = set(READ_MODULES) | set(EDGE_CALLS) | {m for calls in EDGE_CALLS.values() for m in calls}
    assert named <= modules, named - modules


def test_the_scan_catches_the_shortcuts():
    assert manager_uses("from alpr.models import PlateRead\nPlateRead.objects.filter(plate='X')")
    assert manager_uses("from alpr.models import PlateRead as R\nR.system_objects.all()")
    assert manager_uses("import alpr.models\nalpr.models.PlateRead._default_manager.all()")
    assert manager_uses("from alpr.models import PlateRead\nPlateRead._base_manager.all()")
    assert manager_uses("from alpr.models import PlateRead\nget_object_or_404(PlateRead, pk=1)")
    assert not manager_uses("from alpr.models import Camera\nCamera.objects.all()")


def test_the_scan_catches_an_edge_importing_what_touches_reads():
    for source in ("from alpr.selectors import SearchMode", "from alpr import selectors",
                   "import hotlists.reads", "from reports.metrics import usage_by_month"):
        assert _offences("searches.views", source), source
    assert _offences("hotlists.tasks", "from hotlists.reads import reads_unmatched")
    assert _offences("demo.management.commands.seed_demo", "from ingest import services")
    assert not _offences("searches.views", "from alpr import access\nfrom alpr.access import SearchMode")
    assert not _offences("ingest.tasks", "from ingest import services")
    assert not _offences("hotlists.matching", "from hotlists.reads import reads_unmatched")


@pytest.mark.django_db
def test_the_default_manager_refuses_at_run_time():
    with pytest.raises(AccessLayerRequired, match=r"use alpr\.access"):
        PlateRead.objects.all()
    with pytest.raises(AccessLayerRequired):
        PlateRead._default_manager.filter(plate="ABC123")
    assert PlateRead.system_objects.filter(plate="ABC123").count() == 0


def test_no_model_has_a_relation_to_plate_reads():
    """Joins to reads are impossible: a relation to PlateRead would let ``values("read__plate")`` join to
    it without any manager. References point at ReadReference; PlateRead.camera has no reverse."""
    relations = [f"{model._meta.label}.{field.name}" for model in apps.get_models()
                 for field in model._meta.get_fields()
                 if field.is_relation and field.related_model is PlateRead]
    assert relations == []
    references = {f"{rel.field.model._meta.label}.{rel.field.name}"
                  for rel in ReadReference._meta.get_fields(include_hidden=True) if rel.auto_created}
    assert {"retention.HeldRead.read", "retention.ErroneousFlag.read"} <= references


@pytest.mark.django_db
@pytest.mark.rule("USE-1")
def test_a_join_to_reads_from_another_model_is_an_error(officer):
    """Tried: a hold's read plate through values(), filter(), order_by(), and a camera's reads by plate."""
    read = make_read(camera=make_camera(), plate="ABC1234", images=False)
    hold = EvidenceHold.objects.create(case_number="26-004512", reason="Robbery evidence", placed_by=officer)
    HeldRead.objects.create(hold=hold, read_id=read.pk, captured_at=read.captured_at)
    for join in (lambda: HeldRead.objects.values("read__plate"),
                 lambda: HeldRead.objects.values_list("read__image_path", flat=True),
                 lambda: HeldRead.objects.filter(read__plate="ABC1234"),
                 lambda: HeldRead.objects.order_by("read__captured_at"),
                 lambda: EvidenceHold.objects.values("held_reads__read__plate"),
                 lambda: ErroneousFlag.objects.filter(read__plate__startswith="ABC"),
                 lambda: Camera.objects.filter(reads__plate="ABC1234")):
        with pytest.raises(FieldError):
            list(join())
    assert list(HeldRead.objects.values_list("read_id", flat=True)) == [read.pk]  # the id is the record's own


@pytest.mark.django_db
@pytest.mark.rule("USE-1")
def test_relations_to_reads_do_not_load_them(officer):
    """Tried: follow a hold's and a flag's read, prefetch it, reload a read made up from its id, count
    reads through the base manager."""
    read = make_read(camera=make_camera(), plate="ABC1234", images=False)
    hold = EvidenceHold.objects.create(case_number="26-004512", reason="Robbery evidence", placed_by=officer)
    held = HeldRead.objects.create(hold=hold, read_id=read.pk, captured_at=read.captured_at)
    flag = ErroneousFlag.objects.create(read_id=read.pk, read_captured_at=read.captured_at, kind="misread",
                                        note="The crop reads ABC1284", flagged_by=officer)
    for follow in (lambda: HeldRead.objects.get(pk=held.pk).read,
                   lambda: ErroneousFlag.objects.get(pk=flag.pk).read,
                   lambda: list(HeldRead.objects.prefetch_related("read")),
                   lambda: PlateRead(pk=read.pk).refresh_from_db(),
                   lambda: PlateRead._base_manager.filter(plate="ABC1234").count(),
                   lambda: ReadReference._base_manager.first(),
                   lambda: ReadReference.objects.all()):
        with pytest.raises(AccessLayerRequired):
            follow()
    # Internal processes still write: a save goes through the base manager's UPDATE, unchanged.
    read.state = "IL"
    read.save(update_fields=["state"])
    assert PlateRead.system_objects.get(pk=read.pk).state == "IL"
