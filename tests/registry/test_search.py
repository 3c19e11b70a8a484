"""School search: punctuation in names is ignored on both databases ("St Marys" finds "St Mary's"), open schools by
default with an option to include closed ones, and a CSV download named for what it holds and when."""

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from schoolsystem.core.search import normalise_name, normalise_query, normalised_name
from schoolsystem.registry.models import Establishment, LocalAuthority
from tests.registry.pages_seed import school

pytestmark = pytest.mark.django_db


@pytest.fixture
def schools(db):
    la = LocalAuthority.objects.create(code="936", name="Surrey", region_name="South East")
    return {
        "marys": school(la, 125101, "St Mary's Church of England Primary School"),
        "curly": school(la, 125102, "St Mary\u2019s Catholic Infant School"),
        "johns": school(la, 125103, "St. John's Church-of-England School"),
        "closed": school(la, 125104, "St Mary's Junior School", status="closed"),
        "other": school(la, 125105, "Stmarysfield Academy"),  # no space: "st marys" does not match
    }


@pytest.fixture
def officer(make_user, schools):
    return make_user("la_officer", scope_la=LocalAuthority.objects.get(code="936"))


def _urns(client, **params):
    response = client.get(reverse("registry:school-search"), params)
    assert response.status_code == 200
    return sorted(s.urn for s in response.context["page"].object_list)


@pytest.mark.parametrize(
    "typed",
    ["St Marys", "st marys", "St Mary's", "St. Mary\u2019s", "ST MARY`S", "  st   marys  "],
)
def test_name_search_ignores_apostrophes_full_stops_and_case(client, officer, typed):
    client.force_login(officer)
    assert _urns(client, q=typed) == [125101, 125102]


def test_hyphens_and_full_stops_in_names_match_spaces_and_nothing(client, officer):
    client.force_login(officer)
    assert _urns(client, q="St Johns Church of England") == [125103]
    assert _urns(client, q="church-of-england") == [125101, 125103]


def test_closed_schools_are_left_out_unless_asked_for(client, officer):
    client.force_login(officer)
    assert 125104 not in _urns(client, q="St Marys")
    assert _urns(client, q="St Marys", status="any") == [125101, 125102, 125104]
    assert _urns(client, q="St Marys", status="closed") == [125104]
    page = client.get(reverse("registry:school-search")).content.decode()
    assert '<option value="any">Any status, including closed</option>' in page


def test_the_api_search_ignores_punctuation_too(client, officer):
    client.force_login(officer)
    response = client.get("/api/v1/establishments/", {"q": "St Marys"})
    assert response.status_code == 200
    body = response.json()
    rows = body["results"] if isinstance(body, dict) else body
    assert {r["urn"] for r in rows} >= {125101, 125102}


def test_csv_file_names_say_what_and_when(client, officer):
    client.force_login(officer)
    today = timezone.localdate().isoformat()
    response = client.get(reverse("registry:school-search"), {"q": "St Marys", "format": "csv"})
    assert response["Content-Disposition"] == f'attachment; filename="schools-surrey-st-marys-{today}.csv"'
    response = client.get(reverse("registry:school-search"), {"format": "csv"})
    assert response["Content-Disposition"] == f'attachment; filename="schools-surrey-{today}.csv"'
    response = client.get(reverse("registry:school-search"), {"status": "any", "format": "csv"})
    assert response["Content-Disposition"] == f'attachment; filename="schools-surrey-any-status-{today}.csv"'
    response = client.get(reverse("registry:isolated"), {"format": "csv"})
    assert response["Content-Disposition"] == f'attachment; filename="isolated-schools-surrey-{today}.csv"'


# The database expression and the Python function are the same rules: checked on whichever database runs the tests
# (SQLite by default, PostgreSQL with DATABASE_URL). ASCII letters only: SQLite's lower() leaves other letters.
NAME_TEXT = st.text(alphabet="abcXYZ '\u2019\u2018`.,()-\u2013/", max_size=24)


@settings(max_examples=60, deadline=None)
@given(name=NAME_TEXT)
def test_the_database_normalises_names_exactly_as_python_does(name):
    la, _ = LocalAuthority.objects.get_or_create(code="999", defaults={"name": "Test"})
    Establishment.objects.filter(urn=199001).delete()
    Establishment.objects.create(urn=199001, la=la, name=name)
    stored = (
        Establishment.objects.filter(urn=199001)
        .annotate(n=normalised_name("name"))
        .values_list("n", flat=True)
        .get()
    )
    assert stored == normalise_name(name)
    # Whatever is typed is found in the name it was typed from.
    query = normalise_query(name)
    if query and "  " not in stored:
        assert (
            Establishment.objects.annotate(n=normalised_name("name"))
            .filter(urn=199001, n__contains=query)
            .exists()
        )


def test_a_stale_filter_value_is_dropped_without_calling_the_page_an_error(client, officer):
    client.force_login(officer)
    response = client.get(reverse("registry:school-search"), {"q": "St Marys", "type": "No such type"})
    assert sorted(s.urn for s in response.context["page"].object_list) == [125101, 125102]
    assert "<title>Schools: Surrey – schoolsystem</title>" in response.content.decode()
