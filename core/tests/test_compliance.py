"""META-1: the compliance matrix is built from the rule list, the code's marks and the tests' markers."""
import json
import subprocess
import sys
import textwrap

import pytest
from django.core.management import call_command

from core.compliance import ROOT, build_matrix, enforces, parse_rules

RULES = """
## ACC: accounts

| ID | Rule (testable) | Source |
|---|---|---|
| ACC-1 | One account per named person. | aclu-g |
| ACC-2 | Pending accounts reach nothing; a pipe \\| inside. | aclu-g |

## META

| ID | Rule | Source |
|---|---|---|
| META-1 | A compliance matrix. | aclu-g |
"""


def _project(tmp_path, files: dict[str, str]):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "REQUIREMENTS.md").write_text(RULES)
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    return {row.rule.id: row for row in build_matrix(tmp_path)}


@pytest.mark.rule("META-1")
def test_rules_are_read_from_the_tables():
    assert [rule.id for rule in parse_rules(RULES)] == ["ACC-1", "ACC-2", "META-1"]
    assert parse_rules(RULES)[0].source == "aclu-g"


@pytest.mark.rule("META-1")
def test_markers_and_marks_are_found_without_importing(tmp_path):
    rows = _project(tmp_path, {
        "accounts/services.py": """
            from core.compliance import enforces
            raise SystemExit("never imported")

            @enforces("ACC-1", "ACC-2")
            def account_create(): ...

            class Gate:
                @enforces("ACC-2")
                def check(self): ...
        """,
        "retention/migrations/0002_triggers.py": 'ENFORCES = ("META-1",)\n',
        "accounts/tests/test_identity.py": """
            import pytest

            @pytest.mark.rule("ACC-1")
            def test_generic_names_are_refused(): ...

            @pytest.mark.rule("ACC-1")
            class TestBadges:
                def test_unique(self): ...

            def test_unmarked(): ...
        """,
        "tests/test_gate.py": """
            import pytest
            pytestmark = [pytest.mark.django_db, pytest.mark.rule("ACC-2")]

            def test_everything_is_gated(): ...
        """,
        "ingest/recognizer/tests/test_reader.py": """
            import pytest
            pytestmark = pytest.mark.rule("ZZZ-9")

            def test_unknown_rule(): ...
        """,
    })
    assert rows["ACC-1"].enforced_in == ["accounts/services.py:account_create"]
    assert rows["ACC-2"].enforced_in == ["accounts/services.py:Gate.check",
                                         "accounts/services.py:account_create"]
    assert rows["META-1"].enforced_in == ["retention/migrations/0002_triggers.py"]
    assert rows["ACC-1"].tests == ["accounts/tests/test_identity.py::TestBadges::test_unique",
                                   "accounts/tests/test_identity.py::test_generic_names_are_refused"]
    assert rows["ACC-2"].tests == ["tests/test_gate.py::test_everything_is_gated"]
    assert rows["META-1"].tests == []
    assert rows["ZZZ-9"].rule.title == "(not in REQUIREMENTS.md)"  # a typo shows, it does not vanish


def test_enforces_returns_the_object_and_records_the_rules():
    def check(): ...

    assert enforces("ACC-1")(enforces("ACC-2")(check)) is check
    assert check.__enforces__ == ("ACC-2", "ACC-1")
    with pytest.raises(ValueError):
        enforces()


@pytest.mark.rule("META-1")
def test_the_command_prints_json_for_every_rule_of_the_project(capsys):
    call_command("compliance_matrix", "--json")
    rows = json.loads(capsys.readouterr().out)
    ids = [row["rule"] for row in rows]
    assert ids[:2] == ["ACC-1", "ACC-2"] and "META-1" in ids
    assert all({"rule", "title", "enforced_in", "tests"} <= row.keys() for row in rows)
    meta = next(row for row in rows if row["rule"] == "META-1")
    this_test = "core/tests/test_compliance.py::test_the_command_prints_json_for_every_rule_of_the_project"
    assert this_test in meta["tests"]
    aud2 = next(row for row in rows if row["rule"] == "AUD-2")
    assert "audit/chain.py:verify_chain" in aud2["enforced_in"]


@pytest.mark.rule("META-1")
def test_the_project_rule_list_is_the_shared_one():
    shared = ROOT.parent / "shared" / "REQUIREMENTS.md"
    if not shared.exists():
        pytest.skip("no ../shared checkout next to the project")
    assert (ROOT / "docs" / "REQUIREMENTS.md").read_text() == shared.read_text()


@pytest.mark.rule("META-1")
def test_the_command_prints_only_json():
    """Nothing but JSON on stdout (how fast it builds is not a test's business: it was timed here, and
    failed on a machine busy with other work)."""
    result = subprocess.run([sys.executable, "manage.py", "compliance_matrix", "--json"], cwd=ROOT,
                            capture_output=True, text=True, timeout=60, check=True)
    assert json.loads(result.stdout)  # nothing but JSON on stdout
