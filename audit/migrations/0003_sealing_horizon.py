"""Seal late committers for certain, and let verification run in parallel.

Event ids are taken at insert, not at commit, so "seal every unsealed event in the last hour" could
miss a transaction that committed later than that, and rescanned an hour of events every 10 s.
Instead the insert trigger now stamps each event with its transaction id, and each link records the
horizon of its sealing run: the oldest transaction still running when the run began. Every event
below a horizon had committed before that run and was sealed by it, so the next run only needs to
look at events from that horizon on (audit.chain.seal_pending).

`audit_event_digest` is marked PARALLEL SAFE (it is: pure SQL over its argument), and the link
formula gets a SQL twin (`audit_link_hash`), so PostgreSQL can check a million events and links with
parallel workers during verification.
"""
from django.conf import settings
from django.db import migrations, models

STAMP_TXID = """
CREATE OR REPLACE FUNCTION audit_event_set_digest() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.content_hash := audit_event_digest(NEW);
  NEW.txid := pg_current_xact_id()::text::bigint;
  RETURN NEW;
END $$;

ALTER FUNCTION audit_event_digest(audit_auditevent) PARALLEL SAFE;

-- The link formula, as audit.chain.link_hash computes it when sealing; verification uses this one
-- so that a million links are checked in parallel, set-based. Hashes are hex, hence ASCII.
CREATE OR REPLACE FUNCTION audit_link_hash(previous_hash text, event_hash text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT encode(sha256(convert_to(previous_hash || event_hash, 'UTF8')), 'hex')
$$;
"""

UNSTAMP_TXID = """
CREATE OR REPLACE FUNCTION audit_event_set_digest() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.content_hash := audit_event_digest(NEW);
  RETURN NEW;
END $$;

ALTER FUNCTION audit_event_digest(audit_auditevent) PARALLEL UNSAFE;
DROP FUNCTION IF EXISTS audit_link_hash(text, text);
"""


class Migration(migrations.Migration):

    dependencies = [
        ("audit", "0002_append_only_and_digest"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # ADD COLUMN with a default rewrites no row and fires no UPDATE trigger; rows sealed before
        # this migration keep txid 0 and horizon 0, which the sealer reads as "from the beginning".
        migrations.AddField(
            model_name="auditevent",
            name="txid",
            field=models.BigIntegerField(default=0, editable=False),
        ),
        migrations.AddField(
            model_name="auditseal",
            name="horizon",
            field=models.BigIntegerField(default=0),
        ),
        migrations.AddIndex(
            model_name="auditevent",
            index=models.Index(fields=["txid", "id"], name="audit_event_txid_idx"),
        ),
        migrations.RunSQL(STAMP_TXID, UNSTAMP_TXID),
    ]
