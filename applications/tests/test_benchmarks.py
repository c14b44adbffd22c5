"""The benchmark commands run on a small volume and print their figures for every page and build."""

import re
from io import StringIO

import pytest
from django.core.management import call_command

from applications.demo.benchmark_pages import PAGES
from applications.models import Application
from programmes.models import Agency

pytestmark = pytest.mark.django_db


def test_benchmark_pages_times_every_page():
    out = StringIO()

    call_command("benchmark_pages", applications=60, requests=2, stdout=out)

    text = out.getvalue()
    assert "generated 60 applications" in text
    assert "2 requests per page" in text
    for label, *_ in PAGES:
        assert re.search(rf"^{re.escape(label)} +first +[\d.]+ ms \| then median .* queries, ", text, re.M), text


def test_benchmark_pages_reuses_the_volume_data_already_there():
    call_command("benchmark_pages", applications=40, requests=2, stdout=StringIO())
    out = StringIO()

    call_command("benchmark_pages", applications=40, requests=2, reuse=True, stdout=out)

    assert "reusing the volume data: 40 applications" in out.getvalue()
    assert Application.objects.count() == 40


def test_benchmark_reports_times_both_builds_and_leaves_nothing_behind():
    out = StringIO()

    call_command("benchmark_reports", operations=250, stdout=out)

    text = out.getvalue()
    assert "operations: 250" in text
    assert re.search(r"^operations_list XLSX: [\d.]+ s, process maxrss \d+ MB, file [\d.]+ MB, tracemalloc", text, re.M)
    assert re.search(r"^operations_list CSV: [\d.]+ s, .*tracemalloc peak", text, re.M)
    assert text.rstrip().endswith("cleaned up")
    assert not Agency.objects.exists() and not Application.objects.exists()


def test_benchmark_reports_can_skip_the_traced_runs():
    out = StringIO()

    call_command("benchmark_reports", "--operations", "120", "--no-tracemalloc", stdout=out)

    assert "operations_list CSV" in out.getvalue() and "tracemalloc" not in out.getvalue()
