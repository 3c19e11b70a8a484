"""Pages of the accreditation app. Views parse input, call one service, and show domain errors as GOV.UK
error summaries; selectors decide who sees what (out-of-scope proposals are 404)."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from schoolsystem.accounts.constants import Role
from schoolsystem.accreditation import constants as c
from schoolsystem.accreditation import forms as f
from schoolsystem.accreditation import selectors, services
from schoolsystem.accreditation.constants import Status
from schoolsystem.core.errors import ApplicationError, NotFound
from schoolsystem.core.pages import apply_error

# A service's name for an input -> the page field that holds it, when they differ (e.g. the one text box).
FIELD_ALIASES = {"request": "text", "response": "text", "feedback": "text", "note": "text", "reason": "note"}


def _errors(form, exc: ApplicationError | None = None) -> list[tuple[str, str]]:
    """[(link target, message)] for the error summary, GOV.UK style: one entry per error of `form`, each naming
    its field. A service's error `exc` is put on the form first (core.pages.apply_error), so its messages also
    show beside their fields."""
    if exc is not None:
        apply_error(form, exc, aliases=FIELD_ALIASES)
    return [
        ("#main-content" if name == NON_FIELD_ERRORS else f"#id_{name}", message)
        for name, messages in form.errors.items()
        for message in messages
    ]


def _submit(form, call) -> list[tuple[str, str]]:
    """Validate `form`, then `call(cleaned_data)` (one service call). The error-summary entries, or [] if it
    worked."""
    if not form.is_valid():
        return _errors(form)
    try:
        call(form.cleaned_data)
    except ApplicationError as exc:
        return _errors(form, exc)
    return []


def _app_or_404(request, pk):
    try:
        return selectors.application_for_user(request.user, pk)
    except NotFound as exc:
        raise Http404(exc.message) from None


def _is(user, *roles) -> bool:
    return user.is_superuser or user.role in roles


# --- home and register --------------------------------------------------------------------------------------


@login_required
def home(request):
    queue = selectors.queue_for_user(request.user)
    organisation = selectors.organisation_for_user(request.user)
    refusals = selectors.start_refusals(organisation) if organisation else {}
    context = {
        "queue": queue,
        "organisation": organisation,
        "start_refusals": selectors.start_refusal_texts(refusals),
        # The start button only while some type of accreditation can still be applied for.
        "can_start": len(refusals) < len(c.AccreditationType.values),
    }
    if _is(request.user, Role.ASSESSOR):
        context["conflict_form"] = f.ConflictForm()
        context["conflicts"] = request.user.accreditation_conflicts.select_related("organisation")
    return render(request, "accreditation/home.html", context)


def register(request):
    """Public register of accredited providers (no sign-in)."""
    params = {k: request.GET.get(k, "").strip() for k in ("type", "phase", "la", "name")}
    providers = selectors.public_register(
        accreditation_type=params["type"], phase=params["phase"], la_code=params["la"], name=params["name"]
    )
    providers = list(providers)
    labels = dict(c.Phase.choices)
    area_choices = selectors.register_areas()
    areas = dict(area_choices)
    for a in providers:
        a.phase_text = ", ".join(labels.get(p, p) for p in a.phases)
        a.area_text = ", ".join(areas.get(code, code) for code in a.la_codes)
    suspended = selectors.register_queryset(status=c.AccreditationStatus.SUSPENDED)
    return render(
        request,
        "accreditation/register.html",
        {
            "providers": providers,
            "suspended": suspended,
            "params": params,
            "types": c.AccreditationType.choices,
            "phases": c.Phase.choices,
            "areas": area_choices,
            "phase_labels": dict(c.Phase.choices),
        },
    )


# --- organisation and starting a proposal -------------------------------------------------------------------


def _organisation_values(d: dict) -> dict:
    """The organisation form's cleaned data as the organisation services take it."""
    return {
        "name": d["name"],
        "org_type": d["org_type"],
        "establishment": d["establishment_urn"],
        "group": d["group_uid"],
        "national_support_school": d["national_support_school"],
        "denomination": d["denomination"],
        "diocese": d["diocese"],
    }


