"""Registry writes: informal partnerships, their memberships, and system leaders.

Formal groups (trusts, federations, sponsors) and their memberships come from GIAS through the importers; these
services only touch the informal kinds GIAS does not record (teaching school alliances, collaborative and local
strategic partnerships, diocesan and national networks, ...). Every service is atomic and writes an audit event.

`by` is the user acting. `by=None` means a trusted system process (a file import run from the command line, the
demo loader): no permission check, and the audit event carries `actor_label` instead of a user.

Who may do what is data (the *_RULES tables below, docs/decisions/0041-partnership-permissions.md): each rule turns
a user into a Q filter, so "may this user edit this object?" and "which objects may this user edit?" have one
answer (`group_for_edit`, `partnerships_editable_by`).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet

from schoolsystem.accounts.constants import Role
from schoolsystem.accounts.scope import establishment_q
from schoolsystem.core.audit import audit, diff, snapshot
from schoolsystem.core.errors import InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from schoolsystem.registry.constants import (
    FORMAL_GROUP_TYPES,
    GroupStatus,
    GroupType,
    MembershipRole,
    SystemLeaderDesignation,
)
from schoolsystem.registry.models import Establishment, Group, LocalAuthority, Membership, SystemLeader

INFORMAL_GROUP_TYPES = frozenset(t for t in GroupType if t not in FORMAL_GROUP_TYPES)

# Days a system leader can be deployed in one term cannot exceed the school days in a term (13 weeks x 5).
MAX_DAYS_PER_TERM = 65

NOTHING = Q(pk__in=[])


class _Unchanged:
    def __repr__(self) -> str:
        return "UNCHANGED"


UNCHANGED: Any = _Unchanged()


# ---------------------------------------------------------------------------------------------------------------
# Permission rules (data). Each maps a role to a function user -> Q over the model it governs.
# Superusers may do everything; any role missing from a table may do nothing there.
# ---------------------------------------------------------------------------------------------------------------


def _led_by_school(establishment_id: int | None) -> Q:
    if not establishment_id:
        return NOTHING
    leads = Membership.objects.filter(
        establishment_id=establishment_id, role=MembershipRole.LEAD, left_on__isnull=True
    )
    return Q(pk__in=leads.values("group_id"))


# Which informal partnerships a user may edit (rename, close, add and end memberships).
PARTNERSHIP_EDIT_RULES: dict[str, Callable[[Any], Q]] = {
    # An LA officer looks after the partnerships of their own LA.
    Role.LA_OFFICER: lambda u: Q(la_id=u.scope_la_id) if u.scope_la_id else NOTHING,
    # A trust or partnership leader edits the group they lead (their scope group).
    Role.TRUST_LEADER: lambda u: Q(pk=u.scope_group_id) if u.scope_group_id else NOTHING,
    # A head edits partnerships their school leads (a current membership with role "lead").
    Role.SCHOOL_LEADER: lambda u: _led_by_school(u.scope_establishment_id),
}


def _school_la(user) -> int | None:
    est = user.scope_establishment
    return est.la_id if est else None


# Who may create an informal partnership, and in which LA: role -> user -> the LA id it must belong to
# (None: the partnership may have any LA or none). Roles absent here may not create partnerships.
PARTNERSHIP_CREATE_RULES: dict[str, Callable[[Any], int | None]] = {
    Role.LA_OFFICER: lambda u: u.scope_la_id,
    # A head's new partnership is led by their school; it belongs to their school's LA.
    Role.SCHOOL_LEADER: _school_la,
}

# Which system leaders a user may record and change: officers, within their area (by the leader's school).
SYSTEM_LEADER_EDITOR_ROLES = frozenset({Role.LA_OFFICER, Role.REGIONAL_OFFICER})


def partnerships_editable_by(user) -> QuerySet[Group]:
    """Informal groups `user` may edit."""
    informal = Group.objects.filter(group_type__in=INFORMAL_GROUP_TYPES)
    if user.is_superuser:
        return informal
    rule = PARTNERSHIP_EDIT_RULES.get(user.role)
    return informal.filter(rule(user)) if rule else informal.none()


def memberships_editable_by(user) -> QuerySet[Membership]:
    return Membership.objects.filter(group__in=partnerships_editable_by(user).values("pk"))


def system_leaders_editable_by(user) -> QuerySet[SystemLeader]:
    if user.is_superuser:
        return SystemLeader.objects.all()
    if user.role not in SYSTEM_LEADER_EDITOR_ROLES:
        return SystemLeader.objects.none()
    return SystemLeader.objects.filter(establishment_q(user, "establishment__"), establishment__isnull=False)


def may_look_after_partnerships(user) -> bool:
    """Whether `user`'s role may edit some partnership (no query: the page that follows lists which, or says there
    are none), so pages offer "Add to a partnership" without a query of their own."""
    return user.is_superuser or user.role in PARTNERSHIP_EDIT_RULES


def partnerships_school_may_join(user, establishment: Establishment) -> QuerySet[Group]:
    """The informal partnerships `user` may add `establishment` to: ones they may edit, not closed, that the school
    is not a current member of; by name. The "Add to a partnership" page offers these."""
    current = Membership.objects.filter(establishment=establishment, left_on__isnull=True).values("group_id")
    return (
        partnerships_editable_by(user)
        .exclude(status=GroupStatus.CLOSED)
        .exclude(pk__in=current)
        .select_related("la")
        .order_by("name", "pk")
    )


def may_create_partnership(user, la: LocalAuthority | None) -> bool:
    if user.is_superuser:
        return True
    if user.role not in PARTNERSHIP_CREATE_RULES:
        return False
    required = PARTNERSHIP_CREATE_RULES[user.role](user)
    return required is not None and la is not None and la.pk == required


def may_manage_system_leader_at(user, establishment: Establishment | None) -> bool:
    """Whether `user` may record a system leader based at `establishment` (None: no school, e.g. an NLG)."""
    if user.is_superuser:
        return True
    if user.role not in SYSTEM_LEADER_EDITOR_ROLES or establishment is None:
        return False
    return Establishment.objects.filter(establishment_q(user), pk=establishment.pk).exists()


# Fetch-and-authorise for writes: out-of-scope objects are "not found" (docs/decisions/0003-roles-and-scope.md).


def group_for_edit(user, pk) -> Group:
    group = partnerships_editable_by(user).filter(pk=pk).select_related("la").first()
    if group is None:
        raise NotFound("No partnership you can edit has that id.")
    return group


def membership_for_edit(user, pk) -> Membership:
    membership = memberships_editable_by(user).filter(pk=pk).select_related("group", "establishment").first()
    if membership is None:
        raise NotFound("No membership you can edit has that id.")
    return membership


def system_leader_for_edit(user, pk) -> SystemLeader:
    leader = system_leaders_editable_by(user).filter(pk=pk).select_related("establishment").first()
    if leader is None:
        raise NotFound("No system leader you can edit has that id.")
    return leader


def _require_group_edit(by, group: Group) -> None:
    if by is not None and not partnerships_editable_by(by).filter(pk=group.pk).exists():
        raise PermissionDenied(f"You may not edit {group.name}.")


def _fail(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(message, extra={"errors": {field: [message]}})


# Bookkeeping columns are left out of audit diffs: the event has its own time.
_UNTRACKED = frozenset({"id", "created_on", "modified_on"})


def _state(obj) -> dict[str, Any]:
    return snapshot(obj, [f.attname for f in obj._meta.concrete_fields if f.attname not in _UNTRACKED])


def _audit(obj, action: str, *, before: dict[str, Any], by, actor_label: str, note: str = "") -> None:
    """Audit event with old and new values of the fields that changed (`before={}` for a creation)."""
    audit(
        obj=obj,
        action=action,
        actor=by,
        actor_label=actor_label,
        changes=diff(before, _state(obj)),
        note=note,
    )


# ---------------------------------------------------------------------------------------------------------------
# Partnerships
# ---------------------------------------------------------------------------------------------------------------


def _check_informal_type(group_type: str) -> None:
    if group_type in FORMAL_GROUP_TYPES:
        raise _fail(
            "group_type",
            f"{GroupType(group_type).label} is a formal group: formal groups come from GIAS, not from here.",
        )
    if group_type not in INFORMAL_GROUP_TYPES:
        raise _fail("group_type", f"{group_type!r} is not a kind of partnership.")


def _check_name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise _fail("name", "Enter the partnership's name.")
    if len(name) > 250:
        raise _fail("name", "The name must be 250 characters or less")
    return name


@transaction.atomic
def partnership_create(
    *,
    by,
    name: str,
    group_type: str,
    la: LocalAuthority | None = None,
    description: str = "",
    opened_on: date | None = None,
    actor_label: str = "",
) -> Group:
    """Create an informal partnership (PARTNERSHIP_CREATE_RULES say who, and in which LA).

    When a head creates it, their school becomes its lead member on `opened_on` (or today). An open partnership
    of the same name and type in the same LA is refused as a duplicate.
    """
    name = _check_name(name)
    _check_informal_type(group_type)
    if by is not None and not by.is_superuser:
        if by.role not in PARTNERSHIP_CREATE_RULES:
            raise PermissionDenied("Your role may not create partnerships.")
        if la is None:
            default = PARTNERSHIP_CREATE_RULES[by.role](by)
            la = LocalAuthority.objects.filter(pk=default).first() if default else None
        if not may_create_partnership(by, la):
            raise PermissionDenied("You may only create partnerships in your own local authority.")
    duplicate = Group.objects.filter(
        name__iexact=name, group_type=group_type, la=la, status=GroupStatus.OPEN
    ).exists()
    if duplicate:
        raise _fail("name", f"An open {GroupType(group_type).label.lower()} called {name} already exists.")
    group = Group(
        name=name,
        group_type=group_type,
        la=la,
        description=description or "",
        opened_on=opened_on,
        status=GroupStatus.OPEN,
    )
    group.save()
    _audit(group, "partnership.created", before={}, by=by, actor_label=actor_label)
    if by is not None and by.role == Role.SCHOOL_LEADER and not by.is_superuser and by.scope_establishment_id:
        _add_member(
            group,
            by.scope_establishment,
            role=MembershipRole.LEAD,
            joined_on=opened_on or date.today(),
            by=by,
            actor_label=actor_label,
        )
    return group


@transaction.atomic
def partnership_update(
    *,
    by,
    group: Group,
    name: str = UNCHANGED,
    group_type: str = UNCHANGED,
    description: str = UNCHANGED,
    opened_on: date | None = UNCHANGED,
    la: LocalAuthority | None = UNCHANGED,
    actor_label: str = "",
) -> Group:
    """Change an informal partnership's details. Only fields passed are changed; moving it to another LA is for
    administrators (an LA officer would otherwise hand their partnership to an area they cannot see)."""
    group = Group.objects.select_for_update().get(pk=group.pk)
    if group.is_formal:
        raise PermissionDenied("Formal groups come from GIAS and cannot be edited here.")
    _require_group_edit(by, group)
    before = _state(group)
    fields: list[str] = []
    if name is not UNCHANGED:
        group.name = _check_name(name)
        fields.append("name")
    if group_type is not UNCHANGED:
        _check_informal_type(group_type)
        group.group_type = group_type
        fields.append("group_type")
    if description is not UNCHANGED:
        group.description = description or ""
        fields.append("description")
    if opened_on is not UNCHANGED:
        if opened_on and group.closed_on and opened_on > group.closed_on:
            raise _fail("opened_on", "The opening date must be on or before the closing date.")
        group.opened_on = opened_on
        fields.append("opened_on")
    if la is not UNCHANGED and (la.pk if la else None) != group.la_id:
        if by is not None and not by.is_superuser:
            raise PermissionDenied("Only an administrator may move a partnership to another local authority.")
        group.la = la
        fields.append("la")
    if not fields:
        return group
    group.save(update_fields=[*fields, "modified_on"])
    _audit(group, "partnership.updated", before=before, by=by, actor_label=actor_label)
    return group


@transaction.atomic
def partnership_close(*, by, group: Group, closed_on: date, actor_label: str = "") -> Group:
    """Close an informal partnership: status closed, every current membership ends on `closed_on`."""
    group = Group.objects.select_for_update().get(pk=group.pk)
    if group.is_formal:
        raise PermissionDenied("Formal groups come from GIAS and cannot be closed here.")
    _require_group_edit(by, group)
    if group.status == GroupStatus.CLOSED:
        raise InvalidTransition(f"{group.name} is already closed.")
    if group.opened_on and closed_on < group.opened_on:
        raise _fail("closed_on", "The closing date must be on or after the opening date.")
    current = list(group.memberships.filter(left_on__isnull=True).select_related("establishment", "group"))
    late = [m for m in current if m.joined_on and m.joined_on > closed_on]
    if late:
        raise _fail(
            "closed_on",
            f"{late[0].establishment.name} joined on {late[0].joined_on:%d/%m/%Y}, after the closing date.",
        )
    before = _state(group)
    group.status = GroupStatus.CLOSED
    group.closed_on = closed_on
    group.save(update_fields=["status", "closed_on", "modified_on"])
    _audit(group, "partnership.closed", before=before, by=by, actor_label=actor_label)
    for membership in current:
        _end(membership, closed_on, by=by, actor_label=actor_label, note=f"{group.name} closed")
    return group


# ---------------------------------------------------------------------------------------------------------------
# Memberships
# ---------------------------------------------------------------------------------------------------------------


@transaction.atomic
def membership_add(
    *,
    by,
    group: Group,
    establishment: Establishment,
    role: str,
    joined_on: date,
    actor_label: str = "",
) -> Membership:
    """Add a school to an informal partnership. A school already a current member is refused (end that membership
    first to change its role); so is joining a closed partnership, or joining after the school closed."""
    group = Group.objects.select_for_update().get(pk=group.pk)
    if group.is_formal:
        raise PermissionDenied("Memberships of formal groups come from GIAS and cannot be edited here.")
    _require_group_edit(by, group)
    return _add_member(group, establishment, role=role, joined_on=joined_on, by=by, actor_label=actor_label)


def _add_member(
    group: Group, establishment: Establishment, *, role: str, joined_on: date, by, actor_label: str
) -> Membership:
    if role not in MembershipRole.values:
        raise _fail("role", f"{role!r} is not a membership role ({', '.join(MembershipRole.values)}).")
    if joined_on is None:
        raise _fail("joined_on", "Enter the date the school joined.")
    if group.status == GroupStatus.CLOSED:
        raise InvalidTransition(f"{group.name} is closed: schools cannot join it.")
    if establishment.closed_on and joined_on > establishment.closed_on:
        raise _fail(
            "joined_on", f"{establishment.name} closed on {establishment.closed_on:%d/%m/%Y}, before joining."
        )
    current = group.memberships.filter(establishment=establishment, left_on__isnull=True).first()
    if current is not None:
        since = f" since {current.joined_on:%d/%m/%Y}" if current.joined_on else ""
        raise _fail(
            "establishment",
            f"{establishment.name} (URN {establishment.urn}) is already a current member of {group.name}{since}.",
        )
    membership = Membership(establishment=establishment, group=group, role=role, joined_on=joined_on)
    try:
        with transaction.atomic():
            membership.save()
    except IntegrityError as exc:  # a concurrent add won the race for the partial unique constraint
        raise _fail(
            "establishment", f"{establishment.name} is already a current member of {group.name}."
        ) from exc
    _audit(membership, "membership.added", before={}, by=by, actor_label=actor_label)
    return membership


def _end(membership: Membership, left_on: date, *, by, actor_label: str, note: str = "") -> Membership:
    if membership.left_on is not None:
        raise InvalidTransition(
            f"{membership.establishment.name} already left {membership.group.name} on "
            f"{membership.left_on:%d/%m/%Y}."
        )
    if left_on is None:
        raise _fail("left_on", "Enter the date the school left.")
    if membership.joined_on and left_on < membership.joined_on:
        raise _fail(
            "left_on",
            f"The leaving date must be on or after the joining date ({membership.joined_on:%d/%m/%Y}).",
        )
    before = _state(membership)
    membership.left_on = left_on
    membership.save(update_fields=["left_on", "modified_on"])
    _audit(membership, "membership.ended", before=before, by=by, actor_label=actor_label, note=note)
    return membership


@transaction.atomic
def membership_end(*, by, membership: Membership, left_on: date, actor_label: str = "") -> Membership:
    """End a current membership on `left_on` (>= joined_on). The row is kept: history is never deleted."""
    membership = (
        Membership.objects.select_for_update(of=("self",))
        .select_related("group", "establishment")
        .get(pk=membership.pk)
    )
    if membership.group.is_formal:
        raise PermissionDenied("Memberships of formal groups come from GIAS and cannot be edited here.")
    _require_group_edit(by, membership.group)
    return _end(membership, left_on, by=by, actor_label=actor_label)


def membership_move_brokered(
    *,
    by,
    establishment: Establishment,
    to_group: Group,
    effective_on: date,
    leave_group_types: tuple[str, ...],
    note: str = "",
) -> tuple[Membership, list[Membership]]:
    """An approved brokerage decision takes effect: the school leaves its current groups of `leave_group_types`
    (left_on = effective_on) and joins `to_group` as a member (joined_on = effective_on). This is the one way a
    formal group's membership changes outside a GIAS import; the caller (brokerage.services.proposal_hand_off)
    checks the officer's scope and runs it inside its transaction. Audited as membership.ended / membership.added
    with the decision in the note. A school the register already shows in `to_group` keeps that membership (its
    other trusts still end). A later GIAS import remains the source of truth and reconciles the rows."""
    if effective_on is None:
        raise _fail("effective_on", "Enter the date the school joins the trust.")
    group = Group.objects.select_for_update().get(pk=to_group.pk)
    current = list(
        Membership.objects.select_for_update(of=("self",))
        .select_related("group", "establishment")
        .filter(establishment=establishment, left_on__isnull=True, group__group_type__in=leave_group_types)
        .exclude(group=group)
    )
    ended = [_end(m, effective_on, by=by, actor_label="", note=note) for m in current]
    already = group.memberships.filter(establishment=establishment, left_on__isnull=True).first()
    if already is not None:  # the register already has the school in the receiving trust: keep that row
        return already, ended
    added = _add_member(
        group, establishment, role=MembershipRole.MEMBER, joined_on=effective_on, by=by, actor_label=""
    )
    return added, ended


# ---------------------------------------------------------------------------------------------------------------
# System leaders
# ---------------------------------------------------------------------------------------------------------------


def _check_leader(leader: SystemLeader) -> None:
    """Rules on a system leader's whole record, checked before every save."""
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if not (leader.name or "").strip():
        add("name", "Enter the system leader's name.")
    if leader.designation not in SystemLeaderDesignation.values:
        add(
            "designation",
            f"{leader.designation!r} is not one of {', '.join(SystemLeaderDesignation.values)}.",
        )
    if leader.establishment_id is None and leader.designation != SystemLeaderDesignation.NLG:
        add("establishment", "NLEs, LLEs and SLEs are based at a school: give its URN.")
    if leader.national_support_school and leader.designation != SystemLeaderDesignation.NLE:
        add("national_support_school", "Only an NLE's school is a National Support School.")
    if (
        leader.designated_on
        and leader.designation_ends_on
        and leader.designation_ends_on < leader.designated_on
    ):
        add("designation_ends_on", "The designation must end on or after the date it started.")
    if leader.days_per_term is None or not 0 <= leader.days_per_term <= MAX_DAYS_PER_TERM:
        add("days_per_term", f"Days per term must be between 0 and {MAX_DAYS_PER_TERM}.")
    tsa = leader.teaching_school_alliance
    if tsa is not None and tsa.group_type != GroupType.TEACHING_SCHOOL_ALLIANCE:
        add("teaching_school_alliance", f"{tsa.name} is not a teaching school alliance.")
    if errors:
        first = next(iter(errors.values()))[0]
        raise ValidationFailed(first, extra={"errors": errors})


