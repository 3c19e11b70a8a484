"""`{% titled %}...{% endtitled %}`: the page title, with "Error: " in front when the page shows a form with errors
(the GOV.UK Design System's rule, so screen reader users hear it first). base.html wraps its title in it, so every
page gets it without its template doing anything: any bound form or formset in the page's context that has
errors, a service's `error` message shown in the error summary (core/_errors.html), or a non-empty list of
summary entries `errors`, counts. A title that
already starts with "Error:" is left as it is."""

from django import template
from django.forms import BaseForm
from django.forms.formsets import BaseFormSet
from django.utils.safestring import mark_safe

register = template.Library()

PREFIX = "Error: "


def _has_errors(value) -> bool:
    if isinstance(value, BaseForm):
        return value.is_bound and bool(value.errors)
    if isinstance(value, BaseFormSet):
        return value.is_bound and value.total_error_count() > 0
    return False


def page_has_errors(context) -> bool:
    values = context.flatten()
    if isinstance(values.get("error"), str) and values["error"]:
        return True
    # The accreditation pages pass their error summary's entries as `errors` [(link, message)], their forms
    # nested (a dict of action forms, a box per complaint).
    if isinstance(values.get("errors"), list) and values["errors"]:
        return True
    return any(_has_errors(value) for value in values.values())


class TitleNode(template.Node):
    def __init__(self, nodelist):
        self.nodelist = nodelist  # holds the title's {% block %}s: child templates still override them

    def render(self, context) -> str:
        title = self.nodelist.render(context).strip()  # rendered (escaped) by the nodelist
        if page_has_errors(context) and not title.startswith(PREFIX.strip()):
            title = PREFIX + title
        return mark_safe(title)


@register.tag
def titled(parser, token):
    nodelist = parser.parse(("endtitled",))
    parser.delete_first_token()
    return TitleNode(nodelist)
