"""Reads of the accreditation app. Fetch-and-authorise in one place: who sees which proposal.

- applicant: its organisation's proposals only;
- assessor: proposals assigned to it only;
- advisory group: ASG proposals at (or past) advisory review, and unsuccessful proposals' feedback;
- decision maker and staff: every proposal;
- everyone else: none. Out-of-scope proposals are reported as not found.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from schoolsystem.accounts.constants import Role
from schoolsystem.accounts.scope import is_national
from schoolsystem.accreditation.constants import (
    EDITABLE_STATES,
    OPEN_STATES,
    AccreditationStatus,
    AccreditationType,
    Status,
)
from schoolsystem.accreditation.models import (
    Accreditation,
    Application,
    Complaint,
    Coverage,
    HistoryEntry,
    LedSchool,
    Organisation,
    OrganisationMember,
    Round,
)
from schoolsystem.core.errors import NotFound
from schoolsystem.core.formatting import govuk_date
from schoolsystem.engines import accreditation as rules
from schoolsystem.engines import working_days
from schoolsystem.registry.constants import MembershipRole
from schoolsystem.registry.models import LocalAuthority, Membership

# After advisory review the advisory group still sees the ASGs it reviewed.
ADVISORY_ASG_STATES = {
    Status.ADVISORY_REVIEW,
    Status.AWAITING_DECISION,
    Status.ACCREDITED,
    Status.NOT_ACCREDITED,
}
FEEDBACK_STATES = {Status.FEEDBACK_REVIEW, Status.FEEDBACK_RELEASED}


def _organisation_id(user) -> int | None:
    membership = getattr(user, "accreditation_membership", None)
    return membership.organisation_id if membership else None


def applications_q(user) -> Q:
    """The proposals `user` may see, as a filter."""
    if not user.is_authenticated:
        return Q(pk__in=[])
    if is_national(user) or user.role == Role.DECISION_MAKER:
        return Q()
    if user.role == Role.APPLICANT:
        org_id = _organisation_id(user)
        return Q(organisation_id=org_id) if org_id else Q(pk__in=[])
    if user.role == Role.ASSESSOR:
        return Q(assessor_id=user.pk)
    if user.role == Role.ADVISORY_GROUP:
        return Q(accreditation_type=AccreditationType.ASG, status__in=ADVISORY_ASG_STATES) | Q(
            status__in=FEEDBACK_STATES
        )
    return Q(pk__in=[])


def applications_for_user(user) -> QuerySet[Application]:
    return (
        Application.objects.filter(applications_q(user))
        .select_related("organisation", "round", "assessor")
        .order_by("-created_on", "-id")
    )


def application_for_user(user, pk) -> Application:
    """One proposal, with everything its page shows, if `user` may see it; else NotFound."""
    try:
        return (
            applications_for_user(user)
            .select_related("decided_by")
            .prefetch_related(
                "partners",
                "evidence",
                "attachments",
                "scores",
                "information_requests",
                Prefetch("history", queryset=_history_qs()),
                "complaints",
            )
            .get(pk=pk)
        )
    except (Application.DoesNotExist, ValueError, TypeError):
        raise NotFound("No such proposal.") from None


def _history_qs():
    return HistoryEntry.objects.select_related("actor").order_by("occurred_on", "id")


OTHERS_SHOWN = 200  # the decision maker's list of other proposals, newest first
# The states in which a proposal waits for its assessor: scoring and recommending, or writing the feedback (while
# the applicant is asked for information, it waits for them).
ASSESSOR_TO_DO = frozenset({Status.IN_ASSESSMENT, Status.NOT_ACCREDITED})


def queue_for_user(user) -> dict[str, Any]:
    """What `accreditation:home` shows: each role's work."""
    qs = applications_for_user(user)
    queue: dict[str, Any] = {"applications": []}
    role = "admin" if user.is_superuser else user.role
    if role == Role.APPLICANT:
        queue["applications"] = list(qs)
    elif role == Role.ASSESSOR:
        # Their work first; what has gone on to others, or is done, below (found in review: one list mixed them).
        assigned = list(qs.exclude(status__in=[Status.WITHDRAWN]))
        queue["applications"] = [a for a in assigned if a.status in ASSESSOR_TO_DO]
        queue["others"] = [a for a in assigned if a.status not in ASSESSOR_TO_DO]
    elif role == Role.ADVISORY_GROUP:
        pending = [Status.ADVISORY_REVIEW, Status.FEEDBACK_REVIEW]
        queue["applications"] = list(qs.filter(status__in=pending))
        # What the group reviewed, since decided or sent on (found in review: the page was a dead end).
        queue["others"] = list(qs.exclude(status__in=pending))
    elif role in (Role.DECISION_MAKER, "admin"):
        queue["to_assign"] = list(qs.filter(status=Status.SUBMITTED))
        queue["applications"] = list(qs.filter(status=Status.AWAITING_DECISION))
        # Every other proposal past its draft, newest first: found in review, one being assessed or found not
        # eligible was linked from nowhere on the decision maker's page.
        others = list(
            qs.exclude(status__in=[Status.DRAFT, Status.SUBMITTED, Status.AWAITING_DECISION])[
                : OTHERS_SHOWN + 1
            ]
        )
        queue["others"], queue["others_cut"] = others[:OTHERS_SHOWN], len(others) > OTHERS_SHOWN
        queue["complaints"] = list(
            Complaint.objects.exclude(status="answered").select_related("application__organisation")
        )
        queue["accreditations"] = list(
            Accreditation.objects.exclude(status=AccreditationStatus.WITHDRAWN).select_related("organisation")
        )
    return queue