def _require_leader_place(by, establishment: Establishment | None) -> None:
    if by is not None and not may_manage_system_leader_at(by, establishment):
        raise PermissionDenied("You may only record system leaders at schools in your area.")


@transaction.atomic
def system_leader_create(
    *,
    by,
    name: str,
    designation: str,
    establishment: Establishment | None = None,
    national_support_school: bool = False,
    teaching_school_alliance: Group | None = None,
    specialism: str = "",
    phase: str = "",
    designated_on: date | None = None,
    designation_ends_on: date | None = None,
    days_per_term: int = 0,
    actor_label: str = "",
) -> SystemLeader:
    """Record an NLE, LLE, SLE or NLG. Officers record leaders at schools in their area."""
    _require_leader_place(by, establishment)
    leader = SystemLeader(
        name=(name or "").strip(),
        designation=designation,
        establishment=establishment,
        national_support_school=bool(national_support_school),
        teaching_school_alliance=teaching_school_alliance,
        specialism=specialism or "",
        phase=phase or "",
        designated_on=designated_on,
        designation_ends_on=designation_ends_on,
        days_per_term=days_per_term,
    )
    _check_leader(leader)
    leader.save()
    _audit(leader, "system_leader.created", before={}, by=by, actor_label=actor_label)
    return leader


