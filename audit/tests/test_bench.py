"""`manage.py bench_audit` on a small scale: concurrent writers, the sealer, a filled chain, verified."""
import json

import pytest
from django.core.management import call_command


@pytest.mark.rule("AUD-2")
@pytest.mark.django_db(transaction=True)
def test_the_benchmark_appends_seals_and_verifies_an_intact_chain(capsys):
    call_command("bench_audit", "--writers", "4", "--events", "40", "--verify-rows", "100", "--threads")
    result = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert result["appends"] == 40 and result["appends_per_s"] > 0
    assert (result["verify_rows"], result["chain_ok"], result["forks"], result["gaps"]) == (100, True, 0, 0)
    assert len(result["load_1min"]) == 2
