"""The compliance matrix (META-1): for every rule of docs/REQUIREMENTS.md, where the code enforces it
and which tests prove it, found by reading the source, never by importing it.

Code says which rules it enforces with ``@enforces("ACC-1", ...)`` on a function or class, or, for a
module whose enforcement is not one function (a migration with triggers, a settings module), with a
module-level ``ENFORCES = ("RET-1", ...)``. Tests say which rule they prove with
``@pytest.mark.rule("ACC-1")`` or a module-level ``pytestmark``. Both are found by a static AST scan,
so the matrix is built in well under a second and cannot be skewed by import side effects.
"""
from __future__ import annotations

import ast
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")

ROOT = Path(__file__).resolve().parent.parent
REQUIREMENTS = ROOT / "docs" / "REQUIREMENTS.md"
SKIPPED_DIRS = {".venv", "venv", "node_modules", ".git", "__pycache__", "staticfiles", "var", "static",
                "templates", "docs", "scripts", ".ci", ".pytest_cache", ".ruff_cache"}
_RULE_ROW = re.compile(r"^\|\s*([A-Z]{2,5}-\d+)\s*\|(.+)\|\s*([^|]*?)\s*\|\s*$")
_AREA_HEADING = re.compile(r"^##\s+([A-Z]{2,5})\b:?\s*(.*)$")


def enforces(*rule_ids: str) -> Callable[[T], T]:
    """Mark a function or class as enforcing `rule_ids`; return it unchanged.

    It only records the ids (on ``__enforces__``) for readers; the compliance matrix finds them by
    reading the source.
    """
    if not rule_ids or not all(isinstance(rule, str) and rule for rule in rule_ids):
        raise ValueError("enforces() needs at least one rule ID, e.g. enforces('AUD-2')")

    def mark(target: T) -> T:
        target.__enforces__ = (*getattr(target, "__enforces__", ()), *rule_ids)
        return target

    return mark


@dataclass(frozen=True)
class Rule:
    id: str
    title: str
    source: str


@dataclass
class MatrixRow:
    rule: Rule
    enforced_in: list[str] = field(default_factory=list)
    tests: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"rule": self.rule.id, "title": self.rule.title, "source": self.rule.source,
                "enforced_in": self.enforced_in, "tests": self.tests}


def parse_rules(text: str) -> list[Rule]:
    """Return the rules of the requirement tables (``| ID | rule | source |`` rows), in order."""
    rules = []
    for line in text.splitlines():
        match = _RULE_ROW.match(line.strip())
        if match:
            rules.append(Rule(match[1], match[2].strip(), match[3].strip()))
    return rules


@dataclass
class Area:
    """The rules of one section of the requirements (ACC, USE, …), for a page that folds each."""

    code: str
    title: str
    rows: list[MatrixRow]

    @property
    def proven(self) -> int:
        return sum(1 for row in self.rows if row.tests)

    @property
    def unproven(self) -> list[str]:
        return [row.rule.id for row in self.rows if not row.tests]

    @property
    def unmarked(self) -> list[str]:
        return [row.rule.id for row in self.rows if not row.enforced_in]


def matrix_areas(rows: list[MatrixRow], requirements: Path = REQUIREMENTS) -> list[Area]:
    """Group `rows` by the prefix of their rule ID, titled and ordered as the requirements' sections."""
    titles = {}
    for line in requirements.read_text(encoding="utf-8").splitlines():
        match = _AREA_HEADING.match(line.strip())
        if match:
            titles[match[1]] = match[2].strip()
    areas: dict[str, Area] = {code: Area(code, title, []) for code, title in titles.items()}
    for row in rows:
        code = row.rule.id.split("-")[0]
        areas.setdefault(code, Area(code, "", [])).rows.append(row)
    return [area for area in areas.values() if area.rows]


@enforces("META-1")
def build_matrix(root: Path = ROOT, requirements: Path | None = None) -> list[MatrixRow]:
    """Return one row per rule, in the order of the requirements, plus rows for unknown IDs."""
    rules = parse_rules((requirements or root / "docs" / "REQUIREMENTS.md").read_text(encoding="utf-8"))
    rows = {rule.id: MatrixRow(rule) for rule in rules}

    def row(rule_id: str) -> MatrixRow:
        # An ID that the requirements do not define is shown, not dropped: it is a typo or a
        # rule that was removed, and either way someone should look.
        return rows.setdefault(rule_id, MatrixRow(Rule(rule_id, "(not in REQUIREMENTS.md)", "")))

    for path in python_files(root):
        relative = path.relative_to(root).as_posix()
        try:
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=relative)
        except (SyntaxError, UnicodeDecodeError):
            continue
        if is_test_file(relative):
            for rule_id, name in rule_markers(tree):
                row(rule_id).tests.append(f"{relative}::{name}")
        else:
            for rule_id, name in enforcement_marks(tree):
                row(rule_id).enforced_in.append(f"{relative}:{name}" if name else relative)
    for matrix_row in rows.values():
        matrix_row.tests.sort()
        matrix_row.enforced_in.sort()
    return list(rows.values())


