"""`schoolsystem risk backtest` on the Surrey files."""

from io import StringIO

import pytest
from django.core.management import call_command


@pytest.mark.realdata
def test_backtest_on_surrey_prints_recall_and_precision_better_than_chance(shared_data):
    out = StringIO()
    call_command("risk", "backtest", "--data-dir", str(shared_data), stdout=out)
    text = out.getvalue()
    assert "Schools inspected later: 124; judged RI or inadequate: 17" in text
    medium = next(line for line in text.splitlines() if line.startswith("medium+")).split()
    recall, precision = float(medium[-2]), float(medium[-1])
    assert recall >= 0.5 and precision > 17 / 124  # better than flagging at random
    assert "Chance: flagging schools at random has precision 0.14" in text
