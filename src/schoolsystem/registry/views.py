"""Registry pages: the area overview, school search, a school, a group, isolated schools. Reads only (selectors)."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils.text import slugify

from schoolsystem.core.audit import history_for
from schoolsystem.core.errors import NotFound
from schoolsystem.core.exports import csv_response
from schoolsystem.registry import selectors
from schoolsystem.registry.forms import SchoolSearchForm
from schoolsystem.registry.maps import svg_map
from schoolsystem.registry.pagination import paginate, pagination
from schoolsystem.registry.school_links import links_for

SCHOOL_CSV_HEADER = [
    "URN",
    "Name",
    "LA code",
    "Local authority",
    "Type",
    "Type group",
    "Phase",
    "Status",
    "Ofsted rating",
    "Ofsted last inspection",
    "District",
    "Postcode",
    "Pupils",
    "Capacity",
]


def _school_row(s) -> list:
    return [
        s.urn,
        s.name,
        s.la.code,
        s.la.name,
        s.type_name,
        s.type_group,
        s.phase,
        s.get_status_display(),
        s.ofsted_rating,
        s.ofsted_last_inspection,
        s.district,
        s.postcode,
        s.pupils,
        s.capacity,
    ]


def not_found_as_404(view):
    """Selectors raise core.errors.NotFound (out of scope or missing); pages answer 404."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except NotFound as error:
            raise Http404(error.message) from error

    return wrapper


def _area_context(request):
    area = selectors.area_for(request.user, request.GET.get("la") or None)
    own = selectors.default_area(request.user)
    return area, {"area": area, "own_area": own, "la_choices": selectors.la_choices(), "la": area.code}


def _wants_csv(request) -> bool:
    return request.GET.get("format") == "csv"


@login_required
@not_found_as_404
def overview(request):
    area, context = _area_context(request)
    context["overview"] = selectors.overview(area)
    return render(request, "registry/overview.html", context)


@login_required
@not_found_as_404
def school_search(request):
    area, context = _area_context(request)
    form = SchoolSearchForm(request.GET, **selectors.filter_options(area))
    results = selectors.establishment_search(area, form.filters())
    if _wants_csv(request):
        return csv_response(
            f"schools-{slugify(area.label)}.csv",
            header=SCHOOL_CSV_HEADER,
            rows=(_school_row(s) for s in results.iterator(chunk_size=2000)),
        )
    page = paginate(request, results)
    params = request.GET.copy()
    params.pop("page", None)
    params["format"] = "csv"
    context.update(form=form, page=page, pagination=pagination(request, page), csv_query=params.urlencode())
    return render(request, "registry/school_search.html", context)


@login_required
@not_found_as_404
def school_detail(request, urn: int):
    school = selectors.school_for_user(request.user, urn)
    context = {
        "school": school,
        "memberships": selectors.memberships_of(school),
        "chain": selectors.history_chain(school),
        "other_links": selectors.other_links(school),
        "system_leaders": selectors.system_leaders_at(school),
        "more_links": links_for(school.urn),
        "map": svg_map(
            selectors.map_points([school.la_id]),
            highlight={school.urn},
            title=f"Where {school.name} is in {school.la.name}",
            description=(
                f"Map of the open establishments of {school.la.name} as grey dots, "
                f"with {school.name} marked in red."
                if school.easting and school.northing
                else f"Map of the open establishments of {school.la.name}; no location is recorded for {school.name}."
            ),
            map_id="school-map",
        ),
    }
    context["show_audit"] = selectors.can_see_audit(request.user, school)
    if context["show_audit"]:
        context["audit_events"] = list(history_for(school)[:50])
    return render(request, "registry/school_detail.html", context)


@login_required
@not_found_as_404
def group_detail(request, pk: int):
    group = selectors.group_for_user(request.user, pk)
    members = selectors.group_members(group)
    if _wants_csv(request):
        return csv_response(
            f"group-{group.pk}-members.csv",
            header=["URN", "Name", "Local authority", "Role", "Joined", "Left"],
            rows=(
                (
                    m.establishment.urn,
                    m.establishment.name,
                    m.establishment.la.name,
                    m.get_role_display(),
                    m.joined_on,
                    m.left_on,
                )
                for m in members
            ),
        )
    current = [m for m in members if m.is_current]
    la_ids = {m.establishment.la_id for m in current} or ({group.la_id} if group.la_id else set())
    context = {
        "group": group,
        "members": members,
        "current_count": len(current),
        "past_count": len(members) - len(current),
        "map": svg_map(
            selectors.map_points(la_ids),
            highlight={m.establishment.urn for m in current},
            title=f"Where the schools of {group.name} are",
            description=(
                f"Map of the open establishments of the local authorities where {group.name} has schools, as grey "
                f"dots; its {len(current)} current member schools are marked in red."
            ),
            map_id="group-map",
        ),
    }
    return render(request, "registry/group_detail.html", context)


@login_required
@not_found_as_404
def isolated_schools(request):
    area, context = _area_context(request)
    schools = selectors.isolated_schools(area)
    if _wants_csv(request):
        return csv_response(
            f"isolated-schools-{slugify(area.label)}.csv",
            header=SCHOOL_CSV_HEADER,
            rows=(_school_row(s) for s in schools.iterator(chunk_size=2000)),
        )
    page = paginate(request, schools, per_page=50)
    params = request.GET.copy()
    params.pop("page", None)
    params["format"] = "csv"
    context.update(page=page, pagination=pagination(request, page), csv_query=params.urlencode())
    return render(request, "registry/isolated.html", context)
