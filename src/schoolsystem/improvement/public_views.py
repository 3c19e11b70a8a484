"""The public decision register (seed 003 proposal 7): no sign-in, published decisions only, redactions explicit."""

from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import render

from schoolsystem.core.errors import NotFound
from schoolsystem.core.exports import csv_response
from schoolsystem.improvement import selectors
from schoolsystem.improvement.constants import OUTCOME_DATE_WORDS, PUBLISHED_DECISION_TYPES, REDACTABLE_FIELDS
from schoolsystem.improvement.forms import DecisionSearchForm
from schoolsystem.improvement.services import public_headline, public_redactions, public_values


def _search(request):
    # Every type the register is for is offered, whether or not one is published yet (the intro promises academy
    # orders), and any other type once one is published (accreditation decisions, published from that app).
    types = [*PUBLISHED_DECISION_TYPES, *selectors.published_decision_types()]
    form = DecisionSearchForm(request.GET or None, types=types)
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
    elif form.is_bound:
        # A filter that is not valid: the page says so and lists nothing, rather than everything.
        qs = selectors.published_decisions().none()
    else:
        qs = selectors.published_decisions()
    return form, qs


def register(request):
    return _register_page(request, *_search(request))


def _register_page(request, form, qs):
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    rows = []
    for d in page.object_list:
        values = public_values(d)
        rows.append(
            (
                d,
                {
                    **values,
                    "headline": public_headline(d, values),
                    "date_words": OUTCOME_DATE_WORDS[d.outcome],
                },
            )
        )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "decisions/register.html",
        {"form": form, "page": page, "rows": rows, "query": query.urlencode()},
        status=400 if form.errors else 200,
    )


def detail(request, pk):
    try:
        decision = selectors.published_decision(pk)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    public = public_values(decision)
    redactions = [
        {**r, "label": REDACTABLE_FIELDS.get(r["field"], r["field"])} for r in public_redactions(decision)
    ]
    return render(
        request,
        "decisions/detail.html",
        {
            "decision": decision,
            "public": {
                **public,
                "headline": public_headline(decision, public),
                "date_words": OUTCOME_DATE_WORDS[decision.outcome],
            },
            "redactions": redactions,
        },
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


def _outcome_words(d) -> str:
    words = d.get_outcome_display()
    if d.superseded_by_id:
        words += f" (superseded by {d.superseded_by.reference})"
    return words


def export(request):
    """The register as CSV (UTF-8 with a byte-order mark so spreadsheets open accented names correctly). With a
    filter that is not valid, the register page with its error (an export of everything was not what was asked)."""
    form, qs = _search(request)
    if form.errors:
        return _register_page(request, form, qs)

    def rows():
        for d in qs[:5000]:
            v = public_values(d)
            yield [
                d.reference,
                d.decided_on,
                d.get_decision_type_display(),
                _outcome_words(d),
                d.establishment.urn if d.establishment_id else "",
                d.establishment.name if d.establishment_id else "",
                d.la.name if d.la_id else "",
                public_headline(d, v),
                v["decided_by_name"],
                "; ".join(v["options_considered"]),
                "; ".join(v["criteria"]),
                v["rationale"],
                v["consultation_outcome"],
                "; ".join(
                    f"{REDACTABLE_FIELDS.get(r['field'], r['field'])}: {r['withheld']} ({r['reason']})"
                    for r in public_redactions(d)
                ),
            ]

    return csv_response(
        "decisions.csv",
        header=[
            "Reference",
            "Date (of the decision, deferral or withdrawal)",
            "Type",
            "Outcome",
            "URN",
            "School",
            "Local authority",
            "Decision",
            "Decided by",
            "Options considered",
            "Criteria applied",
            "Rationale",
            "Consultation outcome",
            "Withheld",
        ],
        rows=rows(),
    )
