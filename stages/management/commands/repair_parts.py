"""Find parts whose row disagrees with their log, and (with --repair) mend each from its log
through the write path, with a history row saying what changed."""

from django.core.management.base import BaseCommand

from stages import services
from stages.models import Move, Part


class Command(BaseCommand):
    help = (
        "List the parts whose position or version disagrees with their log of moves; with "
        "--repair, set each from its log (the log is the record of decisions)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--repair", action="store_true", help="Mend the parts found, not only list them."
        )

    def handle(self, *, repair, **options):
        # Every part's fold of its log, a batch at a time, in bounded memory.
        ids = list(Part.objects.order_by("pk").values_list("pk", flat=True))
        found = 0
        for start in range(0, len(ids), 500):
            batch = ids[start : start + 500]
            moves = {}
            for move in (
                Move.objects.filter(part_id__in=batch)
                .select_related("to_stage")
                .order_by("part_id", "seq")
            ):
                moves.setdefault(move.part_id, []).append(move)
            for part in Part.objects.filter(pk__in=batch).select_related("innovation"):
                log = moves.get(part.pk)
                if not log:
                    self.stdout.write(f"{part} ({part.innovation}): no moves at all; left alone")
                    continue
                wrong = services.disagreements(part, log)
                if not wrong:
                    continue
                found += 1
                words = "; ".join(f"{name}: row {row}, log {folded}" for name, row, folded in wrong)
                if repair:
                    services.repair_part(part)
                    self.stdout.write(f"Repaired {part} ({part.innovation}): {words}")
                else:
                    self.stdout.write(f"Disagrees: {part} ({part.innovation}): {words}")
        if not found:
            self.stdout.write("Every part agrees with its log.")
        elif not repair:
            self.stdout.write(f"{found} part(s) disagree. Run with --repair to mend them.")
