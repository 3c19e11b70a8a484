"""Scope: which establishments, groups and cases a user may see. Every selector filters through here.

Rules (docs/decisions/0003-roles-and-scope.md):
- superuser / staff: everything;
- LA officer: establishments in their LA;
- regional officer: establishments in LAs of their region;
- trust leader: establishments with a membership in force today of their group, when the group is a formal one
  (trust, federation, sponsor: GIAS records its members); a partnership's leader chooses its members, so leading one
  opens no school's casework (ADR 0098);
- school leader: their establishment;
- assessor, advisory group, decision maker, applicant, public: no casework; registry data is public open data.
"""

from datetime import date

from django.db.models import Q
from django.utils import timezone

from schoolsystem.accounts.constants import Role


def is_national(user) -> bool:
    return bool(user.is_superuser or user.is_staff)


def establishment_q(user, prefix: str = "") -> Q:
    """Q object selecting the establishments in `user`'s scope. `prefix` is the path to the establishment
    from the queried model, e.g. "school__" for a case whose FK is `school`."""
    p = prefix
    if is_national(user):
        return Q()
    if user.role == Role.LA_OFFICER and user.scope_la_id:
        return Q(**{f"{p}la_id": user.scope_la_id})
    if user.role == Role.REGIONAL_OFFICER and user.scope_region:
        return Q(**{f"{p}la__region_name": user.scope_region})
    if user.role == Role.TRUST_LEADER and user.scope_group_id:
        return members_q(user.scope_group_id, p, formal_only=True)
    if user.role == Role.SCHOOL_LEADER and user.scope_establishment_id:
        return Q(**{f"{p}id": user.scope_establishment_id})
    return Q(pk__in=[])  # nothing


def members_q(group_id: int, prefix: str = "", *, formal_only: bool = False, today: date | None = None) -> Q:
    """Q object selecting the establishments with a membership of the group in force today: joined (no date, or
    on or before today) and not yet left (no date, or a date still to come), as `Membership.status` calls
    "Current". A brokered move recorded ahead of its effective date changes nothing before that date.

    `formal_only`: only when the group is a formal one (`FORMAL_GROUP_TYPES`): casework scope. Only a GIAS import
    or an officer's approved brokerage hand-off changes a formal group's members; a partnership's own leader adds
    and ends its members, so its membership must not open a school's casework to that leader."""
    from schoolsystem.registry.constants import FORMAL_GROUP_TYPES
    from schoolsystem.registry.models import Membership

    today = today or timezone.localdate()
    members = Membership.objects.filter(
        Q(joined_on__isnull=True) | Q(joined_on__lte=today),
        Q(left_on__isnull=True) | Q(left_on__gt=today),
        group_id=group_id,
    )
    if formal_only:
        members = members.filter(group__group_type__in=FORMAL_GROUP_TYPES)
    return Q(**{f"{prefix}id__in": members.values("establishment_id")})


def schools_in_scope_words(user) -> str:
    """The schools `establishment_q` selects, in words for a page ("every school in Surrey", "your school,
    Wyke Primary Academy"): a page must not promise an area to a user whose scope is one school."""
    if is_national(user):
        return "every school in England"
    if user.role == Role.LA_OFFICER and user.scope_la_id:
        return f"every school in {user.scope_la.name}"
    if user.role == Role.REGIONAL_OFFICER and user.scope_region:
        return f"every school in the {user.scope_region} region"
    if user.role == Role.TRUST_LEADER and user.scope_group_id:
        if not user.scope_group.is_formal:
            return f"no schools: {user.scope_group.name} is a partnership, and leading one opens no school's casework"
        return f"every school in {user.scope_group.name}"
    if user.role == Role.SCHOOL_LEADER and user.scope_establishment_id:
        return f"your school, {user.scope_establishment.name}"
    return "no schools"


def can_see_casework(user) -> bool:
    from schoolsystem.accounts.constants import CASEWORK_ROLES

    return is_national(user) or user.role in CASEWORK_ROLES


def has_role(user, *roles: str) -> bool:
    return bool(user.is_authenticated and (user.is_superuser or user.role in roles))