def complaints_for_user(user) -> QuerySet[Complaint]:
    """Complaints on the proposals `user` may see."""
    return (
        Complaint.objects.filter(application__in=Application.objects.filter(applications_q(user)))
        .select_related("application__organisation")
        .order_by("-created_on", "-id")
    )


def complaint_for_user(user, pk) -> Complaint:
    try:
        return complaints_for_user(user).get(pk=pk)
    except (Complaint.DoesNotExist, ValueError, TypeError):
        raise NotFound("No such complaint.") from None


def accreditations_for_user(user) -> QuerySet[Accreditation]:
    """Every accreditation (any status) for the decision maker's office; none for anyone else (the public
    register is `public_register`)."""
    if not (user.is_authenticated and (user.is_superuser or user.role == Role.DECISION_MAKER)):
        return Accreditation.objects.none()
    return Accreditation.objects.select_related("organisation", "application").prefetch_related(
        Prefetch("led_schools", queryset=LedSchool.objects.select_related("establishment"))
    )


def accreditation_for_user(user, pk) -> Accreditation:
    try:
        return accreditations_for_user(user).get(pk=pk)
    except (Accreditation.DoesNotExist, ValueError, TypeError):
        raise NotFound("No such accreditation.") from None


def organisation_to_manage(user, pk) -> Organisation:
    """An organisation `user` may edit: its own (an applicant member) or any (decision maker); else NotFound."""
    qs = Organisation.objects.select_related("establishment", "group").prefetch_related(
        Prefetch("members", queryset=OrganisationMember.objects.select_related("user").order_by("id"))
    )
    if not (user.is_authenticated and (user.is_superuser or user.role == Role.DECISION_MAKER)):
        own = _organisation_id(user) if user.is_authenticated else None
        qs = qs.filter(pk=own) if own else qs.none()
    try:
        return qs.get(pk=pk)
    except (Organisation.DoesNotExist, ValueError, TypeError):
        raise NotFound("No such organisation.") from None


def rounds_for_user(user) -> QuerySet[Round]:
    """Application rounds, for the decision maker's office (who manages them)."""
    if not (user.is_authenticated and (user.is_superuser or user.role == Role.DECISION_MAKER)):
        raise NotFound("No such page.")
    return Round.objects.order_by("-opens_on")


def open_round(*, today: date | None = None) -> Round | None:
    """The application round open today, if any (rounds never overlap): the one answer to "which round is
    open" for the pages (the new-proposal form's default), the API and the services (is a proposal in round)."""
    today = today or timezone.localdate()
    return Round.objects.filter(opens_on__lte=today, closes_on__gte=today).order_by("opens_on").first()


