"""A NUL character in the address is refused with 400 before any view reads it. Found by fuzzing the demo's pages
on PostgreSQL: every filter reading a query parameter (`/schools/?la=%00`, the public accredited-providers list,
the API) was a 500, because PostgreSQL cannot compare text holding NUL and Django raises ValueError."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url", ["/schools/?la=%00", "/isolated-schools/?la=a%00b", "/system-leaders/?%00=1", "/schools/a%00b/"]
)
def test_a_page_address_with_nul_is_a_400_page(client, make_user, url):
    client.force_login(make_user("public"))
    response = client.get(url)
    assert response.status_code == 400
    assert "There is a problem with the web address" in response.content.decode()


def test_the_public_pages_and_the_api_refuse_nul_too(client, make_user):
    response = client.get("/accredited-providers/?phase=a%00b")
    assert response.status_code == 400 and "<h1" in response.content.decode()
    client.force_login(make_user("public"))
    response = client.get("/api/v1/accredited-providers/?la=%00")
    assert response.status_code == 400
    assert response.json() == {"detail": "The address holds a NUL character."}


def test_an_ordinary_filter_still_works(client, make_user):
    client.force_login(make_user("public"))
    assert client.get("/schools/?q=oak").status_code == 200
