"""Scope: which establishments, groups and cases a user may see. Every selector filters through here.

Rules (docs/decisions/0003-roles-and-scope.md):
- superuser / staff: everything;
- LA officer: establishments in their LA;
- regional officer: establishments in LAs of their region;
- trust leader: establishments with a current membership of their group, and the group itself;
- school leader: their establishment;
- assessor, advisory group, decision maker, applicant, public: no casework; registry data is public open data.
"""

from django.db.models import Q

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
        from schoolsystem.registry.models import Membership

        members = Membership.objects.filter(group_id=user.scope_group_id, left_on__isnull=True)
        return Q(**{f"{p}id__in": members.values("establishment_id")})
    if user.role == Role.SCHOOL_LEADER and user.scope_establishment_id:
        return Q(**{f"{p}id": user.scope_establishment_id})
    return Q(pk__in=[])  # nothing


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
        return f"every school in {user.scope_group.name}"
    if user.role == Role.SCHOOL_LEADER and user.scope_establishment_id:
        return f"your school, {user.scope_establishment.name}"
    return "no schools"


def can_see_casework(user) -> bool:
    from schoolsystem.accounts.constants import CASEWORK_ROLES

    return is_national(user) or user.role in CASEWORK_ROLES


def has_role(user, *roles: str) -> bool:
    return bool(user.is_authenticated and (user.is_superuser or user.role in roles))
