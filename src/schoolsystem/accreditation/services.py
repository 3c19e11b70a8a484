"""Writes of the accreditation app. Every function is atomic, locks the workflow row, checks the transition
table in constants.py, and writes an audit event and a history entry (seed 000 §3)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from schoolsystem.accounts.constants import Role
from schoolsystem.accreditation import constants as c
from schoolsystem.accreditation import selectors
from schoolsystem.accreditation.constants import Action, Status
from schoolsystem.accreditation.models import (
    Accreditation,
    Application,
    Attachment,
    Complaint,
    ConflictDeclaration,
    Coverage,
    Evidence,
    HistoryEntry,
    InformationRequest,
    LedSchool,
    Organisation,
    OrganisationMember,
    Partner,
    Round,
    Score,
)
from schoolsystem.accreditation.rules import (
    ARRANGEMENT_AGREED_ON,
    NEXT_REVIEW_ON,
    REVIEW_DUE_ON,
    REVIEW_FINDINGS_MISSING,
    SUSPENSION_REASON_MISSING,
    default_review_date,
    la_codes_error,
    review_date_error,
    round_dates_error,
)
from schoolsystem.core.audit import audit, snapshot
from schoolsystem.core.errors import InvalidTransition, NotEligible, PermissionDenied, ValidationFailed
from schoolsystem.core.formatting import govuk_date
from schoolsystem.core.rules import not_after_today
from schoolsystem.core.uploads import validate_document
from schoolsystem.engines import accreditation as rules
from schoolsystem.registry.constants import MembershipRole
from schoolsystem.registry.models import Membership

# --- helpers ------------------------------------------------------------------------------------------------


def _require_role(user, roles) -> None:
    if not (user.is_superuser or user.role in roles):
        raise PermissionDenied("Your role does not allow this action.")


def _require_member(user, application: Application) -> None:
    if user.is_superuser:
        return
    membership = getattr(user, "accreditation_membership", None)
    if (
        user.role != Role.APPLICANT
        or membership is None
        or membership.organisation_id != application.organisation_id
    ):
        raise PermissionDenied("Only the applying organisation may do this.")


def _require_assessor(user, application: Application) -> None:
    _require_role(user, {Role.ASSESSOR})
    if not user.is_superuser and application.assessor_id != user.pk:
        raise PermissionDenied("Only the assessor assigned to this proposal may do this.")


def _lock(application: Application) -> Application:
    return Application.objects.select_for_update().get(pk=application.pk)


def _move(
    application: Application, action: str, *, by, note: str = "", target: str | None = None, before=None
):
    """Check `action` is allowed from the current state, set the new state, save, audit, record history.
    Callers set any other fields first and pass `before=snapshot(...)` taken before they did."""
    sources, default_target = c.TRANSITIONS[action]
    if application.status not in sources:
        raise InvalidTransition(
            f"“{c.Action(action).label}” is not possible while the proposal is "
            f"“{Status(application.status).label.lower()}”."
        )
    before = before or snapshot(application)
    from_status = application.status
    application.status = target or default_target
    application.save()
    audit(obj=application, action=f"accreditation.{action}", actor=by, before=before, note=note)
    HistoryEntry.objects.create(
        application=application,
        action=action,
        from_status=from_status,
        to_status=application.status,
        actor=by if getattr(by, "pk", None) else None,
        note=note,
    )
    return application


def _require_editable(application: Application) -> None:
    if not application.is_editable:
        raise InvalidTransition("The proposal has been submitted and can no longer be changed.")


def _fail(summary: str, errors: dict[str, list[str]]) -> None:
    """Raise ValidationFailed with field errors; a single problem is its own summary."""
    messages = [m for ms in errors.values() for m in ms]
    raise ValidationFailed(messages[0] if len(messages) == 1 else summary, extra={"errors": errors})


def _clean_codes(values) -> list[str]:
    return sorted({str(v).strip() for v in values if str(v).strip()})


# --- organisations, members, rounds, conflicts --------------------------------------------------------------


@transaction.atomic
def organisation_create(
    *,
    name: str,
    org_type: str,
    by,
    is_educational: bool | None = None,
    establishment=None,
    group=None,
    national_support_school: bool = False,
    denomination: str = "",
    diocese: str = "",
) -> Organisation:
    """Register an applying organisation. `is_educational` defaults from the type (§2.10)."""
    errors = _organisation_errors(
        {
            "name": name,
            "org_type": org_type,
            "national_support_school": national_support_school,
            "denomination": denomination,
        }
    )
    if errors:
        _fail("There are problems with the organisation.", errors)
    if is_educational is None:
        is_educational = rules.OrgType(org_type) not in rules.NON_EDUCATIONAL_TYPES
    org = Organisation.objects.create(
        name=name.strip(),
        org_type=org_type,
        is_educational=is_educational,
        establishment=establishment,
        group=group,
        national_support_school=national_support_school,
        denomination=denomination,
        diocese=diocese,
    )
    audit(obj=org, action="accreditation.organisation_created", actor=by, before={})
    return org


def _require_org_manager(user, organisation: Organisation) -> None:
    """The decision maker's office, or an applicant who acts for the organisation."""
    if user.is_superuser or user.role in c.ACCREDITATION_ROLES:
        return
    membership = getattr(user, "accreditation_membership", None)
    if user.role == Role.APPLICANT and membership and membership.organisation_id == organisation.pk:
        return
    raise PermissionDenied("Only the organisation's own applicants or the decision maker may change it.")


