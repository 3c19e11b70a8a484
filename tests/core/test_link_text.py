"""Links say where they go in words: no public page shows a web address as a link's text."""

import re

import pytest

from schoolsystem.registry.models import LocalAuthority
from tests.registry.pages_seed import school

pytestmark = pytest.mark.django_db

ADDRESS = re.compile(r"^(https?://|www\.|/[a-z])")


@pytest.mark.parametrize(
    "path",
    [
        "/performance/report-cards/",
        "/performance/report-cards/?q=Oak",
        "/performance/schools/125101/report-card/",
        "/decisions/",
        "/accredited-providers/",
        "/accounts/sign-in/",
    ],
)
def test_no_public_page_uses_a_web_address_as_link_text(client, path):
    la = LocalAuthority.objects.create(code="936", name="Surrey", region_name="South East")
    school(la, 125101, "Oak Primary School")
    response = client.get(path)
    assert response.status_code == 200
    html = response.content.decode()
    texts = [re.sub(r"<[^>]+>", "", t).strip() for t in re.findall(r"<a [^>]*>(.*?)</a>", html, re.S)]
    assert texts and not [t for t in texts if ADDRESS.match(t)], path
