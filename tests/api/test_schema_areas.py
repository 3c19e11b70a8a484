from collections import Counter

import pytest
from drf_spectacular.generators import SchemaGenerator

from schoolsystem.core.api_areas import AREAS


def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


def test_every_operation_sits_under_the_area_of_the_service_it_belongs_to():
    paths = schema()["paths"]
    tags = {(path, method): op["tags"] for path, ops in paths.items() for method, op in ops.items()}
    names = {name for name, _ in AREAS.values()}
    assert all(len(t) == 1 and t[0] in names for t in tags.values()), tags
    assert tags[("/api/v1/brokerage/rounds/", "get")] == ["Brokerage"]
    assert tags[("/api/v1/establishments/{urn}/", "get")] == ["Schools and partnerships"]
    assert tags[("/api/v1/cases/", "get")] == ["Improvement and intervention"]
    assert tags[("/api/v1/accredited-providers/", "get")] == ["Accreditation"]
    assert tags[("/api/v1/me/", "get")] == ["Your account"]


def test_areas_are_listed_in_order_with_descriptions_and_operation_ids_stay_unique():
    spec = schema()
    assert [t["name"] for t in spec["tags"]] == [name for name, _ in AREAS.values()]
    assert all(t["description"] for t in spec["tags"])
    ids = Counter(op["operationId"] for ops in spec["paths"].values() for op in ops.values())
    assert ids and max(ids.values()) == 1
    # Ids come from the path, not the tag: a client generated before the areas keeps its method names.
    assert "brokerage_rounds_list" in ids and "v1_establishments_list" in ids


@pytest.mark.django_db
def test_the_docs_say_how_to_get_and_send_a_token_and_the_paths_they_name_exist(client, django_user_model):
    """Found in review: a developer on /api/docs/ could not find out how to get a token."""
    import re

    from django.urls import reverse

    text = schema()["info"]["description"]
    assert "`/accounts/#api-token`" in text and "Authorization: Token <your token>" in text
    for path in re.findall(r"`(?:POST |GET )?(/api/v1/[a-z/]+)`", text):
        assert path in schema()["paths"], path
    user = django_user_model.objects.create_user("dev", password="pw-1234-long")
    client.force_login(user)
    assert 'id="api-token"' in client.get(reverse("accounts:account")).content.decode()