def start_refusals(organisation: Organisation) -> dict[str, str]:
    """Accreditation type -> why `organisation` may not start a proposal of that type now (a type not in the
    answer may be applied for). Two queries.

    Seed 000 has no renewal by a new proposal: the department reviews an accreditation periodically and renews
    or withdraws it (`services.accreditation_review`). So an accreditation of a type that is current (accredited
    or suspended) refuses a new proposal of the same type, and so does a proposal of that type already being
    written or with the department. After a withdrawal, a refusal or a withdrawn proposal the organisation may
    apply again. An organisation holds one accreditation at a time: an ASP may apply to become an ASG (§2: ASPs
    build up the capacity to become ASGs; the ASG accreditation replaces the ASP one), an ASG may not apply to be
    an ASP, and a suspended provider may apply for nothing. It makes one proposal at a time: while one is a draft
    or with the department, it may start no other of either type (as the reason says: wait for its outcome)."""
    refusals: dict[str, str] = {}
    current = Accreditation.objects.filter(
        organisation=organisation,
        status__in=[AccreditationStatus.ACTIVE, AccreditationStatus.SUSPENDED],
    )
    for acc in current:
        kind = AccreditationType(acc.accreditation_type).label
        since = f"since {govuk_date(acc.accredited_on)}"
        suspended = acc.status == AccreditationStatus.SUSPENDED
        if suspended:
            since += (
                f", suspended since {govuk_date(acc.suspended_on)}" if acc.suspended_on else ", now suspended"
            )
        refusals[acc.accreditation_type] = (
            f"{organisation.name} is already accredited as an {kind} ({since}). An accreditation is renewed at "
            f"the department's periodic review, due {govuk_date(acc.review_due_on)}, not by a new proposal."
        )
        # An organisation holds one accreditation at a time: an ASP may go on to apply as an ASG (which replaces
        # it when granted), not the reverse, and nothing else while suspended.
        for other in AccreditationType:
            if other == acc.accreditation_type:
                continue
            if suspended:
                refusals[other] = (
                    f"{organisation.name}'s accreditation as an {kind} is suspended: it cannot apply for another "
                    "accreditation until the suspension is lifted."
                )
            elif acc.accreditation_type == AccreditationType.ASG:
                refusals[other] = (
                    f"{organisation.name} is accredited as an {kind}, and an organisation holds one accreditation "
                    "at a time."
                )
    pending = Application.objects.filter(
        organisation=organisation, status__in=EDITABLE_STATES | OPEN_STATES
    ).order_by("created_on")
    for app in pending[:1]:
        kind = AccreditationType(app.accreditation_type).label
        then = (
            "It is still a draft: continue with it, or withdraw it before starting another."
            if app.status in EDITABLE_STATES
            else "It is with the department: wait for its outcome before starting another."
        )
        reason = f"{organisation.name} already has a proposal to be accredited as an {kind}, {app.reference}. {then}"
        for other in AccreditationType.values:
            refusals.setdefault(other, reason)
    return refusals


def start_refusal_texts(refusals: dict[str, str]) -> list[str]:
    """The reasons of `start_refusals` to show once each (one pending proposal refuses both types)."""
    return list(dict.fromkeys(refusals.values()))


def organisation_for_user(user) -> Organisation | None:
    org_id = _organisation_id(user)
    return Organisation.objects.filter(pk=org_id).first() if org_id else None


def bank_holidays(start: date, end: date) -> frozenset[date]:
    """Days the assessment clock does not count from `start` to `end`: England and Wales bank holidays of those
    years (`engines.working_days`, substitute and proclaimed days included) and any one-off day an operator lists in
    settings.ACCREDITATION_BANK_HOLIDAYS (ISO dates; a malformed one raises)."""
    extra = rules.parse_holidays(getattr(settings, "ACCREDITATION_BANK_HOLIDAYS", ()))
    years = range(start.year, max(start.year, end.year) + 1)
    return extra.union(*(working_days.bank_holidays(year) for year in years))


