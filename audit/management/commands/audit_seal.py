from django.core.management.base import BaseCommand

from audit.sealing import seal_new_events


class Command(BaseCommand):
    help = "Seal the audit events not yet in the hash chain (what beat runs hourly)."

    def add_arguments(self, parser):
        parser.add_argument("--quiet", action="store_true", help="print nothing")

    def handle(self, *args, quiet, **options):
        result = seal_new_events()
        if result.refused:
            self.stderr.write(
                f"Refused {result.refused} history rows that cannot be genuine; "
                "run audit_verify to see them."
            )
        if not quiet:
            self.stdout.write(
                f"Sealed {result.sealed} events; the chain is at position "
                f"{result.position}, digest {result.chain_digest}."
            )
