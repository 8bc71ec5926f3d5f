"""`python manage.py compliance_matrix`: every rule, where the code enforces it, which tests prove it."""
import json

from django.core.management.base import BaseCommand, CommandError

from core.compliance import REQUIREMENTS, ROOT, as_markdown, build_matrix

MARKDOWN_OUT = ROOT / "docs" / "compliance.md"


class Command(BaseCommand):
    help = ("Print, for every rule of docs/REQUIREMENTS.md, where it is enforced and which tests prove it "
            "(META-1). Rules with no test are marked.")
    requires_system_checks = []

    def add_arguments(self, parser):
        output = parser.add_mutually_exclusive_group()
        output.add_argument("--json", action="store_true",
                            help="Print a JSON list of {rule, title, enforced_in, tests} and nothing else.")
        output.add_argument("--markdown", action="store_true",
                            help=f"Write the matrix to {MARKDOWN_OUT.relative_to(ROOT)} and print it.")
        parser.add_argument("--strict", action="store_true", help="Exit 1 if any rule has no test.")

    def handle(self, *args, **options):
        if not REQUIREMENTS.exists():
            raise CommandError(f"{REQUIREMENTS} is missing: the project keeps its own copy of the rules.")
        rows = build_matrix()
        if options["json"]:
            self.stdout.write(json.dumps([row.as_dict() for row in rows], indent=1))
        elif options["markdown"]:
            text = as_markdown(rows)
            MARKDOWN_OUT.write_text(text, encoding="utf-8")
            self.stdout.write(text)
        else:
            self._print_table(rows)
        untested = [row.rule.id for row in rows if not row.tests]
        if options["strict"] and untested:
            raise CommandError(f"{len(untested)} rule(s) have no test: {', '.join(untested)}")

    def _print_table(self, rows) -> None:
        for row in rows:
            status = self.style.SUCCESS("proven") if row.tests else self.style.ERROR("NO TEST")
            self.stdout.write(f"{row.rule.id:7} {status}  {row.rule.title[:90]}")
            for place in row.enforced_in:
                self.stdout.write(f"          enforced in  {place}")
            if not row.enforced_in:
                self.stdout.write("          enforced in  (not marked)")
            for test in row.tests:
                self.stdout.write(f"          proven by    {test}")
        proven = sum(1 for row in rows if row.tests)
        self.stdout.write(f"\n{proven} of {len(rows)} rules are proven by at least one test.")
