"""Time what keeping the values as read (portal.saving.SavesWhatChanged) costs a read of rows."""

import time

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import models

from portal.saving import SavesWhatChanged


class Command(BaseCommand):
    help = (
        "Read the rows of every model that keeps its values as read, as they are in the database, with and "
        "without keeping them; prints microseconds per row (the best of several runs)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--rows", type=int, default=5_000, help="at most this many rows of each model")
        parser.add_argument("--runs", type=int, default=7)

    def handle(self, *args, rows, runs, **options):
        for model in apps.get_models():
            if not issubclass(model, SavesWhatChanged):
                continue
            queryset = model._base_manager.order_by("pk")[:rows]
            count = len(list(queryset))
            if not count:
                self.stdout.write(f"{model._meta.label}: no rows")
                continue
            kept = self._best(queryset, runs) / count
            model.from_db = classmethod(models.Model.from_db.__func__)  # as Django reads a row
            try:
                plain = self._best(queryset, runs) / count
            finally:
                del model.from_db
            self.stdout.write(
                f"{model._meta.label}: {count} rows, {kept * 1e6:.1f} µs a row keeping the values read, "
                f"{plain * 1e6:.1f} µs without (+{(kept - plain) * 1e6:.1f} µs)"
            )

    @staticmethod
    def _best(queryset, runs) -> float:
        best = float("inf")
        for _ in range(runs):
            started = time.perf_counter()
            list(queryset.all())
            best = min(best, time.perf_counter() - started)
        return best