def clock_for(application: Application, *, today: date | None = None) -> int:
    """Working days the proposal has been with assessors since submission, less further-information pauses
    and bank holidays."""
    if not application.submitted_on:
        return 0
    end = today or timezone.localdate()
    pauses = [
        (timezone.localdate(r.requested_on), timezone.localdate(r.answered_on) if r.answered_on else None)
        for r in application.information_requests.all()
    ]
    start = timezone.localdate(application.submitted_on)
    return rules.working_days_elapsed(start, end, pauses, holidays=bank_holidays(start, end))


# --- the accredited pool ------------------------------------------------------------------------------------


def register_queryset(*, status: str = AccreditationStatus.ACTIVE) -> QuerySet[Accreditation]:
    return (
        Accreditation.objects.filter(status=status)
        .select_related("organisation", "organisation__establishment", "organisation__group")
        .order_by("organisation__name", "id")
    )


def public_register(
    *, accreditation_type: str = "", phase: str = "", la_code: str = "", name: str = ""
) -> QuerySet[Accreditation]:
    """Currently accredited providers (not suspended, not withdrawn), filtered. Public, no sign-in."""
    qs = register_queryset()
    if accreditation_type in AccreditationType.values:
        qs = qs.filter(accreditation_type=accreditation_type)
    if name:
        qs = qs.filter(organisation__name__icontains=name)
    # Phases and LA codes are matched on indexed Coverage rows (JSON containment differs between databases).
    if phase:
        qs = qs.filter(_covers(Coverage.Kind.PHASE, phase))
    if la_code:
        qs = qs.filter(_covers(Coverage.Kind.LA, la_code))
    return qs


def la_names(codes) -> dict[str, str]:
    """{LA code: "Surrey (936)"} for the codes given (one query); an unknown code stands for itself."""
    codes = list(codes or [])
    names = dict(LocalAuthority.objects.filter(code__in=codes).values_list("code", "name"))
    return {code: f"{names[code]} ({code})" if code in names else code for code in codes}


def registry_led_memberships(organisation: Organisation) -> QuerySet[Membership]:
    """The current Memberships through which the registry says `organisation` leads schools: every current
    member of its group (a trust or federation leads its schools), and, for a school, the other current members
    of each group in which it holds a current lead Membership. One query when evaluated."""
    current = Membership.objects.filter(left_on__isnull=True)
    led = Q(pk__in=[])
    if organisation.group_id:
        led |= Q(group_id=organisation.group_id)
    if organisation.establishment_id:
        lead_of = current.filter(establishment_id=organisation.establishment_id, role=MembershipRole.LEAD)
        led |= Q(group_id__in=lead_of.values("group_id"))
    memberships = current.filter(led)
    if organisation.establishment_id:
        memberships = memberships.exclude(establishment_id=organisation.establishment_id)
    return memberships


def registry_schools_led(organisation: Organisation) -> int:
    """How many schools the registry says `organisation` leads now (one query): what assessors and decision
    makers check a proposal's "schools led now through a formal partnership" against (seed 000 §2.3, §2.4: an
    ASG already leads two or more), since the applicant's number is its own claim."""
    if not (organisation.group_id or organisation.establishment_id):
        return 0
    return registry_led_memberships(organisation).values("establishment_id").distinct().count()


def _schools(n: int) -> str:
    return f"{n} school{'' if n == 1 else 's'}"


def schools_led_check(application: Application) -> dict[str, Any]:
    """The register's count of the schools the organisation leads, beside the proposal's claim (one query).

    `register`: the count; `shown`: "The register shows N schools led by <org>"; `mismatch`: a warning when the
    claim and the register differ, else "" (the applicant is not stopped: the register may be behind). For an
    ASG whose claim alone passes seed 000's "two or more schools" (§2.3) the warning says so."""
    org = application.organisation
    register = registry_schools_led(org)
    claim = application.schools_led_in_formal_partnership
    shown = f"The register shows {_schools(register)} led by {org.name}."
    mismatch = ""
    if claim != register:
        mismatch = (
            f"The proposal says {org.name} leads {_schools(claim)} now through a formal partnership, but the "
            f"register shows {register}: check the schools led before relying on the proposal's number."
        )
        least = rules.THRESHOLDS.asg_min_schools_led
        if application.accreditation_type == AccreditationType.ASG and claim >= least > register:
            mismatch += (
                f" An Accredited Schools Group must already lead improvement in {least} or more schools; "
                "the proposal meets this only on its own word."
            )
    return {"register": register, "shown": shown, "mismatch": mismatch}


