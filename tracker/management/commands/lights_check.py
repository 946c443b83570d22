"""Compare the stored lights with the lights computed from scratch, and the
initiatives' stored task counts with the tasks counted."""

from django.core.management.base import BaseCommand, CommandError

from tracker.services import lights_check, lights_refresh, tally_check, tally_rebuild


class Command(BaseCommand):
    help = (
        "Compare every task's and milestone's stored light with the one computed "
        "from scratch for today; print each difference and exit 1 if there is "
        "any; likewise each initiative's stored task counts (in all and by "
        "light). With --fix, store "
        "the computed ones for the tasks that differ and count the tasks again."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--fix", action="store_true", help="store the computed lights"
        )

    def handle(self, *args, fix=False, **options):
        differences = lights_check()
        for task_id, column, stored, computed in differences:
            self.stdout.write(
                f"task {task_id} {column}: stored {stored!r}, computed {computed!r}"
            )
        tallies = tally_check()
        for what, stored, counted in tallies:
            self.stdout.write(f"{what} tasks: stored {stored}, counted {counted}")
        tasks = sorted({task_id for task_id, *_ in differences})
        if fix and (tasks or tallies):
            if tasks:
                lights_refresh(task_ids=tasks)
                self.stdout.write(f"stored the computed light of {len(tasks)} task(s)")
            if tallies:
                tally_rebuild()
                self.stdout.write("counted every initiative's tasks again")
            return
        if differences or tallies:
            raise CommandError(
                f"{len(differences)} difference(s) in {len(tasks)} task(s), "
                f"{len(tallies)} task count(s) differ",
                returncode=1,
            )
        self.stdout.write(
            "stored lights agree with the computed ones; task counts agree"
        )
