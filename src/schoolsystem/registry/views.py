"""Registry pages: the area overview, school search, a school, a group, isolated schools. Reads only (selectors)."""

import secrets
import shutil
from collections.abc import Iterator
from datetime import date
from functools import wraps
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from schoolsystem.accounts.home import OVERVIEW, home_route
from schoolsystem.core.audit import history_for
from schoolsystem.core.errors import NotFound, PermissionDenied, ValidationFailed
from schoolsystem.core.exports import csv_response
from schoolsystem.core.imports import PIPELINES, ImportFailed
from schoolsystem.core.pages import page, posted, submit
from schoolsystem.registry import forms, home, selectors, services
from schoolsystem.registry.constants import EstablishmentStatus
from schoolsystem.registry.forms import SchoolSearchForm
from schoolsystem.registry.maps import svg_map
from schoolsystem.registry.models import Establishment
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


# The CSV's columns, read as values: building a whole Establishment (50 columns and its LA) for each of England's
# 32,000 rows took most of the export's 3 s (found at national scale).
SCHOOL_CSV_FIELDS = (
    "urn",
    "name",
    "la__code",
    "la__name",
    "type_name",
    "type_group",
    "phase",
    "status",
    "ofsted_rating",
    "ofsted_last_inspection",
    "district",
    "postcode",
    "pupils",
    "capacity",
)
_STATUS = SCHOOL_CSV_FIELDS.index("status")


def _school_rows(schools) -> Iterator[list]:
    """The CSV rows of `schools` (a queryset), streamed, with each status in words."""
    labels = dict(EstablishmentStatus.choices)
    for values in schools.values_list(*SCHOOL_CSV_FIELDS).iterator(chunk_size=2000):
        row = list(values)
        row[_STATUS] = labels.get(row[_STATUS], row[_STATUS])
        yield row


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


def _csv_name(*parts: str, filters: selectors.SearchFilters | None = None) -> str:
    """A download's file name that says what it holds and when: "schools-surrey-2026-12-05.csv",
    "schools-surrey-park-primary-any-status-2026-12-05.csv" (the search text, type, phase and status asked for)."""
    words = [*parts]
    if filters is not None:
        words += [filters.q[:40], filters.type_name, filters.phase]
        if filters.status:
            words.append("any-status" if filters.status == selectors.ANY_STATUS else filters.status)
    return "-".join([*(slugify(w) for w in words if w), timezone.localdate().isoformat()]) + ".csv"


def _wants_csv(request) -> bool:
    return request.GET.get("format") == "csv"


@login_required
@not_found_as_404
def overview(request):
    """The overview of the user's area; the site root. A role whose home is another page (a school leader's
    school, a trust leader's trust, the accreditation home: accounts.home) is sent there, unless it asked for an
    area with `?la=`."""
    route = home_route(request.user)
    if route != OVERVIEW and not request.GET.get("la"):
        return redirect(route)
    area, context = _area_context(request)
    context["overview"] = selectors.overview(area)
    user = request.user
    context["can_create_partnership"] = user.is_superuser or user.role in services.PARTNERSHIP_CREATE_RULES
    return render(request, "registry/overview.html", context)


@page
def my_school(request):
    """A school leader's home: their school, its risk status, open cases and support requests, what is due."""
    data = home.school_home(request.user)
    school = data.school
    return render(
        request,
        "registry/my_school.html",
        {
            "home": data,
            "school": school,
            "items": data.items,
            "more_links": links_for(request.user, school.urn),
        },
    )


@page
def my_trust(request):
    """A trust leader's home: their trust's schools with their status, and what is open for them."""
    data = home.trust_home(request.user)
    return render(request, "registry/my_trust.html", {"home": data, "group": data.group, "items": data.items})