def known_la_codes(codes) -> set[str]:
    """Which of `codes` are local authorities in the register (one query)."""
    codes = [code for code in codes or [] if code]
    if not codes:
        return set()
    return set(LocalAuthority.objects.filter(code__in=codes).values_list("code", flat=True))


def local_authorities() -> list[tuple[str, str]]:
    """Every local authority in the register as (code, name), by name (one query): where an applicant finds
    the codes of the areas its proposal covers."""
    return list(LocalAuthority.objects.order_by("name").values_list("code", "name"))


def register_areas() -> list[tuple[str, str]]:
    """The areas current providers cover, as (LA code, "Surrey (936)") by name, in one query: the public
    register's area filter and the names of its providers' areas."""
    name = LocalAuthority.objects.filter(code=OuterRef("code")).values("name")[:1]
    rows = (
        Coverage.objects.filter(kind=Coverage.Kind.LA, accreditation__status=AccreditationStatus.ACTIVE)
        .values_list("code", Subquery(name))
        .distinct()
    )
    return sorted(((code, f"{la} ({code})" if la else code) for code, la in rows), key=lambda item: item[1])


def _covers(kind: str, code: str) -> Exists:
    return Exists(Coverage.objects.filter(accreditation=OuterRef("pk"), kind=kind, code=code))


def _location(org: Organisation) -> tuple[int | None, int | None]:
    if org.establishment_id and org.establishment.easting:
        return org.establishment.easting, org.establishment.northing
    if org.group_id and org.group.head_office_easting:
        return org.group.head_office_easting, org.group.head_office_northing
    return None, None


def max_schools(accreditation: Accreditation) -> int:
    """ASPs lead one or two schools (seed 000 §1.3); an ASG leads up to its accredited capacity."""
    if accreditation.accreditation_type == AccreditationType.ASP:
        return rules.THRESHOLDS.asp_max_capacity
    return int(accreditation.capacity)


def accredited_pool_for_brokerage() -> list[dict]:
    """Every currently accredited (active, not suspended) provider, as brokerage's candidates.

    Keys (a contract with brokerage): provider_id, name, accreditation_type, phases, la_codes, max_schools,
    current_schools, denomination, easting, northing, group_id, establishment_urn. provider_id is the
    Accreditation pk. Providers at capacity are included: brokerage compares current_schools with max_schools.
    """
    pool = []
    for a in register_queryset():
        org = a.organisation
        easting, northing = _location(org)
        pool.append(
            {
                "provider_id": a.pk,
                "name": org.name,
                "accreditation_type": str(a.accreditation_type),
                "phases": [str(p) for p in a.phases],
                "la_codes": [str(code) for code in a.la_codes],
                "max_schools": max_schools(a),
                "current_schools": int(a.current_schools),
                "denomination": org.denomination or "",
                "easting": easting,
                "northing": northing,
                "group_id": org.group_id,
                "establishment_urn": org.establishment.urn if org.establishment_id else None,
            }
        )
    return pool


def diocese_candidates() -> list[rules.Candidate]:
    """The accredited pool as engine candidates, for `rules.diocese_first_opportunity`."""
    return [
        rules.Candidate(
            provider_id=a.pk,
            name=a.organisation.name,
            accredited=True,
            is_diocese=a.organisation.org_type in {t.value for t in rules.DIOCESE_TYPES},
            denomination=a.organisation.denomination,
            diocese=a.organisation.diocese,
        )
        for a in register_queryset()
    ]


def eligibility_for(application: Application) -> rules.Eligibility:
    from schoolsystem.accreditation.services import engine_applicant

    return rules.check_eligibility(engine_applicant(application))
