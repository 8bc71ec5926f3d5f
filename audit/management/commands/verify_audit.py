"""`python manage.py verify_audit`: check the whole audit chain, and that it still passes through every
chain head published on the portal; exit 1 at the first broken link."""
import json

from django.core.management.base import BaseCommand, CommandError

from audit.chain import chain_head, verify_chain


class Command(BaseCommand):
    help = "Verify the audit log's hash chain; print the first broken link and exit non-zero on a break."

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="Print the report as one JSON object.")
        parser.add_argument("--no-seal", action="store_true",
                            help="Verify the chain as it is, without sealing pending events first.")
        parser.add_argument("--expect-head", metavar="POSITION:HASH",
                            help="Also check that the link at POSITION still has HASH, a head kept "
                                 "outside this database (the heads published on the portal are "
                                 "always checked).")

    def handle(self, *args, **options):
        report = verify_chain(seal_first=not options["no_seal"])
        problems = [] if report.ok else [self._describe(report)]
        if options["expect_head"] and report.ok:
            problems += self._check_published(options["expect_head"])
        if options["json"]:
            self.stdout.write(json.dumps({**report.as_dict(), "ok": not problems}))
        elif not problems:
            head = chain_head()
            heads = ("1 published head matches" if report.heads_checked == 1
                     else f"{report.heads_checked} published heads match")
            self.stdout.write(self.style.SUCCESS(
                f"Audit chain intact: {report.rows} links checked in {report.seconds:.2f} s; {heads}."))
            self.stdout.write(f"Head: position {report.rows}, hash {report.head_hash}"
                              + (f", sealed {head.sealed_at.isoformat()}" if head else ""))
        if problems:
            raise CommandError("; ".join(problems), returncode=1)

    @staticmethod
    def _describe(report) -> str:
        where = f"position {report.broken_position}" if report.broken_position else "outside the chain"
        event = f", event {report.broken_event_id}" if report.broken_event_id else ""
        return (f"AUDIT CHAIN BROKEN at {where}{event}: {report.problem}. "
                f"{report.rows} links before it are intact (last good hash {report.head_hash}).")

    @staticmethod
    def _check_published(expected: str) -> list[str]:
        from audit.models import AuditSeal

        position, _, published = expected.partition(":")
        try:
            stored = AuditSeal.objects.values_list("chain_hash", flat=True).get(position=int(position))
        except (ValueError, AuditSeal.DoesNotExist):
            return [f"the published head {expected} is not in the chain"]
        if stored != published.strip().lower():
            return [f"link {position} has hash {stored}, but {published} was published: "
                    "the chain was rewritten from there"]
        return []
