"""Indexes on plate reads for partial, misread-tolerant and place searches (see alpr/selectors.py).

Created on the partitioned parent ``alpr_plateread``: PostgreSQL creates each index on every
existing day partition and on every partition created later. The folding function must stay in
step with ``alpr.plates`` (FOLD_FROM/FOLD_TO); alpr/tests/test_plates.py checks that it does.
"""
from django.db import migrations

FORWARD = """
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE EXTENSION IF NOT EXISTS fuzzystrmatch;
CREATE OR REPLACE FUNCTION alpr_fold_plate(plate text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    AS $$ SELECT translate(plate, 'ODQILBSZG', '000118526') $$;
CREATE INDEX alpr_read_plate_trgm ON alpr_plateread USING gin (plate gin_trgm_ops);
CREATE INDEX alpr_read_folded ON alpr_plateread (alpr_fold_plate(plate) text_pattern_ops, captured_at);
CREATE INDEX alpr_read_folded_reverse ON alpr_plateread (reverse(alpr_fold_plate(plate)) text_pattern_ops);
CREATE INDEX alpr_read_position ON alpr_plateread (latitude, captured_at) WHERE latitude IS NOT NULL;
"""

BACKWARD = """
DROP INDEX IF EXISTS alpr_read_position;
DROP INDEX IF EXISTS alpr_read_folded_reverse;
DROP INDEX IF EXISTS alpr_read_folded;
DROP INDEX IF EXISTS alpr_read_plate_trgm;
DROP FUNCTION IF EXISTS alpr_fold_plate(text);
"""


class Migration(migrations.Migration):

    dependencies = [
        ("searches", "0001_initial"),
        ("alpr", "0001_initial"),
    ]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
