"""Pages: the LA's schools-at-risk list, a school's risk page, School Report Cards and group scorecards."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse

from schoolsystem.accounts.constants import Role
from schoolsystem.accounts.scope import can_see_casework, is_national, schools_in_scope_words
from schoolsystem.core.errors import ApplicationError, NotFound, PermissionDenied
from schoolsystem.core.exports import csv_response
from schoolsystem.performance import reportcard as rc
from schoolsystem.performance import scorecard as sc
from schoolsystem.performance import selectors, services
from schoolsystem.performance.forms import (
    AtRiskFilterForm,
    MonitoringForm,
    PublicSchoolSearchForm,
    SoftIntelligenceForm,
    WithdrawIntelligenceForm,
)
from schoolsystem.performance.models import Monitoring, SoftIntelligence
from schoolsystem.registry.constants import OPEN_STATUSES
from schoolsystem.registry.models import Establishment
from schoolsystem.registry.pagination import paginate, pagination
from schoolsystem.registry.selectors import text_search


def _case_url(user) -> str | None:
    """The start of the link that opens an improvement case from the risk screen (the URN goes on the end), when
    the improvement app provides it and the user's role opens cases (a trust or school leader would be refused)."""
    from schoolsystem.improvement.selectors import can_change_casework

    if not can_change_casework(user):
        return None
    try:
        return reverse("improvement:case-open") + "?source=risk_screen&urn="
    except NoReverseMatch:
        return None


def _open_cases(user, urns) -> dict[int, tuple[str, str]]:
    """URN -> (link, state) of the open improvement case of each of these schools that `user` may see, in one
    query: the risk screen links to the case instead of offering to open a second one."""
    from schoolsystem.improvement.constants import CaseState
    from schoolsystem.improvement.selectors import cases_for_user

    rows = cases_for_user(user, open_only=True).filter(school__urn__in=list(urns))
    return {
        urn: (reverse("improvement:case-detail", args=[pk]), CaseState(state).label)
        for urn, pk, state in rows.values_list("school__urn", "pk", "state")
    }


def _academy_route(user, school):
    """The school's academy route already under way as casework records it (brokerage sponsor matches, academy
    orders in force), for officers who work its cases; None otherwise. Two queries."""
    from schoolsystem.improvement.selectors import academy_route, can_change_casework

    return academy_route(user, school) if can_change_casework(user) else None


def _deny(exc: ApplicationError):
    """Out of scope is not found (404); a role that may not see the page gets the service's 403 page, with the
    reason (templates/403.html)."""
    if isinstance(exc, NotFound):
        raise Http404(exc.message)
    raise DjangoPermissionDenied(exc.message)


def home(request):
    """The area's landing page: the risk screen (casework roles), report cards, scorecards in the user's area
    and the data the pages are built from. Signed out, the report cards are all there is: straight to them."""
    if not request.user.is_authenticated:
        return redirect("performance:find-school")
    return render(
        request,
        "performance/home.html",
        {
            "risk_screen": can_see_casework(request.user),
            "scope_words": schools_in_scope_words(request.user),
            "scorecards": selectors.scorecards_for_user(request.user),
            "imports": selectors.latest_imports(),
        },
    )


AT_RISK_CSV_HEADER = [
    "URN",
    "School",
    "LA",
    "Type",
    "Phase",
    "Concern",
    "Major flags",
    "Minor flags",
    "Monitored",
    "Reasons",
]


def _at_risk_rows(results) -> Iterator[list]:
    """The CSV rows of the risk screen's results, streamed, with only the columns they show: whole results and
    schools took 3 s for England's 17,000 rows (found at national scale)."""
    fields = ["concern", "majors", "minors", "flags", "establishment__urn", "establishment__name"]
    fields += ["establishment__la__name", "establishment__type_name", "establishment__phase"]
    for r in results.only(*fields).iterator(chunk_size=2000):
        e = r.establishment
        reasons = "; ".join(f"{f['label']}: {f['reason']}" for f in r.flags if f["flag"] != "none")
        monitored = "yes" if r.monitored else ""
        yield [e.urn, e.name, e.la.name, e.type_name, e.phase, r.get_concern_display(), r.majors, r.minors, monitored, reasons]  # fmt: skip