@login_required
@not_found_as_404
def school_search(request):
    area, context = _area_context(request)
    form = SchoolSearchForm(request.GET, **selectors.filter_options(area))
    results = selectors.establishment_search(area, form.filters())
    if form.errors:  # the search text is over its limit: nothing is searched for
        results = results.none()
    if _wants_csv(request):
        return csv_response(
            _csv_name("schools", area.label, filters=form.filters()),
            header=SCHOOL_CSV_HEADER,
            rows=_school_rows(results),
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
        "more_links": links_for(request.user, school.urn),
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
    context["can_join_partnership"] = services.may_look_after_partnerships(request.user)
    context["can_add_leader"] = services.may_manage_system_leader_at(request.user, school)
    # Who may record a leader at this school may edit the leaders recorded there (ADR 0041).
    context["editable_leaders"] = (
        {leader.pk for leader in context["system_leaders"]} if context["can_add_leader"] else set()
    )
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
            _csv_name(group.name, "members"),
            header=["URN", "Name", "Local authority", "Role", "Joined", "Left", "Status"],
            rows=(
                (
                    m.establishment.urn,
                    m.establishment.name,
                    m.establishment.la.name,
                    m.get_role_display(),
                    m.joined_on,
                    m.left_on,
                    m.status,
                )
                for m in members
            ),
        )
    # A move recorded ahead of its date (a brokered hand-off) is planned, not yet a member school: counted apart and
    # not marked on the map; a school leaving on a later date is still a member until then.
    current = [m for m in members if m.status == "Current"]
    planned = [m for m in members if m.status == "Planned"]
    la_ids = {m.establishment.la_id for m in current} or ({group.la_id} if group.la_id else set())
    context = {
        "group": group,
        "members": members,
        "current_count": len(current),
        "planned_count": len(planned),
        "past_count": len(members) - len(current) - len(planned),
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
        "can_edit": not group.is_formal
        and services.partnerships_editable_by(request.user).filter(pk=group.pk).exists(),
    }
    return render(request, "registry/group_detail.html", context)


@login_required
@not_found_as_404
def isolated_schools(request):
    area, context = _area_context(request)
    schools = selectors.isolated_schools(area)
    if _wants_csv(request):
        return csv_response(
            _csv_name("isolated-schools", area.label),
            header=SCHOOL_CSV_HEADER,
            rows=_school_rows(schools),
        )
    page = paginate(request, schools, per_page=50)
    params = request.GET.copy()
    params.pop("page", None)
    params["format"] = "csv"
    context.update(
        page=page,
        pagination=pagination(request, page),
        csv_query=params.urlencode(),
        # Each row's "Add to a partnership" link, for a role that looks after partnerships.
        join_partnership=services.may_look_after_partnerships(request.user),
    )
    return render(request, "registry/isolated.html", context)


SYSTEM_LEADER_CSV_HEADER = [
    "Name",
    "Designation",
    "URN",
    "School",
    "Local authority",
    "National Support School",
    "Phase",
    "Specialism",
    "Teaching school alliance",
    "Designated on",
    "Designation ends on",
    "Days per term",
]


def _leader_row(leader) -> list:
    school = leader.establishment
    return [
        leader.name,
        leader.get_designation_display(),
        school.urn if school else "",
        school.name if school else "",
        school.la.name if school else "",
        "Yes" if leader.national_support_school else "No",
        leader.phase,
        leader.specialism,
        leader.teaching_school_alliance.name if leader.teaching_school_alliance else "",
        leader.designated_on,
        leader.designation_ends_on,
        leader.days_per_term,
    ]


@login_required
@not_found_as_404
def system_leaders(request):
    """NLEs, LLEs, SLEs and NLGs of an area, filtered by name or specialism, designation, phase and whether the
    designation is current; as a page or CSV with the same filters."""
    area, context = _area_context(request)
    form = forms.SystemLeaderFilterForm(request.GET, phases=selectors.leader_phases())
    filters = form.filters()
    leaders = selectors.system_leader_search(area, filters)
    if _wants_csv(request):
        status = {selectors.LEADERS_ENDED: "ended", selectors.LEADERS_ANY: "any-status"}.get(
            filters.status, ""
        )
        return csv_response(
            _csv_name("system-leaders", area.label, filters.designation, status),
            header=SYSTEM_LEADER_CSV_HEADER,
            rows=(_leader_row(leader) for leader in leaders.iterator(chunk_size=2000)),
        )
    page_ = paginate(request, leaders, per_page=50)
    params = request.GET.copy()
    params.pop("page", None)
    params["format"] = "csv"
    editable = services.system_leaders_editable_by(request.user).filter(
        pk__in=[leader.pk for leader in page_.object_list]
    )
    context.update(
        form=form,
        page=page_,
        pagination=pagination(request, page_),
        csv_query=params.urlencode(),
        # Kept when the area changes: the filters travel as hidden fields of the area form.
        keep=[(k, v) for k, v in request.GET.items() if k not in {"la", "page", "format"} and v],
        editable_leaders=set(editable.values_list("pk", flat=True)),
        can_add_leader=request.user.is_superuser or request.user.role in services.SYSTEM_LEADER_EDITOR_ROLES,
    )
    return render(request, "registry/system_leaders.html", context)


# --- Informal partnerships and system leaders: create and edit (rules and audit in registry.services) ---------


def _school(urn: int, field: str = "urn") -> Establishment:
    school = Establishment.objects.filter(urn=urn).select_related("la").first()
    if school is None:
        raise ValidationFailed(
            "No school has this URN.", extra={"errors": {field: ["No school has this URN"]}}
        )
    return school