@transaction.atomic
def organisation_add_member(*, organisation: Organisation, user, by) -> OrganisationMember:
    """Let `user` (an applicant) act for `organisation`. A user speaks for one organisation. The first member
    may add themselves (registering the organisation); later ones are added by a member or the decision maker."""
    founding = by.pk == user.pk and not organisation.members.exists()
    if not founding:
        _require_org_manager(by, organisation)
    if user.role != Role.APPLICANT:
        raise ValidationFailed(
            "Only applicant users can act for an applying organisation.",
            extra={"errors": {"username": ["Choose a user with the applicant role"]}},
        )
    if OrganisationMember.objects.filter(user=user).exists():
        raise ValidationFailed(
            f"{user.display_name} already acts for an organisation.",
            extra={"errors": {"username": ["This user already acts for an organisation"]}},
        )
    member = OrganisationMember.objects.create(user=user, organisation=organisation)
    audit(obj=member, action="accreditation.member_added", actor=by, before={})
    return member


@transaction.atomic
def organisation_remove_member(*, member: OrganisationMember, by) -> None:
    """Stop a user acting for the organisation. The last member cannot be removed (nobody could apply)."""
    _require_org_manager(by, member.organisation)
    if member.organisation.members.count() <= 1:
        raise ValidationFailed("The organisation must keep at least one member.")
    audit(
        obj=member,
        action="accreditation.member_removed",
        actor=by,
        changes={"user": [member.user_id, None]},
    )
    member.delete()


ORGANISATION_FIELDS = (
    "name",
    "org_type",
    "is_educational",
    "establishment",
    "group",
    "national_support_school",
    "denomination",
    "diocese",
)


def _organisation_errors(fields: dict) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if "name" in fields and not str(fields["name"]).strip():
        errors["name"] = ["Enter the organisation's name"]
    if "org_type" in fields and fields["org_type"] not in c.OrgType.values:
        errors["org_type"] = ["Choose a type of organisation"]
    if "denomination" in fields and fields["denomination"] not in c.Denomination.values:
        errors["denomination"] = ["Choose a denomination from the list"]
    org_type = fields.get("org_type")
    if (
        fields.get("national_support_school")
        and org_type in c.OrgType.values
        and rules.OrgType(org_type) not in rules.NSS_TYPES
    ):
        errors["national_support_school"] = [
            "Only maintained primary schools are National Support Schools: untick National Support School "
            "or change the type of organisation."
        ]
    return errors


@transaction.atomic
def organisation_update(*, organisation: Organisation, by, **fields) -> Organisation:
    """Change an organisation after registering: name, type, registry links (school URN or group UID),
    National Support School, denomination and diocese. Proposals already submitted keep their record."""
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    _require_org_manager(by, organisation)
    unknown = set(fields) - set(ORGANISATION_FIELDS)
    if unknown:
        raise ValidationFailed(f"Unknown fields: {', '.join(sorted(unknown))}.")
    merged = {name: getattr(organisation, name) for name in ORGANISATION_FIELDS} | fields
    errors = _organisation_errors(merged)
    if errors:
        _fail("There are problems with the organisation.", errors)
    before = snapshot(organisation)
    for name, value in fields.items():
        setattr(organisation, name, value.strip() if isinstance(value, str) else value)
    organisation.save()
    audit(obj=organisation, action="accreditation.organisation_updated", actor=by, before=before)
    return organisation


def _round_errors(name: str, opens_on, closes_on, *, exclude_pk=None) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not name.strip():
        errors["name"] = ["Enter the round's name, for example Spring term 2026"]
    elif Round.objects.filter(name__iexact=name.strip()).exclude(pk=exclude_pk).exists():
        errors["name"] = ["A round with this name already exists"]
    if opens_on is None:
        errors["opens_on"] = ["Enter the date the round opens"]
    if closes_on is None:
        errors["closes_on"] = ["Enter the date the round closes"]
    if errors.keys() & {"opens_on", "closes_on"}:
        return errors
    backwards = round_dates_error(opens_on=opens_on, closes_on=closes_on)
    if backwards:
        errors["closes_on"] = [backwards]
        return errors
    clash = (
        Round.objects.filter(opens_on__lte=closes_on, closes_on__gte=opens_on).exclude(pk=exclude_pk).first()
    )
    if clash:
        errors["opens_on"] = [f"The dates overlap {clash}: rounds cannot overlap."]
    return errors


@transaction.atomic
def round_create(*, name: str, opens_on: date, closes_on: date, by) -> Round:
    """Open a termly application round (§3.4). Rounds close after they open and never overlap."""
    _require_role(by, c.ACCREDITATION_ROLES)
    list(Round.objects.select_for_update())  # serialise round writes so two overlapping rounds cannot race
    errors = _round_errors(name, opens_on, closes_on)
    if errors:
        _fail("There are problems with the round.", errors)
    rnd = Round.objects.create(name=name.strip(), opens_on=opens_on, closes_on=closes_on)
    audit(obj=rnd, action="accreditation.round_created", actor=by, before={})
    return rnd


@transaction.atomic
def round_update(*, round: Round, name: str, opens_on: date, closes_on: date, by) -> Round:
    """Change a round's name or dates (same rules as creating one)."""
    _require_role(by, c.ACCREDITATION_ROLES)
    list(Round.objects.select_for_update())
    rnd = Round.objects.get(pk=round.pk)
    errors = _round_errors(name, opens_on, closes_on, exclude_pk=rnd.pk)
    if errors:
        _fail("There are problems with the round.", errors)
    before = snapshot(rnd)
    rnd.name, rnd.opens_on, rnd.closes_on = name.strip(), opens_on, closes_on
    rnd.save()
    audit(obj=rnd, action="accreditation.round_updated", actor=by, before=before)
    return rnd


@transaction.atomic
def conflict_declare(*, assessor, organisation: Organisation, reason: str, by) -> ConflictDeclaration:
    """An assessor declares a conflict of interest; they can no longer be assigned that organisation."""
    _require_role(by, {Role.ASSESSOR})
    if not by.is_superuser and by.pk != assessor.pk:
        raise PermissionDenied("Assessors declare their own conflicts.")
    if not reason.strip():
        raise ValidationFailed(
            "Say why there is a conflict of interest.",
            extra={"errors": {"reason": ["Enter the nature of the conflict of interest"]}},
        )
    decl, created = ConflictDeclaration.objects.get_or_create(
        assessor=assessor, organisation=organisation, defaults={"reason": reason.strip()}
    )
    if created:
        audit(obj=decl, action="accreditation.conflict_declared", actor=by, before={})
    return decl