@login_required
def at_risk(request):
    form = AtRiskFilterForm(request.GET or None)
    filters = {k: v for k, v in (form.cleaned_data if form.is_valid() else {}).items() if v}
    # The list opens on the schools of medium or high concern; wider choices show low concern or every school.
    concern = filters.pop("concern", "")
    filters["concern"] = {"": "elevated", "all": ""}.get(concern, concern)
    try:
        results = selectors.at_risk_for_user(request.user, **filters)
    except PermissionDenied as exc:
        return _deny(exc)
    if request.GET.get("format") == "csv":
        return csv_response(
            "schools-at-risk.csv",
            header=AT_RISK_CSV_HEADER,
            rows=_at_risk_rows(results),
        )
    page = paginate(request, results, per_page=50)
    rows = list(page.object_list)
    cases = _open_cases(request.user, (r.establishment.urn for r in rows))
    case_url = _case_url(request.user)
    back = urlencode({"back": request.get_full_path()})  # "Open a case" comes back to this list, as filtered
    for r in rows:
        r.reasons = [f for f in r.flags if f["flag"] != "none"]
        r.case_url = f"{case_url}{r.establishment.urn}&{back}" if case_url else None
        r.open_case = cases.get(r.establishment.urn)
    query = request.GET.copy()
    query.pop("page", None)
    query["format"] = "csv"
    return render(
        request,
        "performance/at_risk.html",
        {
            "form": form,
            "rows": rows,
            "page": page,
            "pagination": pagination(request, page),
            "total": page.paginator.count,
            # Why the list is empty: nothing screened yet, or nothing matching (one more query, only then).
            "screened": selectors.at_risk_for_user(request.user).count() if not page.paginator.count else 0,
            "csv_query": query.urlencode(),
            "concern_rules": selectors.concern_rules_words(),
            # Say whose schools are screened (a school leader's scope is their one school, not an area), and name
            # the wider Concern options by their own labels.
            "scope_words": schools_in_scope_words(request.user),
            "one_school": request.user.role == Role.SCHOOL_LEADER and not is_national(request.user),
            "wider_concerns": [
                label for value, label in form.fields["concern"].choices if value in ("any", "all")
            ],
        },
    )


@login_required
def school_risk(request, urn: int):
    try:
        school = selectors.establishment_for_user(request.user, urn)
    except (NotFound, PermissionDenied) as exc:
        return _deny(exc)
    can_write = selectors.can_record_intelligence(request.user)
    intel_form = SoftIntelligenceForm(prefix="intel")
    withdraw_form = None  # the withdrawal posted, shown with its error in its item's box
    monitor_form = MonitoringForm(prefix="monitor")
    open_monitoring = Monitoring.objects.filter(establishment=school, ended_on__isnull=True).first()
    status = 200
    if request.method == "POST":
        if not can_write:  # before reading the form: a role that may not write is told so, whatever it posted
            return _deny(PermissionDenied("Only local authority and regional officers can do this."))
        action = request.POST.get("action")
        status = 400  # unless it succeeds and redirects
        try:
            if action == "intel":
                intel_form = SoftIntelligenceForm(request.POST, prefix="intel")
                if intel_form.is_valid():
                    with transaction.atomic():  # recorded and re-screened together, or neither
                        services.soft_intelligence_record(
                            establishment=school, by=request.user, **intel_form.cleaned_data
                        )
                        services.risk_screen_run(establishments=[school], by=request.user)
                    messages.success(request, "Intelligence recorded and the school re-screened.")
                    return redirect("performance:school-risk", urn=urn)
            elif action == "withdraw-intel":
                item = _intelligence_item(school, request.POST.get("item"))
                withdraw_form = WithdrawIntelligenceForm(request.POST, item=item)
                if withdraw_form.is_valid():
                    with transaction.atomic():
                        services.soft_intelligence_withdraw(
                            item=item, reason=withdraw_form.cleaned_data["reason"], by=request.user
                        )
                        services.risk_screen_run(establishments=[school], by=request.user)
                    messages.success(request, "Intelligence withdrawn and the school re-screened.")
                    return redirect("performance:school-risk", urn=urn)
            elif action == "monitor":
                monitor_form = MonitoringForm(request.POST, prefix="monitor")
                if monitor_form.is_valid():
                    services.monitoring_start(
                        establishment=school, reason=monitor_form.cleaned_data["reason"], by=request.user
                    )
                    messages.success(request, "School marked for monitoring.")
                    return redirect("performance:school-risk", urn=urn)
            elif action == "end-monitoring" and open_monitoring:
                services.monitoring_end(monitoring=open_monitoring, by=request.user)
                messages.success(request, "Monitoring ended.")
                return redirect("performance:school-risk", urn=urn)
        except PermissionDenied as exc:
            return _deny(exc)
        except ApplicationError as exc:
            target = {"intel": intel_form, "withdraw-intel": withdraw_form}.get(action) or monitor_form
            target.add_error(None, exc.message)
    result = selectors.risk_result_for(school)
    intelligence = list(school.soft_intelligence.select_related("recorded_by", "withdrawn_by")[:50])
    for item in intelligence:
        item.withdraw_form = None
        if can_write and item.withdrawn_on is None:
            posted = withdraw_form is not None and withdraw_form.prefix == f"withdraw-{item.pk}"
            item.withdraw_form = withdraw_form if posted else WithdrawIntelligenceForm(item=item)
    return render(
        request,
        "performance/school_risk.html",
        {
            "school": school,
            "result": result,
            "intelligence": intelligence,
            "withdraw_form": withdraw_form,
            "monitoring": open_monitoring,
            "can_write": can_write,
            "intel_form": intel_form,
            "monitor_form": monitor_form,
            "case_url": f"{case_url}{urn}" if (case_url := _case_url(request.user)) else None,
            "open_case": _open_cases(request.user, [urn]).get(urn),
            "academy_route": _academy_route(request.user, school),
            "concern_rules": selectors.concern_rules_words(result.rule_set if result else None),
        },
        status=status,
    )


