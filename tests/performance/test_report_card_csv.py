"""The report card's CSV says whose average each comparison figure is, in words (it said "(la)")."""

import csv
import io

import pytest

from schoolsystem.performance.reportcard import write_csv
from schoolsystem.registry.models import LocalAuthority
from tests.registry.pages_seed import school

pytestmark = pytest.mark.django_db


def test_report_card_csv_names_whose_average_each_figure_is():
    la = LocalAuthority.objects.create(code="936", name="Surrey", region_name="South East")
    marys = school(la, 125101, "St Mary's Church of England Primary School")
    card = {
        "sections": [
            {
                "label": "Key stage 2",
                "latest": "2023-2024",
                "table": [],
                "comparison": [{"label": "Reading progress", "la": 0.5, "england": 0.0, "similar": -0.25}],
            }
        ]
    }
    out = io.StringIO()
    write_csv(out, marys, card)
    measures = [row[3] for row in csv.reader(io.StringIO(out.getvalue()))][1:]
    assert measures == [
        "Reading progress, Surrey average",
        "Reading progress, England average",
        "Reading progress, similar schools average",
    ]
    assert "(la)" not in out.getvalue() and "(similar)" not in out.getvalue()
