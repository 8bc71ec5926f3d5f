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


@pytest.mark.rule("USE-3")
@pytest.mark.parametrize("bad", ["ice", ["ice", ""], ["ice", 3]])
def test_a_vocabulary_list_that_is_not_a_list_of_words_is_refused(bad):
    from django.core.exceptions import ValidationError

    from policy.models import AgencyPolicy

    purposes = defaults.prohibited_purposes()
    purposes[1]["terms"] = bad  # a string would be read letter by letter
    with pytest.raises(ValidationError, match="terms of immigration must be a list of words"):
        AgencyPolicy(prohibited_purposes=purposes).clean()
