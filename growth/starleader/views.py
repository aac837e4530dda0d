"""A cohort's shop results, for program staff, beside its staff page."""

from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from academy.access import staff_required
from academy.exports import csv_response
from growth.starleader import selectors
from mentorship.starleader import access
from mentorship.starleader.models import Cohort


@staff_required(access.can_run_cohorts)
def results(request, pk):
    """Members' shop results before and after the cohort, beside a comparison group."""
    cohort = get_object_or_404(Cohort, pk=pk)
    comparison = selectors.cohort_results(cohort)
    header, rows = selectors.results_table(comparison)
    if request.GET.get("format") == "csv":
        filename = f"cohort-{cohort.number}-results-{timezone.localdate():%Y%m%d}.csv"
        return csv_response(filename, header, rows)
    return render(
        request,
        "growth/starleader/results.html",
        {"cohort": cohort, "comparison": comparison, "table": (header, rows)},
    )
