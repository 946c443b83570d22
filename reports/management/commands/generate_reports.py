"""Request (and optionally generate here and now) the reports of recent periods.

    manage.py generate_reports --kind weekly --recent 4 --now
    manage.py generate_reports --demo-history      # what `make run` does

Without --now the reports are queued for the Celery worker. Periods already
reported are left as they are (one report per kind, scope and period)."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from reports import services
from reports.choices import ReportKind, ReportStatus, ScopeKind
from reports.models import Report
from reports.periods import recent_periods
from tracker.models import Initiative

# What the first visitor of a demo finds: a month of weekly reports and two
# monthly ones for the initiative, and last week's for each party.
DEMO_HISTORY = [
    (ReportKind.WEEKLY, 4, False),
    (ReportKind.MONTHLY, 2, False),
    (ReportKind.WEEKLY, 1, True),
]


class Command(BaseCommand):
    help = (
        "Request the reports of recent periods; --now generates them in this process."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--kind",
            choices=[ReportKind.WEEKLY, ReportKind.MONTHLY, ReportKind.QUARTERLY],
            default=ReportKind.WEEKLY,
        )
        parser.add_argument("--recent", type=int, default=1, metavar="N")
        parser.add_argument(
            "--parties", action="store_true", help="also one report per party"
        )
        parser.add_argument(
            "--now", action="store_true", help="generate here, not in the worker"
        )
        parser.add_argument(
            "--demo-history",
            action="store_true",
            help="the demo's recent weekly and monthly reports, generated now",
        )

    def handle(self, *args, **options):
        if options["recent"] < 1:
            raise CommandError("--recent must be at least 1")
        plan = (
            DEMO_HISTORY
            if options["demo_history"]
            else [(options["kind"], options["recent"], options["parties"])]
        )
        now = options["now"] or options["demo_history"]
        today = timezone.localdate()
        for initiative in Initiative.objects.prefetch_related("participations__party"):
            for kind, count, parties in plan:
                scopes = [(ScopeKind.INITIATIVE, None)]
                if parties:
                    scopes += [
                        (ScopeKind.PARTY, p.party)
                        for p in initiative.participations.all()
                    ]
                for start, _end in recent_periods(kind, today, count):
                    for scope, party in scopes:
                        self._one(initiative, kind, scope, party, start, now)

    def _one(self, initiative, kind, scope, party, start, now):
        report, created = services.report_request(
            initiative=initiative,
            kind=kind,
            scope=scope,
            party=party,
            period_start=start,
        )
        if now and report.status != ReportStatus.DONE:
            try:
                services.report_generate(report_id=report.pk)
            except services.ReportAttemptFailed as exc:
                raise CommandError(f"{report}: {exc}") from exc
            report = Report.objects.get(pk=report.pk)
        state = "new" if created else "exists"
        self.stdout.write(f"{report} [{report.get_status_display()}] ({state})")
