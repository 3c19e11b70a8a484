"""Template filters for the accreditation pages (see accreditation.formatting)."""

from django import template

from schoolsystem.accreditation import formatting

register = template.Library()


@register.filter
def user_name(user) -> str:
    return formatting.user_name(user)


@register.filter
def plain_rule(text: str) -> str:
    return formatting.without_section_refs(text or "")
