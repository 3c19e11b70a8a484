from collections import Counter

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