@transaction.atomic
def system_leader_update(
    *,
    by,
    leader: SystemLeader,
    name: str = UNCHANGED,
    designation: str = UNCHANGED,
    establishment: Establishment | None = UNCHANGED,
    national_support_school: bool = UNCHANGED,
    teaching_school_alliance: Group | None = UNCHANGED,
    specialism: str = UNCHANGED,
    phase: str = UNCHANGED,
    designated_on: date | None = UNCHANGED,
    designation_ends_on: date | None = UNCHANGED,
    days_per_term: int = UNCHANGED,
    actor_label: str = "",
) -> SystemLeader:
    """Change a system leader's record; only fields passed change. Moving them to another school needs the right
    to record leaders at both schools."""
    leader = (
        SystemLeader.objects.select_for_update(of=("self",)).select_related("establishment").get(pk=leader.pk)
    )
    _require_leader_place(by, leader.establishment)
    before = _state(leader)
    requested = {
        "name": name,
        "designation": designation,
        "establishment": establishment,
        "national_support_school": national_support_school,
        "teaching_school_alliance": teaching_school_alliance,
        "specialism": specialism,
        "phase": phase,
        "designated_on": designated_on,
        "designation_ends_on": designation_ends_on,
        "days_per_term": days_per_term,
    }
    changed = []
    for field, value in requested.items():
        if value is UNCHANGED:
            continue
        if field in {"name", "specialism", "phase"}:
            value = (value or "").strip()
        setattr(leader, field, value)
        changed.append(field)
    if "establishment" in changed:
        _require_leader_place(by, leader.establishment)
    _check_leader(leader)
    if not changed:
        return leader
    leader.save(update_fields=[*changed, "modified_on"])
    _audit(leader, "system_leader.updated", before=before, by=by, actor_label=actor_label)
    return leader


@transaction.atomic
def system_leader_end(*, by, leader: SystemLeader, ended_on: date, actor_label: str = "") -> SystemLeader:
    """End a designation on `ended_on` (kept, with its dates, for the record)."""
    leader = (
        SystemLeader.objects.select_for_update(of=("self",)).select_related("establishment").get(pk=leader.pk)
    )
    _require_leader_place(by, leader.establishment)
    if leader.designation_ends_on is not None and leader.designation_ends_on <= date.today():
        raise InvalidTransition(
            f"{leader.name}'s designation already ended on {leader.designation_ends_on:%d/%m/%Y}."
        )
    if ended_on is None:
        raise _fail("ended_on", "Enter the date the designation ends.")
    if leader.designated_on and ended_on < leader.designated_on:
        raise _fail("ended_on", "The designation must end on or after the date it started.")
    before = _state(leader)
    leader.designation_ends_on = ended_on
    leader.save(update_fields=["designation_ends_on", "modified_on"])
    _audit(leader, "system_leader.ended", before=before, by=by, actor_label=actor_label)
    return leader