# --- the proposal -------------------------------------------------------------------------------------------


@transaction.atomic
def application_start(
    *,
    organisation: Organisation,
    accreditation_type: str,
    by,
    round: Round | None = None,
) -> Application:
    """Start a draft proposal for the applicant's organisation. Refused (NotEligible) while the organisation holds
    a current accreditation of the type, or has a proposal of the type in draft or with the department
    (`selectors.start_refusals`: seed 000 renews accreditations by periodic review, not by a new proposal)."""
    if by.role == Role.APPLICANT:
        membership = getattr(by, "accreditation_membership", None)
        if membership is None or membership.organisation_id != organisation.pk:
            raise PermissionDenied("You can only apply for your own organisation.")
    elif not by.is_superuser:
        raise PermissionDenied("Only applicants start proposals.")
    if accreditation_type not in c.AccreditationType.values:
        raise ValidationFailed(
            "Choose ASP or ASG.",
            extra={"errors": {"accreditation_type": ["Choose whether to be accredited as an ASP or an ASG"]}},
        )
    # Lock the organisation: two starts at once cannot both pass the check below.
    Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
    refusal = selectors.start_refusals(organisation).get(accreditation_type)
    if refusal:
        raise NotEligible(refusal, extra={"errors": {"accreditation_type": [refusal]}})
    app = Application.objects.create(
        organisation=organisation,
        accreditation_type=accreditation_type,
        round=round,
        proposed_capacity=1
        if accreditation_type == c.AccreditationType.ASP
        else rules.THRESHOLDS.asg_min_capacity,
        created_by=by,
    )
    audit(obj=app, action="accreditation.started", actor=by, before={})
    HistoryEntry.objects.create(application=app, action="start", to_status=app.status, actor=by)
    return app


DETAIL_FIELDS = (
    "round",
    "out_of_round_reason",
    "route",
    "education_strategy",
    "phases",
    "la_codes",
    "proposed_capacity",
    "schools_led_in_formal_partnership",
    "primary_schools_governed",
)


@transaction.atomic
def application_update_details(*, application: Application, by, **fields) -> Application:
    """Save the proposal's details (draft only)."""
    application = _lock(application)
    _require_member(by, application)
    _require_editable(application)
    unknown = set(fields) - set(DETAIL_FIELDS)
    if unknown:
        raise ValidationFailed(f"Unknown fields: {', '.join(sorted(unknown))}.")
    errors: dict[str, list[str]] = {}
    if "phases" in fields:
        fields["phases"] = _clean_codes(fields["phases"])
        if set(fields["phases"]) - set(c.Phase.values):
            errors["phases"] = ["Choose phases from the list"]
    if "la_codes" in fields:
        fields["la_codes"] = _clean_codes(fields["la_codes"])
        wrong = la_codes_error(fields["la_codes"], known=selectors.known_la_codes(fields["la_codes"]))
        if wrong:
            errors["la_codes"] = [wrong]
    if "route" in fields and fields["route"] not in c.Route.values:
        errors["route"] = ["Choose how the organisation applies"]
    for name in ("proposed_capacity", "schools_led_in_formal_partnership", "primary_schools_governed"):
        if name in fields and (not isinstance(fields[name], int) or fields[name] < 0 or fields[name] > 100):
            errors[name] = ["Enter a whole number from 0 to 100"]
    if errors:
        raise ValidationFailed("There are problems with the details.", extra={"errors": errors})
    before = snapshot(application)
    for name, value in fields.items():
        setattr(application, name, value)
    application.save()
    audit(obj=application, action="accreditation.details_saved", actor=by, before=before)
    return application


@transaction.atomic
def evidence_save(*, application: Application, criterion: str, text: str, by) -> Evidence | None:
    """Save (or clear, with empty text) the evidence for one criterion; drafts only."""
    application = _lock(application)
    _require_member(by, application)
    _require_editable(application)
    if criterion not in c.Criterion.values:
        raise ValidationFailed("Unknown criterion.")
    existing = Evidence.objects.filter(application=application, criterion=criterion).first()
    text = text.strip()
    if not text:
        if existing:
            audit(
                obj=existing,
                action="accreditation.evidence_cleared",
                actor=by,
                changes={"text": [existing.text, ""]},
            )
            existing.delete()
        return None
    if existing:
        before = snapshot(existing, ["text"])
        existing.text = text
        existing.save(update_fields=["text", "modified_on"])
        audit(obj=existing, action="accreditation.evidence_saved", actor=by, before=before)
        return existing
    evidence = Evidence.objects.create(application=application, criterion=criterion, text=text)
    audit(obj=evidence, action="accreditation.evidence_saved", actor=by, before={})
    return evidence


@transaction.atomic
def partner_add(
    *,
    application: Application,
    name: str,
    kind: str,
    is_educational: bool,
    track_record: str,
    by,
    establishment=None,
) -> Partner:
    """Record a co-partner or consortium member (§2.10–2.12)."""
    application = _lock(application)
    _require_member(by, application)
    _require_editable(application)
    errors = {}
    if not name.strip():
        errors["name"] = ["Enter the partner's name"]
    if kind not in c.PartnerKind.values:
        errors["kind"] = ["Choose the kind of partner"]
    if errors:
        raise ValidationFailed("There are problems with the partner.", extra={"errors": errors})
    partner = Partner.objects.create(
        application=application,
        name=name.strip(),
        kind=kind,
        is_educational=is_educational,
        track_record=track_record.strip(),
        establishment=establishment,
    )
    audit(obj=partner, action="accreditation.partner_added", actor=by, before={})
    return partner


