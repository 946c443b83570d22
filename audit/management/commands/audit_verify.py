import re
from itertools import groupby

from django.core.management.base import BaseCommand, CommandError

from audit.sealing import Finding, verify_chain

_EXPECT = re.compile(r"^(\d+):([0-9a-fA-F]{64})$")


def _expectation(value: str) -> tuple[int, str]:
    match = _EXPECT.match(value.strip())
    if not match:
        raise CommandError("--expect takes POSITION:DIGEST (64 hex digits).")
    return int(match[1]), match[2].lower()


def _collapsed(findings: list[Finding]) -> list[str]:
    """One line per finding; a stretch of consecutive positions with the same
    kind in the same table (a table emptied, say) as one line."""
    lines = []
    stretch: list[Finding] = []

    def flush():
        if not stretch:
            return
        if len(stretch) < 3:
            lines.extend(str(f) for f in stretch)
        else:
            first, last = stretch[0], stretch[-1]
            lines.append(
                f"positions {first.position}–{last.position} ({first.table}"
                f" #{first.pgh_id}–#{last.pgh_id}, {len(stretch)} rows):"
                f" {first.kind}: {first.detail}"
            )
        stretch.clear()

    for finding in findings:
        if (
            stretch
            and finding.table is not None
            and finding.last_position is None
            and (finding.kind, finding.table) == (stretch[-1].kind, stretch[-1].table)
            and finding.position == stretch[-1].position + 1
            and finding.kind in ("missing",)
        ):
            stretch.append(finding)
            continue
        flush()
        if finding.table is not None and finding.kind == "missing":
            stretch.append(finding)
        else:
            lines.append(str(finding))
    flush()
    return lines


class Command(BaseCommand):
    help = (
        "Recompute every sealed audit event's digest and the hash chain from the "
        "genesis, check the chain heads kept outside the database (anchor file, "
        "reports), and list every finding; exit 1 if there is any."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--quiet", action="store_true", help="print nothing unless it fails"
        )
        parser.add_argument(
            "--expect",
            metavar="POSITION:DIGEST",
            type=_expectation,
            help="one more chain digest kept outside the system: the ledger must "
            "reach POSITION with exactly this DIGEST",
        )

    def handle(self, *args, quiet, expect, **options):
        result = verify_chain(expect=expect)
        if not result.ok:
            counts = ", ".join(
                f"{len(list(group))} {kind}"
                for kind, group in groupby(sorted(f.kind for f in result.findings))
            )
            lines = "\n".join(f"  {line}" for line in _collapsed(result.findings))
            raise CommandError(
                f"Audit chain verification FAILED: {len(result.findings)} findings"
                f" ({counts}).\n{lines}\n"
                f"The ledger has {result.verified} positions; {result.intact} before"
                f" the first finding are intact. {result.anchors} digests kept"
                " outside were checked."
            )
        if quiet:
            return
        self.stdout.write(
            f"Verified {result.verified} events; latest chain digest "
            f"{result.chain_digest} at position {result.verified}; "
            f"{result.anchors} digests kept outside agree."
        )
        if result.direct_changes:
            self.stdout.write(
                f"{result.direct_changes} events are direct database changes"
                " (no application context): the admin shows who made them."
            )
        if result.unsealed:
            # Not a failure: they are sealed at the next run (hourly).
            self.stdout.write(
                f"{result.unsealed} events are not sealed yet (the next seal "
                "takes them)."
            )
