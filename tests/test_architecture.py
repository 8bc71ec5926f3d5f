"""Rules about the shape of the code, checked by reading it. Add a test here for each new house rule."""
import ast
import importlib
from collections import Counter
from pathlib import Path

import pytest
from celery import Task

from audit import actions
from config.schedule import BEAT_SCHEDULE
from core.compliance import ROOT, python_files


def _parsed():
    for path in python_files(ROOT):
        relative = path.relative_to(ROOT).as_posix()
        if "/migrations/" in relative:
            continue
        yield relative, ast.parse(path.read_text(encoding="utf-8"), filename=relative)


def _calls(tree, dotted_suffix: str):
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and ast.unparse(node.func).endswith(dotted_suffix):
            yield node


def _registrations():
    """Yield (file, code) for every `register("code", ...)` of an audit action."""
    for relative, tree in _parsed():
        imports_register = any(
            isinstance(node, ast.ImportFrom) and node.module == "audit.actions"
            and any(alias.name == "register" for alias in node.names) for node in ast.walk(tree))
        if not imports_register:
            continue
        for call in _calls(tree, "register"):
            if call.args and isinstance(call.args[0], ast.Constant):
                yield relative, call.args[0].value


def test_every_audit_action_code_is_registered_once():
    found = list(_registrations())
    twice = [code for code, count in Counter(code for _, code in found).items() if count > 1]
    assert not twice, f"audit action codes registered more than once: {twice}"
    assert {code for _, code in found} == {action.code for action in actions.all_actions()}, (
        "the registry holds actions that no audit_actions.py declares literally (or the reverse)")


def test_audit_actions_are_declared_in_audit_actions_modules():
    elsewhere = sorted({path for path, _ in _registrations() if Path(path).name != "audit_actions.py"})
    assert not elsewhere, f"declare audit actions in <app>/audit_actions.py, not in {elsewhere}"


def test_audit_action_codes_are_namespaced():
    bad = [a.code for a in actions.all_actions() if a.code.count(".") != 1 or a.code != a.code.lower()]
    assert not bad, f"codes look like 'area.verb_noun': {bad}"


@pytest.mark.rule("AUD-2")
def test_only_the_audit_app_writes_audit_rows():
    """Every event goes through audit.services.audit_record; every link through audit.chain.

    Tests may plant rows (e.g. a backdated event); the application's code may not.
    """
    direct = []
    for relative, tree in _parsed():
        parts = relative.split("/")
        if parts[0] == "audit" or "tests" in parts[:-1] or parts[-1] == "conftest.py":
            continue
        for model in ("AuditEvent", "AuditSeal"):
            for method in ("create", "bulk_create", "get_or_create", "update_or_create", "update", "delete"):
                direct += [f"{relative}:{call.lineno}" for call in _calls(tree, f"{model}.objects.{method}")]
    assert not direct, f"write audit rows through audit.services.audit_record: {direct}"


@pytest.mark.parametrize("name", sorted(BEAT_SCHEDULE))
def test_every_scheduled_task_exists(name):
    module, _, attribute = BEAT_SCHEDULE[name]["task"].rpartition(".")
    task = getattr(importlib.import_module(module), attribute)
    assert isinstance(task, Task) and task.name == BEAT_SCHEDULE[name]["task"]