@transaction.atomic
def partner_remove(*, partner: Partner, by) -> None:
    application = _lock(partner.application)
    _require_member(by, application)
    _require_editable(application)
    audit(
        obj=partner, action="accreditation.partner_removed", actor=by, changes={"name": [partner.name, None]}
    )
    partner.delete()


@transaction.atomic
def attachment_add(*, application: Application, upload, by, criterion: str = "") -> Attachment:
    """Attach a file (validated type and size) to a draft proposal."""
    application = _lock(application)
    _require_member(by, application)
    _require_editable(application)
    if criterion and criterion not in c.Criterion.values:
        raise ValidationFailed("Unknown criterion.")
    head = upload.read(8)
    upload.seek(0)
    try:
        validate_document(upload.name, upload.size, head)
    except ValidationFailed as exc:
        # core's field messages are terse ("Allowed: ..."); beside the field, show the full sentence.
        raise ValidationFailed(exc.message, extra={"errors": {"file": [exc.message]}}) from exc
    attachment = Attachment(
        application=application,
        criterion=criterion,
        original_name=Path(upload.name).name[:200],
        size=upload.size,
        uploaded_by=by,
    )
    attachment.file.save(Path(upload.name).name, upload, save=False)
    attachment.save()
    audit(
        obj=attachment,
        action="accreditation.attachment_added",
        actor=by,
        changes={"file": [None, attachment.file.name], "size": [None, attachment.size]},
    )
    return attachment


@transaction.atomic
def attachment_remove(*, attachment: Attachment, by) -> None:
    application = _lock(attachment.application)
    _require_member(by, application)
    _require_editable(application)
    audit(
        obj=attachment,
        action="accreditation.attachment_removed",
        actor=by,
        changes={"file": [attachment.original_name, None]},
    )
    storage, name = attachment.file.storage, attachment.file.name
    attachment.delete()
    transaction.on_commit(lambda: storage.delete(name))


def engine_applicant(application: Application) -> rules.Applicant:
    """The engine's view of a proposal (selectors and services share it)."""
    org = application.organisation
    return rules.Applicant(
        org_type=rules.OrgType(org.org_type),
        accreditation_type=rules.AccreditationType(application.accreditation_type),
        is_educational=org.is_educational,
        national_support_school=org.national_support_school,
        schools_led_in_formal_partnership=application.schools_led_in_formal_partnership,
        primary_schools_governed=application.primary_schools_governed,
        proposed_capacity=application.proposed_capacity,
        route=rules.Route(application.route),
        education_strategy=application.education_strategy,
        co_partners=tuple(
            rules.CoPartner(name=p.name, is_educational=p.is_educational, track_record=p.track_record)
            for p in application.partners.all()
        ),
    )


def completeness_errors(application: Application, *, today: date | None = None) -> dict[str, list[str]]:
    """What must be filled in before the proposal can be submitted (not eligibility: that refuses)."""
    today = today or timezone.localdate()
    errors: dict[str, list[str]] = {}
    applicant = engine_applicant(application)
    provided = [e.criterion for e in application.evidence.all()]
    for criterion in rules.missing_evidence(applicant, provided):
        errors[f"evidence-{criterion.value}"] = [
            f"Give evidence for {c.Criterion(criterion.value).label.lower()}."
        ]
    if not application.phases:
        errors["phases"] = ["Choose at least one phase"]
    if not application.la_codes:
        errors["la_codes"] = ["Give at least one local authority area you will work in"]
    open_round = selectors.open_round(today=today)
    in_round = open_round is not None and application.round_id == open_round.pk
    if not in_round and not application.out_of_round_reason.strip():
        errors["out_of_round_reason"] = [_out_of_round_message(application, open_round)]
    return errors


def _out_of_round_message(application: Application, open_round: Round | None) -> str:
    """Why a reason for applying out of round is needed, true to the rounds there are (seed 000 §3.4: termly
    rounds; out of round only by arrangement)."""
    ask = "say why this proposal is made out of round, as arranged with the department."
    if application.round is not None and open_round is not None:
        return (
            f"The round you chose, {application.round.name}, is not open: choose {open_round} in the details "
            f"of the proposal, or {ask}"
        )
    if application.round is not None:
        return f"The round you chose, {application.round}, is not open and no other round is open: {ask}"
    if open_round is not None:
        return (
            f"You chose to apply out of round, but {open_round} is open: choose it in the details of the "
            f"proposal, or {ask}"
        )
    return f"No application round is open: {ask}"


@transaction.atomic
def application_submit(*, application: Application, by, today: date | None = None) -> Application:
    """Submit the proposal, which locks it. Ineligible proposals are refused with the reasons recorded
    (seed 000 §2.2–2.4, §2.9–2.12); incomplete ones raise ValidationFailed and stay drafts."""
    application = _lock(application)
    _require_member(by, application)
    if application.status != Status.DRAFT:
        _move(application, Action.SUBMIT, by=by)  # raises InvalidTransition
    errors = completeness_errors(application, today=today)
    if errors:
        raise ValidationFailed("The proposal is not complete.", extra={"errors": errors})
    result = rules.check_eligibility(engine_applicant(application))
    before = snapshot(application)
    if not result.eligible:
        application.ineligibility_reasons = [r.text for r in result.reasons]
        return _move(
            application,
            Action.REFUSE_INELIGIBLE,
            by=by,
            before=before,
            note=" ".join(application.ineligibility_reasons),
        )
    application.submitted_on = timezone.now()
    application.ineligibility_reasons = []
    return _move(application, Action.SUBMIT, by=by, before=before)


@transaction.atomic
def application_withdraw(*, application: Application, by, reason: str = "") -> Application:
    application = _lock(application)
    _require_member(by, application)
    return _move(application, Action.WITHDRAW, by=by, note=reason)


