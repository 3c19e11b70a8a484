"""A form's action opened from the address bar (or reached after signing in) says what it is instead of Django's
empty 405 page; the API keeps its JSON answers. Found in review: GET /accreditation/conflicts/ was a blank page."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_a_post_only_page_opened_directly_explains_itself_and_keeps_the_allow_header(client, make_user):
    client.force_login(make_user("assessor"))
    response = client.get(reverse("accreditation:conflict-declare"))
    page = response.content.decode()
    assert response.status_code == 405 and response.headers["Allow"] == "POST"
    assert "<title>This page cannot be opened directly" in page
    assert "Go back to the page with the form and use its button" in page
    assert "govuk-service-navigation" in page  # the service's own layout, not a blank page


def test_the_api_answers_a_wrong_method_in_json(client, make_user):
    client.force_login(make_user("public"))
    response = client.delete("/api/v1/establishments/")
    assert response.status_code == 405
    assert response.headers["Content-Type"].startswith("application/json")
    assert "cannot be opened directly" not in response.content.decode()


def test_an_api_address_no_route_matches_answers_json_and_a_page_address_the_page(client, make_user):
    """Found in review: /api/v1/establishments/abc/ answered the HTML 'Page not found'."""
    client.force_login(make_user("public"))
    response = client.get("/api/v1/establishments/abc/")
    assert response.status_code == 404 and response.json() == {"detail": "Not found."}
    # The same shape as a 404 from a route that matched (the two differed: one had a "code").
    assert client.get("/api/v1/establishments/1/").json().keys() == response.json().keys()
    page = client.get("/no-such-page/")
    assert page.status_code == 404 and "<title>Page not found" in page.content.decode()