def python_files(root: Path) -> Iterator[Path]:
    for path in sorted(root.iterdir()):
        if path.is_dir():
            if path.name not in SKIPPED_DIRS and not path.name.startswith("."):
                yield from python_files(path)
        elif path.suffix == ".py":
            yield path


def is_test_file(relative: str) -> bool:
    parts = relative.split("/")
    return "tests" in parts[:-1] and parts[-1].startswith("test_")


# -- tests: @pytest.mark.rule("X") and pytestmark ---------------------------------------------------

def rule_markers(tree: ast.Module) -> Iterator[tuple[str, str]]:
    """Yield (rule ID, test name) for every test the module marks with a rule."""
    module_rules = []
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
                isinstance(target, ast.Name) and target.id == "pytestmark" for target in node.targets):
            module_rules += _rules_in_marks(node.value)
    for qualname, marks in _tests(tree.body, "", []):
        rules = list(module_rules)
        for mark in marks:
            rules += _rules_in_marks(mark)
        for rule_id in dict.fromkeys(rules):
            yield rule_id, qualname


def _tests(body: Iterable[ast.stmt], prefix: str, inherited: list[ast.expr]
           ) -> Iterator[tuple[str, list[ast.expr]]]:
    """Yield (qualified name, decorators including those of enclosing classes) for each test."""
    for node in body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name.startswith("test"):
            yield prefix + node.name, [*inherited, *node.decorator_list]
        elif isinstance(node, ast.ClassDef) and node.name.startswith("Test"):
            class_marks = [*inherited, *node.decorator_list]
            for statement in node.body:  # a class-level pytestmark applies to its methods
                if isinstance(statement, ast.Assign) and any(
                        isinstance(target, ast.Name) and target.id == "pytestmark"
                        for target in statement.targets):
                    class_marks.append(statement.value)
            yield from _tests(node.body, f"{prefix}{node.name}::", class_marks)


def _rules_in_marks(node: ast.AST) -> list[str]:
    """Rule IDs in `pytest.mark.rule("X", ...)`, or a list/tuple of marks."""
    if isinstance(node, ast.List | ast.Tuple):
        return [rule for element in node.elts for rule in _rules_in_marks(element)]
    if isinstance(node, ast.Call) and _dotted(node.func).endswith("mark.rule"):
        return _constants(ast.Tuple(elts=node.args))
    return []


# -- code: @enforces("X") and ENFORCES = (...) -----------------------------------------------------

def enforcement_marks(tree: ast.Module) -> Iterator[tuple[str, str]]:
    """Yield (rule ID, qualified name or '' for the module) for every enforcement mark."""
    for node in tree.body:
        if isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(isinstance(target, ast.Name) and target.id == "ENFORCES" for target in targets):
                for rule_id in _constants(node.value):
                    yield rule_id, ""
    yield from _decorated(tree.body, "")


def _decorated(body: Iterable[ast.stmt], prefix: str) -> Iterator[tuple[str, str]]:
    for node in body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            qualname = prefix + node.name
            for decorator in node.decorator_list:
                if isinstance(decorator, ast.Call) and _dotted(decorator.func).split(".")[-1] == "enforces":
                    for rule_id in _constants(ast.Tuple(elts=decorator.args)):
                        yield rule_id, qualname
            if isinstance(node, ast.ClassDef):
                yield from _decorated(node.body, qualname + ".")


def _constants(node: ast.AST | None) -> list[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.List | ast.Tuple | ast.Set):
        return [value for element in node.elts for value in _constants(element)]
    return []


def _dotted(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{_dotted(node.value)}.{node.attr}"
    return ""


# -- output -----------------------------------------------------------------------------------------

def as_markdown(rows: list[MatrixRow]) -> str:
    """Render the matrix for the oversight board."""
    proven = sum(1 for row in rows if row.tests)
    lines = [
        "# Compliance matrix",
        "",
        "Generated by `python manage.py compliance_matrix --markdown` from the code and its tests; "
        "do not edit by hand.",
        f"{proven} of {len(rows)} rules are proven by at least one test.",
        "",
        "| Rule | Requirement | Enforced in | Tests |",
        "|---|---|---|---|",
    ]
    for row in rows:
        enforced = "<br>".join(f"`{place}`" for place in row.enforced_in) or "—"
        tests = "<br>".join(f"`{test}`" for test in row.tests) or "**NO TEST**"
        title = row.rule.title.replace("|", "\\|")
        lines.append(f"| {row.rule.id} | {title} | {enforced} | {tests} |")
    return "\n".join(lines) + "\n"