def _intelligence_item(school, pk) -> SoftIntelligence:
    """One of the school's items of soft intelligence; 404 for any other id."""
    try:
        return school.soft_intelligence.get(pk=int(pk))
    except (TypeError, ValueError, SoftIntelligence.DoesNotExist) as exc:
        raise Http404("No such item of soft intelligence at this school.") from exc


def find_school(request):
    """Public, no sign-in: find a school by name, URN or postcode and open its report card. Open schools unless
    closed ones are asked for; only what GIAS publishes is shown (no casework, no risk)."""
    form = PublicSchoolSearchForm(request.GET if "q" in request.GET else None)
    context = {"form": form, "page": None}
    if form.is_valid():
        schools = text_search(Establishment.objects.select_related("la"), form.cleaned_data["q"])
        if not form.cleaned_data["closed"]:
            schools = schools.filter(status__in=OPEN_STATUSES)
        page = paginate(request, schools.order_by("name", "urn"), per_page=20)
        context.update(page=page, pagination=pagination(request, page))
    return render(request, "performance/find_school.html", context)


def report_card(request, urn: int):
    try:
        school = selectors.establishment_public(urn)
    except NotFound as exc:
        return _deny(exc)
    card = rc.build(school)
    return render(
        request,
        "performance/report_card.html",
        {"school": school, "card": card, "successor": selectors.open_successor(school)},
    )


def report_card_pdf(request, urn: int):
    try:
        school = selectors.establishment_public(urn)
    except NotFound as exc:
        return _deny(exc)
    pdf = rc.pdf(request, school, rc.build(school))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="report-card-{urn}.pdf"'
    return response


def report_card_csv(request, urn: int):
    try:
        school = selectors.establishment_public(urn)
    except NotFound as exc:
        return _deny(exc)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="report-card-{urn}.csv"'
    rc.write_csv(response, school, rc.build(school))
    return response


@login_required
def scorecard(request, pk: int):
    try:
        group = sc.group_for_user(request.user, pk)
    except (NotFound, PermissionDenied) as exc:
        return _deny(exc)
    card = sc.build(group=group)
    return render(request, "performance/scorecard.html", {"group": group, "card": card})


@login_required
def la_scorecard(request, code: str):
    try:
        la = sc.la_for_user(request.user, code)
    except (NotFound, PermissionDenied) as exc:
        return _deny(exc)
    card = sc.build(la=la)
    return render(request, "performance/scorecard.html", {"group": la, "card": card, "is_la": True})


@login_required
def scorecard_csv(request, pk: int):
    try:
        group = sc.group_for_user(request.user, pk)
    except (NotFound, PermissionDenied) as exc:
        return _deny(exc)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="scorecard-{pk}.csv"'
    sc.write_csv(response, sc.build(group=group))
    return response
