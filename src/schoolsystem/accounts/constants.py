from django.db import models


class Role(models.TextChoices):
    LA_OFFICER = "la_officer", "Local authority officer"
    REGIONAL_OFFICER = "regional_officer", "Regional officer"
    TRUST_LEADER = "trust_leader", "Trust or partnership leader"
    SCHOOL_LEADER = "school_leader", "School leader"
    ASSESSOR = "assessor", "Accreditation assessor"
    ADVISORY_GROUP = "advisory_group", "Advisory group member"
    DECISION_MAKER = "decision_maker", "Decision maker (Secretary of State)"
    APPLICANT = "applicant", "Accreditation applicant"
    PUBLIC = "public", "Member of the public"


# Which scope each role must carry. A regional officer's scope is a region (the LA's region).
ROLE_SCOPE = {
    Role.LA_OFFICER: "la",
    Role.REGIONAL_OFFICER: "region",
    Role.TRUST_LEADER: "group",
    Role.SCHOOL_LEADER: "establishment",
    Role.ASSESSOR: "none",
    Role.ADVISORY_GROUP: "none",
    Role.DECISION_MAKER: "none",
    Role.APPLICANT: "none",
    Role.PUBLIC: "none",
}

# The body a role without a scope decides for, as the public decision register names it (never a person's name).
# Scoped roles are named by their scope: "<LA> local authority", "Regional Director, <region>", and so on.
PUBLIC_BODIES = {
    Role.LA_OFFICER: "Local authority",
    Role.REGIONAL_OFFICER: "Regional Director",
    Role.ADVISORY_GROUP: "Advisory board",
    Role.DECISION_MAKER: "Secretary of State for Education",
    Role.ASSESSOR: "Accreditation assessor",
}

# Roles that may see casework at all (within their scope).
CASEWORK_ROLES = {Role.LA_OFFICER, Role.REGIONAL_OFFICER, Role.TRUST_LEADER, Role.SCHOOL_LEADER}
OFFICER_ROLES = {Role.LA_OFFICER, Role.REGIONAL_OFFICER}