@page
def partnership_new(request):
    if not (request.user.is_superuser or request.user.role in services.PARTNERSHIP_CREATE_RULES):
        raise PermissionDenied("Your role may not create partnerships.")
    return submit(
        request,
        forms.PartnershipForm(posted(request)),
        lambda d: services.partnership_create(by=request.user, **d),
        success=lambda g: f"{g.name} created.",
        next_url=lambda g: reverse("registry:group", args=[g.pk]),
        title="Create a partnership",
        caption="Informal partnerships",
        intro=(
            "Teaching school alliances, collaborative and local strategic partnerships, diocesan and national "
            "networks: the ties GIAS does not record. It is created in your local authority; a head's school "
            "becomes its lead member."
        ),
        back_url=reverse("registry:overview"),
        submit_label="Create the partnership",
    )


@page
def partnership_edit(request, pk: int):
    group = services.group_for_edit(request.user, pk)
    initial = {f: getattr(group, f) for f in ("name", "group_type", "description", "opened_on")}
    return submit(
        request,
        forms.PartnershipForm(posted(request), initial=initial),
        lambda d: services.partnership_update(by=request.user, group=group, **d),
        success="Partnership details saved.",
        next_url=lambda g: reverse("registry:group", args=[g.pk]),
        title=f"Edit {group.name}",
        caption=group.get_group_type_display(),
        back_url=reverse("registry:group", args=[group.pk]),
    )


@page
def membership_new(request, pk: int):
    group = services.group_for_edit(request.user, pk)
    return submit(
        request,
        forms.MembershipAddForm(posted(request), initial={"joined_on": date.today()}),
        lambda d: services.membership_add(
            by=request.user,
            group=group,
            establishment=_school(d["urn"]),
            role=d["role"],
            joined_on=d["joined_on"],
        ),
        success=lambda m: f"{m.establishment.name} added to {group.name}.",
        next_url=lambda m: reverse("registry:group", args=[group.pk]),
        title=f"Add a school to {group.name}",
        caption=group.get_group_type_display(),
        back_url=reverse("registry:group", args=[group.pk]),
        submit_label="Add the school",
    )


@page
def school_join_partnership(request, urn: int):
    """Add a school (often an isolated one) to one of the informal partnerships the user may edit, with its role
    and joining date (services.membership_add: scoped, atomic, audited)."""
    school = selectors.school_for_user(request.user, urn)
    if not services.may_look_after_partnerships(request.user):
        raise PermissionDenied("Your role may not add schools to partnerships.")
    partnerships = services.partnerships_school_may_join(request.user, school)
    back = reverse("registry:school", args=[school.urn])
    if not partnerships.exists():
        return render(
            request,
            "registry/join_partnership_none.html",
            {
                "school": school,
                "back_url": back,
                "can_create": services.may_create_partnership(request.user, school.la),
            },
        )
    return submit(
        request,
        forms.JoinPartnershipForm(
            posted(request), partnerships=partnerships, initial={"joined_on": date.today()}
        ),
        lambda d: services.membership_add(
            by=request.user, group=d["group"], establishment=school, role=d["role"], joined_on=d["joined_on"]
        ),
        success=lambda m: f"{school.name} added to {m.group.name}.",
        next_url=lambda m: back,
        title=f"Add {school.name} to a partnership",
        caption=f"URN {school.urn} · {school.la.name}",
        intro="Choose one of the open partnerships you look after. The membership is recorded with the date "
        "the school joined and appears on the school's and the partnership's pages.",
        back_url=back,
        submit_label="Add to the partnership",
    )


@page
def membership_end(request, pk: int):
    membership = services.membership_for_edit(request.user, pk)
    group = membership.group
    return submit(
        request,
        forms.MembershipEndForm(posted(request), initial={"left_on": date.today()}),
        lambda d: services.membership_end(by=request.user, membership=membership, left_on=d["left_on"]),
        success=lambda m: f"{m.establishment.name} left {group.name}; the membership stays in its history.",
        next_url=lambda m: reverse("registry:group", args=[group.pk]),
        title=f"{membership.establishment.name} leaves {group.name}",
        caption=group.get_group_type_display(),
        intro="The membership is kept in the partnership's history with the date it ended.",
        back_url=reverse("registry:group", args=[group.pk]),
        submit_label="End the membership",
    )


def _leader_fields(user, d: dict) -> dict:
    d = dict(d)
    urn = d.pop("urn")
    d["establishment"] = _school(urn) if urn else None
    if not services.may_manage_system_leader_at(user, d["establishment"]):
        message = "You may record system leaders only at schools in your area." if urn else "Enter the URN."
        raise ValidationFailed(message, extra={"errors": {"urn": [message]}})
    return d