@login_required
@require_http_methods(["GET", "POST"])
def organisation_new(request):
    if not _is(request.user, Role.APPLICANT) or selectors.organisation_for_user(request.user):
        raise Http404("Not available.")
    form = f.OrganisationForm(request.POST or None)
    errors = []
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            with transaction.atomic():  # the organisation with its first member, or neither
                org = services.organisation_create(**_organisation_values(d), by=request.user)
                services.organisation_add_member(organisation=org, user=request.user, by=request.user)
            messages.success(request, f"{org.name} is registered.")
            return redirect("accreditation:home")
        except ApplicationError as exc:
            errors = _errors(form, exc)
    errors = errors or _errors(form)
    return render(
        request,
        "accreditation/form.html",
        {"form": form, "errors": errors, "title": "Register your organisation"},
        status=400 if errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def application_new(request):
    organisation = selectors.organisation_for_user(request.user)
    if organisation is None:
        if _is(request.user, Role.APPLICANT):
            return redirect("accreditation:organisation-new")
        raise Http404("Only applicants start proposals.")
    refusals = selectors.start_refusals(organisation)
    if len(refusals) == len(c.AccreditationType.values):
        # Nothing can be applied for: say why, as the home page does, instead of the form (nothing is started).
        return render(
            request,
            "accreditation/form.html",
            {
                "form": None,
                "title": "You cannot start a proposal now",
                "intro": selectors.start_refusal_texts(refusals),
                "back_home": True,
            },
            status=400 if request.method == "POST" else 200,
        )
    form = f.StartForm(request.POST or None, open_round=selectors.open_round(), refusals=refusals)
    errors = []
    if request.method == "POST" and form.is_valid():
        try:
            app = services.application_start(
                organisation=organisation,
                accreditation_type=form.cleaned_data["accreditation_type"],
                round=form.cleaned_data["round"],
                by=request.user,
            )
            return redirect("accreditation:application", pk=app.pk)
        except ApplicationError as exc:
            errors = _errors(form, exc)
    errors = errors or _errors(form)
    return render(
        request,
        "accreditation/form.html",
        {
            "form": form,
            "errors": errors,
            "title": f"Apply for accreditation: {organisation.name}",
            "intro": selectors.start_refusal_texts(refusals),
        },
        status=400 if errors else 200,
    )


# --- the proposal page --------------------------------------------------------------------------------------


SHORT_EVIDENCE_WORDS = 20  # evidence shorter than this is flagged on the check-and-submit page


def _tasks(app, eligibility=None) -> list[dict]:
    """The proposal's task list: its details, then each part of the evidence its eligibility asks for
    (`eligibility`: `selectors.eligibility_for(app)`, when the caller has it already)."""
    eligibility = eligibility or selectors.eligibility_for(app)
    words = {e.criterion: len(e.text.split()) for e in app.evidence.all()}
    have = set(words)
    tasks = [
        {
            "kind": "details",
            "label": "Details of the proposal",
            "url": reverse("accreditation:details", args=[app.pk]),
            "done": bool(app.phases and app.la_codes),
        }
    ]
    for criterion in eligibility.required_evidence:
        tasks.append(
            {
                "kind": "evidence",
                "label": c.Criterion(criterion.value).label,
                "url": reverse("accreditation:evidence", args=[app.pk, criterion.value]),
                "done": criterion.value in have,
                # A few words are allowed (the service asks only for some), but worth a second look before the
                # assessor scores them (found in review: "x" read as a completed part one).
                "short": criterion.value in have and words[criterion.value] < SHORT_EVIDENCE_WORDS,
                "words": words.get(criterion.value, 0),
            }
        )
    return tasks


@dataclass(frozen=True)
class _Action:
    """One action on the application page: its form, what the success banner says it did, and the label of the
    one text box of a text action."""

    form: type
    done: str
    label: str = ""


ACTIONS = {
    "assign": _Action(f.AssignForm, "Assessor assigned"),
    "score": _Action(f.ScoresForm, "Scores saved"),
    "request_information": _Action(
        f.TextForm, "Request for information sent to the applicant", "What information do you need?"
    ),
    "provide_information": _Action(
        f.TextForm, "Information sent to the assessor", "The information requested"
    ),
    "recommend": _Action(f.RecommendForm, "Recommendation recorded"),
    "advisory_review": _Action(f.TextForm, "Advisory group's view recorded", "The advisory group's view"),
    "decide": _Action(f.DecideForm, "Decision recorded"),
    "write_feedback": _Action(f.TextForm, "Feedback saved", "Feedback"),
    "review_feedback": _Action(f.FeedbackReviewForm, "Feedback review recorded"),
    "complain": _Action(f.TextForm, "Complaint sent", "Your concerns about the assessment"),
    "withdraw": _Action(f.TextForm, "Proposal withdrawn", "Reason for withdrawing"),
    "arrangement": _Action(f.ArrangementForm, "Out-of-round arrangement recorded"),
}


def _action_form(action: str, app, data=None, **kwargs):
    """The form of `action` on `app`'s page, blank or bound to `data`: a text action's box has its label, and
    the assessor list leaves out assessors with a conflict of interest with the organisation."""
    spec = ACTIONS[action]
    if spec.form is f.TextForm:
        kwargs["label"] = spec.label
    elif spec.form is f.AssignForm:
        kwargs["organisation"] = app.organisation
    return spec.form(data, **kwargs)


def _detail_context(
    request, app, *, bound: dict | None = None, complaint_bound: dict | None = None, **extra
) -> dict:
    """`bound`: {action: the form as posted}, shown instead of a blank one (with its errors);
    `complaint_bound`: {complaint pk: its review or answer box as posted}."""
    user = request.user
    is_applicant = _is(user, Role.APPLICANT) and not user.is_superuser
    can_assess = _is(user, Role.ASSESSOR) and (user.is_superuser or app.assessor_id == user.pk)
    open_request = next((r for r in app.information_requests.all() if r.answered_on is None), None)
    scores = {s.heading: s for s in app.scores.all()}
    initial = {}
    for h in c.Heading.values:
        if h in scores:
            initial[f"score-{h}"], initial[f"notes-{h}"] = scores[h].score, scores[h].notes
    ctx = {
        "app": app,
        "status_label": Status(app.status).label,
        **_areas(app),
        "schools_led": selectors.schools_led_check(app),
        "clock": selectors.clock_for(app),
        "is_applicant": is_applicant,
        "can_assess": can_assess,
        "see_scores": not is_applicant,
        "scores": [(label, scores.get(h)) for h, label in c.Heading.choices],
        "open_request": open_request,
        "evidence": [(c.Criterion(e.criterion).label, e) for e in app.evidence.all()],
        "tasks": _tasks(app) if is_applicant and app.is_editable else [],
        "forms": {
            "assign": _action_form("assign", app)
            if _is(user, Role.DECISION_MAKER) and app.status in {Status.SUBMITTED, Status.IN_ASSESSMENT}
            else None,
            "scores": f.ScoresForm(initial=initial)
            if can_assess and app.status in {Status.IN_ASSESSMENT, Status.AWAITING_INFORMATION}
            else None,
            "request_information": _action_form("request_information", app)
            if can_assess and app.status == Status.IN_ASSESSMENT
            else None,
            "recommend": f.RecommendForm() if can_assess and app.status == Status.IN_ASSESSMENT else None,
            "provide_information": _action_form("provide_information", app)
            if is_applicant and open_request
            else None,
            "advisory_review": _action_form("advisory_review", app)
            if _is(user, Role.ADVISORY_GROUP) and app.status == Status.ADVISORY_REVIEW
            else None,
            "decide": f.DecideForm(initial={"capacity": app.proposed_capacity})
            if _is(user, Role.DECISION_MAKER) and app.status == Status.AWAITING_DECISION
            else None,
            "write_feedback": _action_form("write_feedback", app, initial={"text": app.feedback})
            if can_assess and app.status == Status.NOT_ACCREDITED
            else None,
            "review_feedback": f.FeedbackReviewForm()
            if _is(user, Role.ADVISORY_GROUP) and app.status == Status.FEEDBACK_REVIEW
            else None,
            "complain": _action_form("complain", app)
            if is_applicant and app.status == Status.FEEDBACK_RELEASED
            else None,
            "withdraw": is_applicant and app.status in c.TRANSITIONS[c.Action.WITHDRAW][0],
            "arrangement": f.ArrangementForm(
                initial={"agreed_by": app.out_of_round_agreed_by, "agreed_on": app.out_of_round_agreed_on}
            )
            if _is(user, Role.DECISION_MAKER) and not app.is_editable and app.out_of_round_reason
            else None,
        },
        "show_feedback": (not is_applicant and app.feedback) or app.status == Status.FEEDBACK_RELEASED,
        "complaints": _complaints_with_forms(
            app, answering=_is(user, Role.DECISION_MAKER), bound=complaint_bound or {}
        ),
    }
    for action, form in (bound or {}).items():
        key = "scores" if action == "score" else action
        if isinstance(ctx["forms"].get(key), f.forms.Form):
            ctx["forms"][key] = form
    ctx.update(extra)
    return ctx


@login_required
def application_detail(request, pk):
    app = _app_or_404(request, pk)
    return render(request, "accreditation/application.html", _detail_context(request, app))


COMPLAINT_BOXES = {"review": "Review note", "answer": "Answer to the applicant"}  # action -> the box's label


def _complaint_form(complaint, data=None, action: str = "") -> f.TextForm:
    """The decision maker's box for an open complaint: a review note while lodged, then the answer (ids made
    unique per complaint)."""
    action = action or ("review" if complaint.status == "lodged" else "answer")
    form = f.TextForm(data, auto_id=f"complaint-{complaint.pk}-%s", label=COMPLAINT_BOXES[action])
    form.fields["text"].widget.attrs["rows"] = 3
    return form


def _complaints_with_forms(app, *, answering: bool, bound: dict) -> list:
    """The application's complaints; for the decision maker, each open one carries its box (`complaint.form`),
    the one posted (`bound`, by complaint pk) with what was typed and its error."""
    complaints = list(app.complaints.all())
    for complaint in complaints:
        complaint.form = None
        if answering and complaint.status != "answered":
            complaint.form = bound.get(complaint.pk) or _complaint_form(complaint)
    return complaints


def _text(form) -> str:
    return form.cleaned_data.get("text", "") if form.is_valid() else ""


def _run(action: str, app, form, user):
    d = form.cleaned_data
    if action == "assign":
        return services.application_assign_assessor(application=app, assessor=d["assessor"], by=user)
    if action == "score":
        for heading in c.Heading.values:
            score = d.get(f"score-{heading}")
            if score not in (None, ""):
                services.score_record(
                    application=app,
                    heading=heading,
                    score=score,
                    notes=d.get(f"notes-{heading}", ""),
                    by=user,
                )
        return app
    if action == "request_information":
        return services.information_request(application=app, request=d["text"], by=user)
    if action == "provide_information":
        return services.information_provide(application=app, response=d["text"], by=user)
    if action == "recommend":
        return services.application_recommend(
            application=app, recommendation=d["recommendation"], note=d["note"], by=user
        )
    if action == "advisory_review":
        return services.application_advisory_review(application=app, note=d["text"], by=user)
    if action == "decide":
        return services.application_decide(
            application=app,
            accredit=d["outcome"] == "accredit",
            note=d["note"],
            capacity=d.get("capacity"),
            review_due_on=d.get("review_due_on"),
            by=user,
        )
    if action == "write_feedback":
        return services.feedback_write(application=app, feedback=d["text"], by=user)
    if action == "review_feedback":
        return services.feedback_review(
            application=app, release=d["outcome"] == "release", note=d["note"], by=user
        )
    if action == "complain":
        return services.complaint_lodge(application=app, text=d["text"], by=user)
    if action == "withdraw":
        return services.application_withdraw(application=app, reason=d.get("text", ""), by=user)
    if action == "arrangement":
        return services.application_record_arrangement(
            application=app, agreed_by=d["agreed_by"], agreed_on=d["agreed_on"], by=user
        )
    raise Http404("No such action.")


@login_required
@require_POST
def application_action(request, pk, action):
    app = _app_or_404(request, pk)
    if action not in ACTIONS:
        raise Http404("No such action.")
    form = _action_form(action, app, request.POST)
    if form.is_valid():
        try:
            _run(action, app, form, request.user)
            messages.success(request, f"{ACTIONS[action].done}: {app.reference}")
            return redirect("accreditation:application", pk=app.pk)
        except ApplicationError as exc:
            errors = _errors(form, exc)
    else:
        errors = _errors(form)
    app = _app_or_404(request, pk)
    return render(
        request,
        "accreditation/application.html",
        _detail_context(request, app, bound={action: form}, errors=errors),
        status=400,
    )


# --- editing a draft ----------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def application_details(request, pk):
    app = _app_or_404(request, pk)
    initial = {name: getattr(app, name) for name in f.DetailsForm.base_fields}
    initial["la_codes"] = ", ".join(app.la_codes)
    form = f.DetailsForm(request.POST or None, initial=initial)
    # The applicant sees what the register says beside its own number (not a bar: the register may be behind).
    led = form.fields["schools_led_in_formal_partnership"]
    led.help_text = selectors.schools_led_check(app)["shown"]
    errors = []
    if request.method == "POST":
        if form.is_valid():
            try:
                services.application_update_details(application=app, by=request.user, **form.cleaned_data)
                messages.success(request, "Details saved.")
                return redirect("accreditation:application", pk=app.pk)
            except ApplicationError as exc:
                errors = _errors(form, exc)
        else:
            errors = _errors(form)
    return render(
        request,
        "accreditation/form.html",
        {
            "form": form,
            "errors": errors,
            "title": "Details of the proposal",
            "app": app,
            "local_authorities": selectors.local_authorities(),
        },
        status=400 if errors else 200,
    )


def _guidance(app, criterion: str) -> list[str]:
    org = app.organisation
    sector = (
        "non_educational"
        if not org.is_educational
        else "school"
        if org.establishment_id or org.org_type.startswith(("maintained", "independent"))
        else "trust"
    )
    texts = c.GUIDANCE.get(criterion, {})
    return [t for key, t in texts.items() if key in ("all", sector)]


@login_required
@require_http_methods(["GET", "POST"])
def evidence_edit(request, pk, criterion):
    app = _app_or_404(request, pk)
    if criterion not in c.Criterion.values:
        raise Http404("No such section.")
    existing = next((e for e in app.evidence.all() if e.criterion == criterion), None)
    form = f.EvidenceForm(request.POST or None, initial={"text": existing.text if existing else ""})
    errors = []
    if request.method == "POST":
        errors = _submit(
            form,
            lambda d: services.evidence_save(
                application=app, criterion=criterion, text=d["text"], by=request.user
            ),
        )
        if not errors:
            messages.success(request, "Evidence saved.")
            return redirect("accreditation:application", pk=app.pk)
    return render(
        request,
        "accreditation/form.html",
        {
            "form": form,
            "errors": errors,
            "title": c.Criterion(criterion).label,
            "app": app,
            "guidance": _guidance(app, criterion),
            "attachment_form": f.AttachmentForm(initial={"criterion": criterion}),
        },
        status=400 if errors else 200,
    )


@login_required
@require_POST
def partner_add(request, pk):
    app = _app_or_404(request, pk)
    form = f.PartnerForm(request.POST)
    errors = _submit(form, lambda d: services.partner_add(application=app, by=request.user, **d))
    if not errors:
        return redirect("accreditation:partners", pk=app.pk)
    return render(
        request, "accreditation/partners.html", {"app": app, "form": form, "errors": errors}, status=400
    )


@login_required
def partners(request, pk):
    app = _app_or_404(request, pk)
    return render(request, "accreditation/partners.html", {"app": app, "form": f.PartnerForm()})


@login_required
@require_POST
def partner_remove(request, pk, partner_pk):
    app = _app_or_404(request, pk)
    partner = next((p for p in app.partners.all() if p.pk == partner_pk), None)
    if partner is None:
        raise Http404("No such partner.")
    try:
        services.partner_remove(partner=partner, by=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect("accreditation:partners", pk=app.pk)


@login_required
@require_http_methods(["GET", "POST"])
def attachments(request, pk):
    app = _app_or_404(request, pk)
    form = f.AttachmentForm(request.POST or None, request.FILES or None)
    errors = []
    if request.method == "POST":
        errors = _submit(
            form,
            lambda d: services.attachment_add(
                application=app, upload=d["file"], criterion=d["criterion"], by=request.user
            ),
        )
        if not errors:
            messages.success(request, "File attached.")
            return redirect("accreditation:attachments", pk=app.pk)
    return render(
        request,
        "accreditation/attachments.html",
        {"app": app, "form": form, "errors": errors},
        status=400 if errors else 200,
    )


@login_required
def attachment_download(request, pk, attachment_pk):
    app = _app_or_404(request, pk)
    att = next((a for a in app.attachments.all() if a.pk == attachment_pk), None)
    if att is None:
        raise Http404("No such file.")
    return FileResponse(att.file.open("rb"), as_attachment=True, filename=att.original_name)


@login_required
@require_POST
def attachment_remove(request, pk, attachment_pk):
    app = _app_or_404(request, pk)
    att = next((a for a in app.attachments.all() if a.pk == attachment_pk), None)
    if att is None:
        raise Http404("No such file.")
    try:
        services.attachment_remove(attachment=att, by=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect("accreditation:attachments", pk=app.pk)


@login_required
@require_http_methods(["GET", "POST"])
def application_submit(request, pk):
    app = _app_or_404(request, pk)
    errors = []
    if request.method == "POST":
        try:
            app = services.application_submit(application=app, by=request.user)
            if app.status == Status.INELIGIBLE:
                messages.error(
                    request, "Your organisation is not eligible for this accreditation: see the reasons."
                )
            else:
                messages.success(request, "Proposal submitted. It can no longer be changed.")
            return redirect("accreditation:application", pk=app.pk)
        except ApplicationError as exc:
            gaps = exc.extra.get("errors") or {}
            errors = [(_gap_link(app, name), m) for name, messages in gaps.items() for m in messages] or [
                ("#main-content", exc.message)
            ]
    app = _app_or_404(request, pk)
    eligibility = selectors.eligibility_for(app)
    return render(
        request,
        "accreditation/submit.html",
        {
            "app": app,
            "errors": errors,
            "eligibility": eligibility,
            # What is about to be submitted, each answer with a link to change it (GOV.UK's check answers pattern;
            # found in review: the page had nothing to check).
            **_areas(app),
            "evidence_tasks": [t for t in _tasks(app, eligibility) if t["kind"] == "evidence"],
            "n_attachments": app.attachments.count(),
            "n_partners": app.partners.count(),
            # Each thing still to do links to the page (and field) where it is done.
            "gaps": [
                (_gap_link(app, name), message)
                for name, gap_messages in services.completeness_errors(app).items()
                for message in gap_messages
            ],
        },
        status=400 if errors else 200,
    )


def _gap_link(app, name: str) -> str:
    """Where to fix a gap the submit page lists (`name`: the service's name for it): the evidence page or the
    details page, not this page."""
    if name.startswith("evidence-"):
        return reverse("accreditation:evidence", args=[app.pk, name.removeprefix("evidence-")])
    if name in f.DetailsForm.base_fields:
        return reverse("accreditation:details", args=[app.pk]) + f"#id_{name}"
    return f"#id_{name}"


# --- complaints, conflicts, the pool -------------------------------------------------------------------------


@login_required
@require_POST
def complaint_action(request, pk, action):
    try:
        complaint = selectors.complaint_for_user(request.user, pk)
    except NotFound as exc:
        raise Http404(exc.message) from None
    if action not in COMPLAINT_BOXES:
        raise Http404("No such action.")
    form = _complaint_form(complaint, request.POST, action)
    if form.is_valid():
        text = form.cleaned_data["text"]
        try:
            if action == "review":
                services.complaint_review(complaint=complaint, note=text, by=request.user)
                done = "Complaint review started"
            else:
                services.complaint_answer(complaint=complaint, answer=text, by=request.user)
                done = "Answer sent to the applicant"
            messages.success(request, f"{done}: {complaint.application.reference}")
            return redirect("accreditation:application", pk=complaint.application_id)
        except ApplicationError as exc:
            apply_error(form, exc, aliases={**FIELD_ALIASES, "answer": "text"})
    # Over the length limit, or refused: the page again with what was typed, the error beside the box.
    errors = [(f"#complaint-{complaint.pk}-text", m) for m in form.errors.get("text", [])] or [
        ("#main-content", m) for ms in form.errors.values() for m in ms
    ]
    app = _app_or_404(request, complaint.application_id)
    return render(
        request,
        "accreditation/application.html",
        _detail_context(request, app, complaint_bound={complaint.pk: form}, errors=errors),
        status=400,
    )


@login_required
@require_POST
def conflict_declare(request):
    form = f.ConflictForm(request.POST)
    if form.is_valid():
        try:
            services.conflict_declare(
                assessor=request.user,
                organisation=form.cleaned_data["organisation"],
                reason=form.cleaned_data["reason"],
                by=request.user,
            )
            messages.success(request, "Conflict of interest recorded.")
            return redirect("accreditation:home")
        except ApplicationError as exc:
            errors = _errors(form, exc)
    else:
        errors = _errors(form)
    queue = selectors.queue_for_user(request.user)
    return render(
        request,
        "accreditation/home.html",
        {
            "queue": queue,
            "conflict_form": form,
            "errors": errors,
            "conflicts": request.user.accreditation_conflicts.all(),
        },
        status=400,
    )


def _not_found_to_404(fn, *args):
    try:
        return fn(*args)
    except NotFound as exc:
        raise Http404(exc.message) from None


def _accreditation_page(request, acc, *, status_form=None, schools_form=None, errors=(), status=200):
    urns = ", ".join(str(s.establishment.urn) for s in acc.led_schools.all() if s.source == "recorded")
    return render(
        request,
        "accreditation/accreditation.html",
        {
            "acc": acc,
            "led": list(acc.led_schools.all()),
            "status_form": status_form or f.SuspendForm(),
            "schools_form": schools_form or f.LedSchoolsForm(initial={"urns": urns}),
            "errors": list(errors),
            "max_schools": selectors.max_schools(acc),
        },
        status=status,
    )


@login_required
def accreditation_detail(request, pk):
    acc = _not_found_to_404(selectors.accreditation_for_user, request.user, pk)
    return _accreditation_page(request, acc)


@login_required
@require_POST
def accreditation_action(request, pk):
    """Suspend, reinstate, renew or withdraw (the decision maker's office)."""
    acc = _not_found_to_404(selectors.accreditation_for_user, request.user, pk)
    form = f.SuspendForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            if d["action"] == "suspend":
                services.accreditation_suspend(accreditation=acc, reason=d["note"], by=request.user)
            elif d["action"] == "reinstate":
                services.accreditation_reinstate(accreditation=acc, note=d["note"], by=request.user)
            else:
                services.accreditation_review(
                    accreditation=acc,
                    renew=d["action"] == "renew",
                    note=d["note"],
                    next_review_on=d["next_review_on"],
                    by=request.user,
                )
            done = dict(form.fields["action"].choices)[d["action"]].lower()
            messages.success(request, f"{acc.organisation.name}: “{done}” recorded.")
            return redirect("accreditation:accreditation", pk=acc.pk)
        except ApplicationError as exc:
            errors = _errors(form, exc)
    else:
        errors = _errors(form)
    return _accreditation_page(request, acc, status_form=form, errors=errors, status=400)


@login_required
@require_POST
def led_schools(request, pk):
    """Record the schools the provider currently leads (sets current_schools)."""
    acc = _not_found_to_404(selectors.accreditation_for_user, request.user, pk)
    form = f.LedSchoolsForm(request.POST)
    errors = _submit(
        form,
        lambda d: services.accreditation_record_led_schools(
            accreditation=acc, establishments=d["urns"], by=request.user
        ),
    )
    if not errors:
        messages.success(request, "Schools led recorded.")
        return redirect("accreditation:accreditation", pk=acc.pk)
    return _accreditation_page(request, acc, schools_form=form, errors=errors, status=400)


# --- rounds and organisations ----------------------------------------------------------------------------------


def _round_form_page(request, form, errors, *, rnd=None, status=200):
    rounds = _not_found_to_404(selectors.rounds_for_user, request.user)
    return render(
        request,
        "accreditation/rounds.html",
        {"rounds": rounds, "form": form, "errors": errors, "round": rnd},
        status=status,
    )


def _save_round(request, form, rnd=None):
    """Validate and save; returns errors for the summary, or [] when saved."""
    if rnd is None:
        return _submit(form, lambda d: services.round_create(by=request.user, **d))
    return _submit(form, lambda d: services.round_update(round=rnd, by=request.user, **d))


@login_required
@require_http_methods(["GET", "POST"])
def rounds(request):
    """Termly application rounds: list and open a new one (the decision maker's office)."""
    _not_found_to_404(selectors.rounds_for_user, request.user)
    form = f.RoundForm(request.POST or None)
    if request.method == "POST":
        errors = _save_round(request, form)
        if not errors:
            messages.success(request, f"Round “{form.cleaned_data['name']}” saved.")
            return redirect("accreditation:rounds")
        return _round_form_page(request, form, errors, status=400)
    return _round_form_page(request, form, [])


@login_required
@require_http_methods(["GET", "POST"])
def round_edit(request, pk):
    rnd = next((r for r in _not_found_to_404(selectors.rounds_for_user, request.user) if r.pk == pk), None)
    if rnd is None:
        raise Http404("No such round.")
    initial = {"name": rnd.name, "opens_on": rnd.opens_on, "closes_on": rnd.closes_on}
    form = f.RoundForm(request.POST or None, initial=initial)
    if request.method == "POST":
        errors = _save_round(request, form, rnd)
        if not errors:
            messages.success(request, "Round updated.")
            return redirect("accreditation:rounds")
        return _round_form_page(request, form, errors, rnd=rnd, status=400)
    return _round_form_page(request, form, [], rnd=rnd)


@login_required
@require_http_methods(["GET", "POST"])
def organisation_edit(request, pk):
    """Change an organisation after registering: details, registry links, and who acts for it."""
    org = _not_found_to_404(selectors.organisation_to_manage, request.user, pk)
    form = f.OrganisationEditForm(initial=f.OrganisationEditForm.initial_for(org))
    member_form = f.MemberForm()
    errors: list = []
    if request.method == "POST":
        adding_member = request.POST.get("form") == "member"
        bound = (f.MemberForm if adding_member else f.OrganisationEditForm)(request.POST)
        if adding_member:
            member_form = bound
        else:
            form = bound
        if bound.is_valid():
            d = bound.cleaned_data
            try:
                if adding_member:
                    services.organisation_add_member(organisation=org, user=d["username"], by=request.user)
                else:
                    services.organisation_update(organisation=org, by=request.user, **_organisation_values(d))
                messages.success(request, "Organisation updated.")
                return redirect("accreditation:organisation", pk=org.pk)
            except ApplicationError as exc:
                errors = _errors(bound, exc)
        else:
            errors = _errors(bound)
    return render(
        request,
        "accreditation/organisation.html",
        {"org": org, "form": form, "member_form": member_form, "errors": errors},
        status=400 if errors else 200,
    )


@login_required
@require_POST
def member_remove(request, pk, member_pk):
    org = _not_found_to_404(selectors.organisation_to_manage, request.user, pk)
    member = next((m for m in org.members.all() if m.pk == member_pk), None)
    if member is None:
        raise Http404("No such member.")
    try:
        services.organisation_remove_member(member=member, by=request.user)
        messages.success(request, f"{member.user.display_name} no longer acts for {org.name}.")
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect("accreditation:organisation", pk=org.pk)


def _areas(app) -> dict[str, list[str]]:
    """The proposal's phases and LA areas in words, for its page and its check-and-submit page."""
    return {
        "phase_labels": [c.Phase(p).label for p in app.phases if p in c.Phase.values],
        "la_names": _la_names(app.la_codes),
    }


def _la_names(codes) -> list[str]:
    """'Wealdshire (936)' for each LA code the proposal covers (one query); an unknown code as it was given."""
    names = selectors.la_names(codes)
    return [names[code] for code in codes or []]
