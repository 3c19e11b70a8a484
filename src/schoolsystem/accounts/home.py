"""Where each role starts: the page the sign-in leads to, the service name in the header links to and the site
root sends a role to when the area overview is not its page. LA and regional officers, national staff and members
of the public keep the overview of their area; a school leader starts on their school, a trust leader on their
trust, and the accreditation roles on the accreditation home."""

from django.urls import reverse

from schoolsystem.accounts.constants import Role

OVERVIEW = "registry:overview"
PUBLIC_START = "performance:find-school"  # signed out: find a school's public report card

# Role -> the route of its home, for the roles whose home is not the area overview. The role also needs its
# scope (a school leader without a school has no school to show).
ROLE_HOMES = {
    Role.SCHOOL_LEADER: ("registry:my-school", "scope_establishment_id"),
    Role.TRUST_LEADER: ("registry:my-trust", "scope_group_id"),
    Role.APPLICANT: ("accreditation:home", None),
    Role.ASSESSOR: ("accreditation:home", None),
    Role.ADVISORY_GROUP: ("accreditation:home", None),
    Role.DECISION_MAKER: ("accreditation:home", None),
}


def home_route(user) -> str:
    """The URL name of `user`'s home page."""
    if not user.is_authenticated:
        return PUBLIC_START
    if user.is_superuser or user.is_staff:
        return OVERVIEW
    route, needs = ROLE_HOMES.get(user.role, (OVERVIEW, None))
    if needs and not getattr(user, needs):
        return OVERVIEW
    return route


def home_url(user) -> str:
    return reverse(home_route(user))
