"""The public decision register (seed 003 proposal 7): no sign-in, published decisions only, redactions explicit."""

import csv

from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import render

from schoolsystem.core.errors import NotFound
from schoolsystem.improvement import selectors
from schoolsystem.improvement.constants import REDACTABLE_FIELDS
from schoolsystem.improvement.forms import DecisionSearchForm
from schoolsystem.improvement.services import public_redactions, public_values
from schoolsystem.improvement.views import govuk


def _search(request):
    form = DecisionSearchForm(request.GET or None)
    if form.is_bound and form.is_valid():
        cd = form.cleaned_data
        qs = selectors.published_decisions(
            q=cd["q"].strip(),
            school=cd["school"].strip(),
            la=cd["la"].strip(),
            decision_type=cd["decision_type"],
            decided_from=cd["decided_from"],
            decided_to=cd["decided_to"],
        )
    else:
        qs = selectors.published_decisions()
    return form, qs


def register(request):
    form, qs = _search(request)
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    rows = [(d, public_values(d)) for d in page.object_list]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "decisions/register.html",
        {"form": govuk(form), "page": page, "rows": rows, "query": query.urlencode()},
        status=400 if form.errors else 200,
    )


def detail(request, pk):
    try:
        decision = selectors.published_decision(pk)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    redactions = [
        {**r, "label": REDACTABLE_FIELDS.get(r["field"], r["field"])} for r in public_redactions(decision)
    ]
    return render(
        request,
        "decisions/detail.html",
        {"decision": decision, "public": public_values(decision), "redactions": redactions},
    )


def minutes(request, pk):
    try:
        decision = selectors.published_decision(pk)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    if not decision.minutes:
        raise Http404("No minutes attached.")
    return FileResponse(
        decision.minutes.open("rb"), as_attachment=True, filename=decision.minutes.name.rsplit("/", 1)[-1]
    )


def export(request):
    _, qs = _search(request)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="decisions.csv"'
    writer = csv.writer(response)
    writer.writerow(
        [
            "reference",
            "decided_on",
            "type",
            "urn",
            "school",
            "la",
            "subject",
            "decided_by",
            "options_considered",
            "criteria",
            "rationale",
            "consultation_outcome",
            "redactions",
        ]
    )
    for d in qs[:5000]:
        v = public_values(d)
        writer.writerow(
            [
                d.reference,
                d.decided_on,
                d.get_decision_type_display(),
                d.establishment.urn if d.establishment_id else "",
                d.establishment.name if d.establishment_id else "",
                d.la.name if d.la_id else "",
                v["subject"],
                v["decided_by_name"],
                "; ".join(v["options_considered"]),
                "; ".join(v["criteria"]),
                v["rationale"],
                v["consultation_outcome"],
                "; ".join(f"{r['field']}: {r['withheld']} ({r['reason']})" for r in d.redactions),
            ]
        )
    return response