@transaction.atomic
def application_record_arrangement(
    *, application: Application, agreed_by: str, agreed_on: date | None, by, today: date | None = None
) -> Application:
    """Record who in the department agreed an out-of-round proposal, and when (§3.4 "by arrangement"),
    separately from the applicant's stated reason."""
    application = _lock(application)
    _require_role(by, c.ACCREDITATION_ROLES)
    today = today or timezone.localdate()
    errors: dict[str, list[str]] = {}
    if not agreed_by.strip():
        errors["agreed_by"] = ["Enter who agreed the arrangement"]
    if agreed_on is None:
        errors["agreed_on"] = ["Enter the date the arrangement was agreed"]
    elif future := not_after_today(agreed_on, today=today, what=ARRANGEMENT_AGREED_ON):
        errors["agreed_on"] = [future]
    if errors:
        _fail("There are problems with the arrangement.", errors)
    if application.round_id and not application.out_of_round_reason:
        raise InvalidTransition("This proposal was made in a round: there is no arrangement to record.")
    before = snapshot(application)
    application.out_of_round_agreed_by, application.out_of_round_agreed_on = agreed_by.strip(), agreed_on
    application.save()
    note = (
        f"Out-of-round arrangement agreed by {application.out_of_round_agreed_by} on {govuk_date(agreed_on)}."
    )
    audit(obj=application, action="accreditation.arrangement_recorded", actor=by, before=before, note=note)
    HistoryEntry.objects.create(application=application, action="arrangement_recorded", actor=by, note=note)
    return application


# --- assessment ---------------------------------------------------------------------------------------------


@transaction.atomic
def application_assign_assessor(*, application: Application, assessor, by) -> Application:
    """Assign (or reassign) the assessor. Refused when the assessor declared a conflict with the organisation."""
    application = _lock(application)
    _require_role(by, {Role.DECISION_MAKER})
    if assessor.role != Role.ASSESSOR:
        raise ValidationFailed("Choose a user who is an accreditation assessor.")
    conflict = ConflictDeclaration.objects.filter(
        assessor=assessor, organisation_id=application.organisation_id
    ).first()
    if conflict:
        raise NotEligible(
            f"{assessor.display_name} has declared a conflict of interest with {application.organisation}: "
            f"{conflict.reason}"
        )
    before = snapshot(application)
    application.assessor = assessor
    return _move(application, Action.ASSIGN, by=by, before=before, note=f"Assessor: {assessor.display_name}")


@transaction.atomic
def score_record(*, application: Application, heading: str, score: int, notes: str, by) -> Score:
    """The assigned assessor scores one decision heading (1 not met – 4 strongly met)."""
    application = _lock(application)
    _require_assessor(by, application)
    if application.status not in {Status.IN_ASSESSMENT, Status.AWAITING_INFORMATION}:
        raise InvalidTransition("Scores can only be recorded while the proposal is being assessed.")
    if heading not in c.Heading.values:
        raise ValidationFailed("Unknown heading.", extra={"errors": {"heading": ["Choose a heading"]}})
    if not isinstance(score, int) or score not in rules.SCORE_LABELS:
        raise ValidationFailed(
            "Scores run from 1 to 4.",
            extra={
                "errors": {
                    f"score-{heading}": [f"Choose a score from 1 to 4 for “{c.Heading(heading).label}”"]
                }
            },
        )
    existing = Score.objects.filter(application=application, heading=heading).first()
    if existing:
        before = snapshot(existing, ["score", "notes"])
        existing.score, existing.notes, existing.scored_by = score, notes.strip(), by
        existing.save(update_fields=["score", "notes", "scored_by", "modified_on"])
        audit(obj=existing, action="accreditation.scored", actor=by, before=before)
        return existing
    obj = Score.objects.create(
        application=application, heading=heading, score=score, notes=notes.strip(), scored_by=by
    )
    audit(obj=obj, action="accreditation.scored", actor=by, before={})
    return obj


@transaction.atomic
def information_request(*, application: Application, request: str, by) -> InformationRequest:
    """Ask the applicant for further information (§3.2): the assessment clock stops until it arrives."""
    application = _lock(application)
    _require_assessor(by, application)
    if not request.strip():
        raise ValidationFailed(
            "Say what information is needed.",
            extra={"errors": {"request": ["Enter what further information you need"]}},
        )
    _move(application, Action.REQUEST_INFORMATION, by=by, note=request.strip())
    req = InformationRequest.objects.create(
        application=application, request=request.strip(), requested_by=by, requested_on=timezone.now()
    )
    audit(obj=req, action="accreditation.information_requested", actor=by, before={})
    return req


@transaction.atomic
def information_provide(*, application: Application, response: str, by) -> InformationRequest:
    """The applicant answers the open request; the clock restarts."""
    application = _lock(application)
    _require_member(by, application)
    if not response.strip():
        raise ValidationFailed(
            "Enter the information requested.",
            extra={"errors": {"response": ["Enter the information requested"]}},
        )
    req = (
        InformationRequest.objects.select_for_update()
        .filter(application=application, answered_on__isnull=True)
        .first()
    )
    if req is None:
        raise InvalidTransition("There is no open request for information.")
    _move(application, Action.PROVIDE_INFORMATION, by=by)
    before = snapshot(req, ["response", "answered_on"])
    req.response, req.answered_on, req.answered_by = response.strip(), timezone.now(), by
    req.save(update_fields=["response", "answered_on", "answered_by", "modified_on"])
    audit(obj=req, action="accreditation.information_provided", actor=by, before=before)
    return req


