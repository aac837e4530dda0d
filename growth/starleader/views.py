"""A cohort's shop results, for program staff, beside its staff page."""

from django.shortcuts import get_object_or_404, render

from academy.access import staff_required
from growth.starleader import selectors
from mentorship.starleader import access
from mentorship.starleader.models import Cohort
from mentorship.starleader.views.staff import cohort_csv_response


@staff_required(access.can_run_cohorts)
def results(request, pk):
    """Members' shop results before and after the cohort, beside a comparison group."""
    cohort = get_object_or_404(Cohort, pk=pk)
    comparison = selectors.cohort_results(cohort)
    header, rows = selectors.results_table(comparison)
    if request.GET.get("format") == "csv":
        return cohort_csv_response(cohort, "results", header, rows)
    return render(
        request,
        "growth/starleader/results.html",
        {"cohort": cohort, "comparison": comparison, "table": (header, rows)},
    )
