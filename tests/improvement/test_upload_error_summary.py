"""A document refused on upload by core.uploads (the checks past the minutes form's own: a file that is not what
its name says) is named in the error summary in the same words as beside the
field, as a sentence without a full stop at the end (GOV.UK Design System error messages), not as a fragment
("Allowed: .csv, ...") that makes no sense in the summary on its own."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.improvement.test_decisions import decision  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


def _summary(html: str) -> list[str]:
    body = html.split('govuk-error-summary__list"')[1].split("</ul>")[0]
    return [re.sub(r"<[^>]+>", "", item).strip() for item in re.findall(r"<li>(.*?)</li>", body, re.S)]


def _beside_fields(html: str) -> list[str]:
    return [m.strip() for m in re.findall(r'govuk-visually-hidden">Error:</span>(.*?)</p>', html, re.S)]


@pytest.mark.parametrize(
    "name, content, expected",
    [
        ("minutes.pdf", b"MZ\x90\x00 not a pdf", "The file is not a valid .pdf file"),
        ("minutes.txt", b"a\x00b", "The file is not a text .txt file"),
    ],
)
def test_refused_minutes_read_the_same_in_the_summary_and_beside_the_field(
    client,
    decision,  # noqa: F811
    officer,
    settings,
    tmp_path,
    name,
    content,
    expected,
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(officer)
    response = client.post(
        reverse("improvement:decision-manage", args=[decision.pk]),
        {"form": "minutes", "file": SimpleUploadedFile(name, content)},
    )
    html = response.content.decode()
    assert _summary(html) == [expected]
    assert _beside_fields(html) == [expected]
    assert not decision.__class__.objects.get(pk=decision.pk).minutes
