"""Report card and scorecard charts: ids unique on the page, a title, labelled axes with units, the figures as a
table, and each SVG drawn once for the same figures (kept in the cache; never drawn for the CSV)."""

import os
import re
import subprocess
import sys
from collections import Counter

import pytest
from django.core.cache import cache
from django.urls import reverse

from schoolsystem.performance import reportcard
from schoolsystem.performance.charts import draw, line_chart
from schoolsystem.registry.models import Establishment
from tests.performance.test_pages import WYKE, surrey  # noqa: F401 (fixture)

YEARS = ["2016-2017", "2017-2018", "2018-2019"]


def _chart(chart_id="chart-a", values=(60.0, 65.0, 70.0)):
    return line_chart(
        {"Oak Primary": (YEARS, list(values)), "England": (YEARS, [64.0, None, 65.0])},
        chart_id=chart_id,
        title="Meeting the expected standard: Oak Primary compared with England",
        ylabel="Pupils meeting the standard (%)",
        decimals=0,
        unit="%",
    )


def test_two_charts_share_no_id_and_name_their_axes():
    first, second = draw(_chart("chart-a")), draw(_chart("chart-b"))
    ids_a = set(re.findall(r'\bid="([^"]+)"', first))
    ids_b = set(re.findall(r'\bid="([^"]+)"', second))
    assert ids_a and not ids_a & ids_b
    assert all(i.startswith("chart-a-") for i in ids_a)
    # Every reference inside the SVG points at one of its own ids.
    refs = set(re.findall(r'(?:url\(#|href="#)([^)"]+)', first))
    assert refs and refs <= ids_a
    assert 'role="img" aria-label="Meeting the expected standard: Oak Primary compared with England"' in first
    assert ">Academic year<" in first and ">Pupils meeting the standard (%)<" in first
    assert ">2016/17<" in first and ">2018/19<" in first


def test_the_chart_table_holds_the_figures_and_gaps():
    chart = _chart()
    assert chart.labels == ["Oak Primary", "England"]
    assert chart.rows == [
        {"year": "2016/17", "values": [60.0, 64.0]},
        {"year": "2017/18", "values": [65.0, None]},
        {"year": "2018/19", "values": [70.0, 65.0]},
    ]


def test_the_same_figures_are_drawn_once_then_read_from_the_cache():
    cache.clear()
    chart = _chart()
    assert cache.get(chart.cache_key) is None
    svg = chart.svg
    assert cache.get(chart.cache_key) == svg
    # Another request builds an equal Chart: same key, and the drawing itself is deterministic.
    assert _chart().cache_key == chart.cache_key and draw(_chart()) == svg
    assert _chart(values=(60.0, 65.0, 71.0)).cache_key != chart.cache_key


@pytest.mark.realdata
def test_report_card_charts_are_titled_labelled_tabled_and_ids_are_unique(
    client,
    surrey,  # noqa: F811 (the fixture imported above)
    django_assert_max_num_queries,
):
    cache.clear()
    url = reverse("performance:report-card", args=[WYKE])
    with django_assert_max_num_queries(11):
        response = client.get(url)
    html = response.content.decode()
    duplicates = [i for i, n in Counter(re.findall(r'\bid="([^"]+)"', html)).items() if n > 1]
    assert not duplicates, duplicates
    assert html.count('<svg role="img"') == 2
    charts = response.context["card"]["sections"][0]["charts"]
    for chart in charts:
        assert f'<figcaption class="govuk-heading-s app-chart__caption" id="{chart.id}-caption">' in html
        assert f'aria-labelledby="{chart.id}-caption"' in html
        assert f'id="{chart.id}-table"' in html
    assert ">Pupils meeting the standard (%)<" in html and ">Progress score (0 = national average)<" in html
    table = html[html.index('id="chart-ks2-rwm_expected-table"') :]
    assert "78%" in table[: table.index("</table>")]  # Wyke's 2018-19 figure, in the chart's table
    # A second view reads both SVGs from the cache: the same drawings.
    again = client.get(url).content.decode()
    assert re.findall(r"<svg .*?</svg>", again, re.S) == re.findall(r"<svg .*?</svg>", html, re.S)
    assert all(cache.get(chart.cache_key) for chart in charts)


@pytest.mark.realdata
def test_report_card_csv_draws_no_chart(client, surrey):  # noqa: F811
    cache.clear()
    assert client.get(reverse("performance:report-card-csv", args=[WYKE])).status_code == 200
    charts = reportcard.build(Establishment.objects.get(urn=WYKE))["sections"][0]["charts"]
    assert charts and all(cache.get(c.cache_key) is None for c in charts)


def test_the_web_server_imports_matplotlib_at_start_up_not_in_the_first_request():
    check = "import sys, schoolsystem.wsgi; print('matplotlib.figure' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True, env=dict(os.environ))
    assert out.stdout.strip() == "True", out.stderr[-2000:]


def test_a_long_axis_label_is_wrapped_onto_lines_that_fit():
    """Found in review: 'KS2 reading progress score (0 = national avera…' was cut off."""
    chart = line_chart(
        {"Oak Primary": (YEARS, [0.5, -0.2, 1.1])},
        chart_id="chart-long",
        title="Reading progress",
        ylabel="KS2 reading progress score (0 = national average)",
        decimals=2,
    )
    svg = draw(chart)
    assert ">KS2 reading progress score (0 =<" in svg and ">national average)<" in svg