@transaction.atomic
def application_recommend(*, application: Application, recommendation: str, note: str, by) -> Application:
    """The assessor's recommendation. ASG proposals go to the advisory group first; ASP proposals straight to
    the Secretary of State (§3.2). Recommending accreditation needs every heading scored at least Met."""
    application = _lock(application)
    _require_assessor(by, application)
    if recommendation not in c.Recommendation.values:
        raise ValidationFailed(
            "Choose a recommendation.",
            extra={"errors": {"recommendation": ["Choose whether to recommend accreditation"]}},
        )
    scores = {s.heading: s.score for s in application.scores.all()}
    if len(scores) < len(c.Heading.values):
        raise ValidationFailed("Score every heading before recommending.")
    if recommendation == c.Recommendation.ACCREDIT:
        reasons = rules.recommendation_reasons(scores)
        if reasons:
            raise ValidationFailed("The scores do not support accreditation: " + " ".join(reasons))
    if not note.strip():
        raise ValidationFailed(
            "Give the reasons for the recommendation.",
            extra={"errors": {"note": ["Enter the reasons for the recommendation"]}},
        )
    before = snapshot(application)
    application.recommendation, application.recommendation_note = recommendation, note.strip()
    target = c.RECOMMEND_TARGET[c.AccreditationType(application.accreditation_type)]
    return _move(application, Action.RECOMMEND, by=by, before=before, target=target, note=note.strip())


@transaction.atomic
def application_advisory_review(*, application: Application, note: str, by) -> Application:
    """The advisory group reviews an ASG proposal before the recommendation goes to the decision maker."""
    application = _lock(application)
    _require_role(by, {Role.ADVISORY_GROUP})
    if not note.strip():
        raise ValidationFailed(
            "Record the advisory group's view.",
            extra={"errors": {"note": ["Enter the advisory group's view"]}},
        )
    before = snapshot(application)
    application.advisory_note = note.strip()
    return _move(application, Action.ADVISORY_REVIEW, by=by, before=before, note=note.strip())


@transaction.atomic
def application_decide(
    *,
    application: Application,
    accredit: bool,
    note: str,
    by,
    phases: list[str] | None = None,
    la_codes: list[str] | None = None,
    capacity: int | None = None,
    review_due_on: date | None = None,
    today: date | None = None,
) -> Application:
    """The Secretary of State's decision. Accreditation records type, phases, areas, capacity and review date
    (defaults: what the proposal asked for; review in three years)."""
    application = _lock(application)
    _require_role(by, {Role.DECISION_MAKER})
    if application.status != Status.AWAITING_DECISION:
        _move(application, Action.DECIDE_ACCREDIT if accredit else Action.DECIDE_REFUSE, by=by)
    if not note.strip():
        raise ValidationFailed(
            "Give the reasons for the decision.",
            extra={"errors": {"note": ["Enter the reasons for the decision"]}},
        )
    today = today or timezone.localdate()
    before = snapshot(application)
    application.decision_note, application.decided_on, application.decided_by = (
        note.strip(),
        timezone.now(),
        by,
    )
    if not accredit:
        return _move(application, Action.DECIDE_REFUSE, by=by, before=before, note=note.strip())
    capacity = capacity if capacity is not None else application.proposed_capacity
    kind = rules.AccreditationType(application.accreditation_type)
    limits = rules.THRESHOLDS
    if kind == rules.AccreditationType.ASP and not 1 <= capacity <= limits.asp_max_capacity:
        raise ValidationFailed(
            "An ASP leads improvement in one or two schools.",
            extra={"errors": {"capacity": ["Enter an accredited capacity of 1 or 2 schools for an ASP"]}},
        )
    if kind == rules.AccreditationType.ASG and capacity < limits.asg_min_capacity:
        raise ValidationFailed(
            "An ASG is accountable for three or more schools.",
            extra={
                "errors": {
                    "capacity": [
                        f"Enter an accredited capacity of {limits.asg_min_capacity} or more schools for an ASG"
                    ]
                }
            },
        )
    review_due_on = review_due_on or default_review_date(today)
    too_soon = review_date_error(review_due_on, today=today, what=REVIEW_DUE_ON)
    if too_soon:
        raise ValidationFailed(too_soon, extra={"errors": {"review_due_on": [too_soon]}})
    _move(application, Action.DECIDE_ACCREDIT, by=by, before=before, note=note.strip())
    if kind == rules.AccreditationType.ASG:
        # Seed 000 §2: an ASP builds up the capacity to become an ASG. An organisation holds one accreditation at
        # a time, so its ASG accreditation replaces its ASP one (withdrawn, with the reason in its history).
        held = Accreditation.objects.filter(
            organisation=application.organisation,
            accreditation_type=c.AccreditationType.ASP,
            status=c.AccreditationStatus.ACTIVE,
        )
        for asp in held:
            _accreditation_move(
                asp,
                "withdraw",
                by=by,
                note=f"Replaced by its Accredited Schools Group accreditation ({application.reference}).",
            )
    try:
        with transaction.atomic():
            accreditation = Accreditation.objects.create(
                application=application,
                organisation=application.organisation,
                accreditation_type=application.accreditation_type,
                phases=_clean_codes(phases if phases is not None else application.phases),
                la_codes=_clean_codes(la_codes if la_codes is not None else application.la_codes),
                capacity=capacity,
                current_schools=application.schools_led_in_formal_partnership,
                accredited_on=today,
                review_due_on=review_due_on,
            )
    except IntegrityError as exc:
        raise InvalidTransition(f"{application.organisation} already holds a current accreditation.") from exc
    coverage_sync(accreditation)
    audit(obj=accreditation, action="accreditation.accredited", actor=by, before={})
    return application


@transaction.atomic
def feedback_write(*, application: Application, feedback: str, by) -> Application:
    """The assessor's written feedback on an unsuccessful proposal, for the advisory group to review (§3.3)."""
    application = _lock(application)
    _require_assessor(by, application)
    if not feedback.strip():
        raise ValidationFailed(
            "Write the feedback.", extra={"errors": {"feedback": ["Enter the feedback for the applicant"]}}
        )
    before = snapshot(application)
    application.feedback = feedback.strip()
    return _move(application, Action.WRITE_FEEDBACK, by=by, before=before)