@page
def system_leader_new(request):
    if not (request.user.is_superuser or request.user.role in services.SYSTEM_LEADER_EDITOR_ROLES):
        raise PermissionDenied("Your role may not record system leaders.")
    urn = request.GET.get("urn", "")
    return submit(
        request,
        forms.SystemLeaderForm(posted(request), initial={"urn": urn if urn.isdigit() else None}),
        lambda d: services.system_leader_create(by=request.user, **_leader_fields(request.user, d)),
        success=lambda s: f"{s.name} recorded as {s.get_designation_display()}.",
        next_url=lambda s: (
            reverse("registry:school", args=[s.establishment.urn])
            if s.establishment
            else reverse("registry:overview")
        ),
        title="Record a system leader",
        caption="NLE, LLE, SLE or NLG",
        back_url=reverse("registry:school", args=[urn]) if urn.isdigit() else reverse("registry:overview"),
        submit_label="Record the system leader",
    )


@page
def system_leader_edit(request, pk: int):
    leader = services.system_leader_for_edit(request.user, pk)
    initial = {
        f: getattr(leader, f)
        for f in (
            "name", "designation", "national_support_school", "specialism", "phase", "designated_on",
            "designation_ends_on", "days_per_term",
        )
    }  # fmt: skip
    initial["urn"] = leader.establishment.urn if leader.establishment else None
    back = reverse("registry:school", args=[leader.establishment.urn]) if leader.establishment else "/"
    return submit(
        request,
        forms.SystemLeaderForm(posted(request), initial=initial),
        lambda d: services.system_leader_update(
            by=request.user, leader=leader, **_leader_fields(request.user, d)
        ),
        success="System leader saved.",
        next_url=lambda s: back,
        title=f"Edit {leader.name}",
        caption=leader.get_designation_display(),
        back_url=back,
    )


UPLOAD_SESSION_KEY = "registry_upload"


def _may_upload(user) -> bool:
    return (
        user.is_superuser
        or user.role in services.PARTNERSHIP_CREATE_RULES
        or (user.role in services.SYSTEM_LEADER_EDITOR_ROLES)
    )


@page
def partnership_upload(request):
    """Upload partnerships or system leaders: the file is checked first (a dry run shows counts, or every problem
    with its file, row and column) and imported, all or nothing, only when the user confirms. The importer writes
    through the services, so the user's own permissions apply row by row."""
    if not _may_upload(request.user):
        raise PermissionDenied("Your role may not upload partnerships or system leaders.")
    form = forms.PartnershipUploadForm()
    context = {"form": form, "title": "Upload partnerships or system leaders"}
    if request.method == "POST" and request.POST.get("confirm"):
        pending = request.session.get(UPLOAD_SESSION_KEY) or {}
        path = Path(pending.get("path", ""))
        if pending.get("token") != request.POST["confirm"] or not path.is_file():
            messages.error(request, "That upload has expired: choose the file again.")
            return redirect("registry:partnership-upload")
        try:
            result = PIPELINES[pending["kind"]]().run(path, user=request.user, progress=False)
        except ImportFailed as exc:
            context["errors"] = exc.errors
            return render(request, "registry/upload.html", context, status=400)
        finally:
            request.session.pop(UPLOAD_SESSION_KEY, None)
            shutil.rmtree(path.parent, ignore_errors=True)
        messages.success(request, f"{path.name} imported: {result.counts}.")
        return redirect("registry:overview")
    if request.method == "POST":
        form = forms.PartnershipUploadForm(request.POST, request.FILES)
        context["form"] = form
        if not form.is_valid():
            return render(request, "registry/upload.html", context, status=400)
        upload = form.cleaned_data["file"]
        folder = Path(settings.VAR_DIR) / "uploads" / secrets.token_hex(16)
        folder.mkdir(parents=True)
        path = folder / Path(upload.name).name
        with path.open("wb") as fh:
            for chunk in upload.chunks():
                fh.write(chunk)
        kind = form.cleaned_data["kind"]
        try:
            result = PIPELINES[kind]().run(path, user=request.user, dry_run=True, progress=False)
        except ImportFailed as exc:
            shutil.rmtree(folder, ignore_errors=True)
            context["errors"] = exc.errors
            return render(request, "registry/upload.html", context, status=400)
        token = secrets.token_urlsafe(16)
        previous = (request.session.get(UPLOAD_SESSION_KEY) or {}).get("path")
        if previous:  # a file checked earlier and not imported: only the latest check can be confirmed
            shutil.rmtree(Path(previous).parent, ignore_errors=True)
        request.session[UPLOAD_SESSION_KEY] = {"token": token, "path": str(path), "kind": kind}
        context.update(checked=result, file_name=path.name, token=token)
    return render(request, "registry/upload.html", context)
