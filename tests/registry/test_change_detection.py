"""Re-imports write only what changed: the cell comparison behind it (registry.imports._common.changed_cells)."""

from datetime import date

import numpy as np
import pandas as pd

from schoolsystem.registry.imports._common import changed_cells


def frames(new_values, old_values):
    index = pd.Index(range(len(new_values)))
    new = pd.DataFrame({"v": pd.Series(new_values, index=index, dtype=object)})
    old = pd.DataFrame({"v": pd.Series(old_values, index=index, dtype=object)})
    return new, old


def test_same_values_of_different_python_types_are_not_changes():
    new, old = frames([None, 3, date(2020, 9, 1), "Oak", np.nan], [None, 3.0, date(2020, 9, 1), "Oak", None])
    assert changed_cells(new, old, ["v"])["v"].tolist() == [False] * 5


def test_real_changes_are_found_cell_by_cell():
    new, old = frames(["Oak", 420, date(2021, 1, 1), None, ""], ["Ash", 400, date(2020, 1, 1), "x", None])
    assert changed_cells(new, old, ["v"])["v"].tolist() == [True] * 5