@transaction.atomic
def feedback_review(*, application: Application, release: bool, note: str, by) -> Application:
    """The advisory group releases the feedback to the applicant or returns it to the assessor."""
    application = _lock(application)
    _require_role(by, {Role.ADVISORY_GROUP})
    if not release and not note.strip():
        raise ValidationFailed(
            "Say what the assessor should change.",
            extra={"errors": {"note": ["Enter a note saying what the assessor should change"]}},
        )
    before = snapshot(application)
    application.feedback_review_note = note.strip()
    if release:
        application.feedback_released_on = timezone.now()
        return _move(application, Action.RELEASE_FEEDBACK, by=by, before=before, note=note.strip())
    return _move(application, Action.RETURN_FEEDBACK, by=by, before=before, note=note.strip())


# --- complaints ---------------------------------------------------------------------------------------------


@transaction.atomic
def complaint_lodge(*, application: Application, text: str, by) -> Complaint:
    """An unsuccessful applicant who considers the assessment unfair puts its concerns in writing (§3.3)."""
    application = _lock(application)
    _require_member(by, application)
    if application.status != Status.FEEDBACK_RELEASED:
        raise InvalidTransition(
            "A complaint can be made once the feedback on an unsuccessful proposal is released."
        )
    if not text.strip():
        raise ValidationFailed(
            "Describe your concerns.",
            extra={"errors": {"text": ["Enter your concerns about the assessment"]}},
        )
    complaint = Complaint.objects.create(application=application, text=text.strip(), lodged_by=by)
    audit(obj=complaint, action="accreditation.complaint_lodged", actor=by, before={})
    HistoryEntry.objects.create(
        application=application, action="complaint_lodged", actor=by, note=text.strip()[:500]
    )
    return complaint


def _complaint_move(complaint: Complaint, action: str, *, by, **fields) -> Complaint:
    sources, target = c.COMPLAINT_TRANSITIONS[action]
    complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
    _require_role(by, c.COMPLAINT_ROLES)
    if complaint.status not in sources:
        raise InvalidTransition(
            f"The complaint is {c.ComplaintStatus(complaint.status).label.lower()}: it cannot be {action}ed."
        )
    before = snapshot(complaint)
    for name, value in fields.items():
        setattr(complaint, name, value)
    complaint.status = target
    complaint.save()
    audit(obj=complaint, action=f"accreditation.complaint_{action}", actor=by, before=before)
    HistoryEntry.objects.create(
        application_id=complaint.application_id, action=f"complaint_{action}", actor=by
    )
    return complaint


@transaction.atomic
def complaint_review(*, complaint: Complaint, note: str, by) -> Complaint:
    if not note.strip():
        raise ValidationFailed(
            "Record the review.", extra={"errors": {"note": ["Enter a review note for the complaint"]}}
        )
    return _complaint_move(complaint, "review", by=by, review_note=note.strip(), reviewed_by=by)


@transaction.atomic
def complaint_answer(*, complaint: Complaint, answer: str, by) -> Complaint:
    if not answer.strip():
        raise ValidationFailed(
            "Write the answer.", extra={"errors": {"answer": ["Enter the answer to the applicant"]}}
        )
    return _complaint_move(
        complaint, "answer", by=by, answer=answer.strip(), answered_on=timezone.now(), answered_by=by
    )


# --- the accredited pool ------------------------------------------------------------------------------------


def _accreditation_move(
    accreditation: Accreditation, action: str, *, by, note: str = "", **fields
) -> Accreditation:
    _require_role(by, c.ACCREDITATION_ROLES)
    accreditation = Accreditation.objects.select_for_update().get(pk=accreditation.pk)
    sources, target = c.ACCREDITATION_TRANSITIONS[action]
    if accreditation.status not in sources:
        raise InvalidTransition(
            f"The accreditation is {c.AccreditationStatus(accreditation.status).label.lower()}: it cannot be {action}d."
        )
    before = snapshot(accreditation)
    for name, value in fields.items():
        setattr(accreditation, name, value)
    accreditation.status = target
    accreditation.save()
    audit(obj=accreditation, action=f"accreditation.{action}", actor=by, before=before, note=note)
    HistoryEntry.objects.create(
        application_id=accreditation.application_id, action=f"accreditation_{action}", actor=by, note=note
    )
    return accreditation


@transaction.atomic
def accreditation_suspend(
    *, accreditation: Accreditation, reason: str, by, today: date | None = None
) -> Accreditation:
    """Suspend: the provider leaves the public register's current list and brokerage's candidates."""
    if not reason.strip():
        raise ValidationFailed(
            "Give the reason for suspension.", extra={"errors": {"reason": [SUSPENSION_REASON_MISSING]}}
        )
    return _accreditation_move(
        accreditation,
        "suspend",
        by=by,
        note=reason.strip(),
        suspended_on=today or timezone.localdate(),
        suspension_reason=reason.strip(),
    )


@transaction.atomic
def accreditation_reinstate(*, accreditation: Accreditation, note: str, by) -> Accreditation:
    return _accreditation_move(
        accreditation, "reinstate", by=by, note=note, suspended_on=None, suspension_reason=""
    )


@transaction.atomic
def accreditation_review(
    *,
    accreditation: Accreditation,
    renew: bool,
    note: str,
    by,
    next_review_on: date | None = None,
    today: date | None = None,
) -> Accreditation:
    """Periodic review: renew (with the next review date) or withdraw the accreditation."""
    today = today or timezone.localdate()
    if not note.strip():
        raise ValidationFailed(
            "Record the review's findings.", extra={"errors": {"note": [REVIEW_FINDINGS_MISSING]}}
        )
    if not renew:
        return _accreditation_move(
            accreditation, "withdraw", by=by, note=note.strip(), last_reviewed_on=today
        )
    next_review_on = next_review_on or default_review_date(today)
    too_soon = review_date_error(next_review_on, today=today, what=NEXT_REVIEW_ON)
    if too_soon:
        raise ValidationFailed(too_soon, extra={"errors": {"next_review_on": [too_soon]}})
    return _accreditation_move(
        accreditation,
        "renew",
        by=by,
        note=note.strip(),
        last_reviewed_on=today,
        review_due_on=next_review_on,
        suspended_on=None,
        suspension_reason="",
    )


