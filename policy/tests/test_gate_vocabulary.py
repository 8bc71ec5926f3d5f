"""The migration that gives the policy in force the gate's vocabulary keeps what the agency added."""
import importlib

import pytest

from policy import defaults

migration = importlib.import_module("policy.migrations.0008_gate_vocabulary")


@pytest.mark.rule("USE-3")
def test_the_new_defaults_are_added_and_agency_terms_are_kept():
    agency = [{"code": "immigration", "label": "Immigration enforcement", "terms": ["ice", "operation x"]},
              {"code": "local_ban", "label": "Agency's own", "terms": ["bounty hunter"]}]
    merged = {entry["code"]: entry for entry in migration._merged(agency, defaults.prohibited_purposes())}
    assert merged["immigration"]["terms"][:2] == ["ice", "operation x"]
    assert {"hsi", "overstayed visa", "green card"} <= set(merged["immigration"]["terms"])
    assert merged["local_ban"]["terms"] == ["bounty hunter"]
    assert "gay" in merged["protected_class"]["targets"] and "mosque" in merged["first_amendment"]["places"]
    assert set(defaults.PROHIBITED_CODES) | {"personal"} <= set(merged)
    assert agency[0]["terms"] == ["ice", "operation x"]  # the stored rows are not edited in place