@transaction.atomic
def accreditation_set_current_schools(*, accreditation: Accreditation, count: int, by) -> Accreditation:
    """How many schools the provider now leads (brokerage calls this when a partnership starts or ends)."""
    accreditation = Accreditation.objects.select_for_update().get(pk=accreditation.pk)
    if count < 0:
        raise ValidationFailed("The number of schools cannot be negative.")
    before = snapshot(accreditation, ["current_schools"])
    accreditation.current_schools = count
    accreditation.save(update_fields=["current_schools", "modified_on"])
    audit(obj=accreditation, action="accreditation.current_schools_set", actor=by, before=before)
    return accreditation


def coverage_sync(accreditation: Accreditation) -> None:
    """Rewrite the accreditation's Coverage rows (what the register filters on) from its phases and LA codes.
    Called by every service that sets them; the rows are derived data, so not audited separately."""
    Coverage.objects.filter(accreditation=accreditation).delete()
    Coverage.objects.bulk_create(
        [
            Coverage(accreditation=accreditation, kind=Coverage.Kind.PHASE, code=p)
            for p in set(accreditation.phases)
        ]
        + [
            Coverage(accreditation=accreditation, kind=Coverage.Kind.LA, code=la)
            for la in set(accreditation.la_codes)
        ]
    )


def _replace_led_schools(
    accreditation: Accreditation, source: str, establishment_ids: set[int], *, by, action
):
    """Make the provider's `source` rows exactly `establishment_ids`; current_schools becomes the number of
    distinct schools over both sources. Audited with the URN lists before and after. Returns whether anything
    changed."""
    rows = LedSchool.objects.filter(accreditation=accreditation, source=source)
    existing = set(rows.values_list("establishment_id", flat=True))
    if existing == establishment_ids:
        return False
    before = snapshot(accreditation, ["current_schools"])
    rows.filter(establishment_id__in=existing - establishment_ids).delete()
    LedSchool.objects.bulk_create(
        [
            LedSchool(accreditation=accreditation, establishment_id=pk, source=source)
            for pk in establishment_ids - existing
        ]
    )
    accreditation.current_schools = (
        LedSchool.objects.filter(accreditation=accreditation).values("establishment_id").distinct().count()
    )
    accreditation.save(update_fields=["current_schools", "modified_on"])
    audit(
        obj=accreditation,
        action=action,
        actor=by,
        changes={
            "current_schools": [before["current_schools"], accreditation.current_schools],
            f"led_schools_{source}": [sorted(existing), sorted(establishment_ids)],
        },
    )
    return True


@transaction.atomic
def accreditation_record_led_schools(*, accreditation: Accreditation, establishments, by) -> Accreditation:
    """An officer records the schools (registry establishments) the provider currently leads; this sets
    current_schools, which brokerage compares with max_schools."""
    _require_role(by, c.ACCREDITATION_ROLES)
    accreditation = Accreditation.objects.select_for_update().get(pk=accreditation.pk)
    if accreditation.status == c.AccreditationStatus.WITHDRAWN:
        raise InvalidTransition("The accreditation has been withdrawn.")
    ids = {e.pk for e in establishments}
    own = accreditation.organisation.establishment_id
    if own in ids:
        raise ValidationFailed(
            "A provider does not lead itself: choose the schools it supports.",
            extra={"errors": {"urns": ["Remove the provider's own school"]}},
        )
    _replace_led_schools(
        accreditation, LedSchool.Source.RECORDED, ids, by=by, action="accreditation.led_schools_recorded"
    )
    return accreditation


def registry_led_establishment_ids(organisation: Organisation) -> set[int]:
    """The schools the registry says the organisation leads now: every current member of its group (a trust or
    federation leads its schools), and, for a school, the other current members of each group in which it
    holds a current lead Membership (`selectors.registry_led_memberships`, which the proposal pages count)."""
    if not (organisation.group_id or organisation.establishment_id):
        return set()
    return set(selectors.registry_led_memberships(organisation).values_list("establishment_id", flat=True))


@transaction.atomic
def accreditation_sync_led_schools(*, accreditation: Accreditation, by=None) -> bool:
    """Bring the registry-derived led schools up to date (called when a Membership changes; brokerage may call
    it when a partnership starts or ends). `by=None` is recorded as the system. Returns whether it changed."""
    accreditation = (
        Accreditation.objects.select_for_update().select_related("organisation").get(pk=accreditation.pk)
    )
    if accreditation.status == c.AccreditationStatus.WITHDRAWN:
        return False
    return _replace_led_schools(
        accreditation,
        LedSchool.Source.REGISTRY,
        registry_led_establishment_ids(accreditation.organisation),
        by=by,
        action="accreditation.led_schools_synced",
    )


def accreditations_affected_by_membership(membership: Membership):
    """Current accreditations whose led schools may change when `membership` changes: the group's own, and
    those of schools that lead (or led, if this is the lead row) that group."""
    leads = Membership.objects.filter(group_id=membership.group_id, role=MembershipRole.LEAD).values(
        "establishment_id"
    )
    return Accreditation.objects.filter(
        status__in=[c.AccreditationStatus.ACTIVE, c.AccreditationStatus.SUSPENDED]
    ).filter(
        Q(organisation__group_id=membership.group_id)
        | Q(organisation__establishment_id__in=leads)
        | Q(organisation__establishment_id=membership.establishment_id)
    )
