from datetime import date

import pytest

from schoolsystem.core.exports import csv_response, safe_cell


@pytest.mark.parametrize(
    "value,expected",
    [
        ("=1+1", "'=1+1"),
        ("+44 20", "'+44 20"),
        ("-5", "'-5"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=cmd", "'\t=cmd"),
        ("Oakwood", "Oakwood"),
        (-5, "-5"),
        (2.5, "2.5"),
        (None, ""),
        (True, "Yes"),
        (date(2021, 4, 1), "2021-04-01"),
    ],
)
def test_safe_cell_writes_values_not_formulas(value, expected):
    assert safe_cell(value) == expected


def test_csv_response_streams_a_header_and_rows_with_a_safe_filename():
    response = csv_response(
        "schools in Surrey/../x", header=["URN", "Name"], rows=iter([(1, "=evil"), (2, "a,b")])
    )
    assert response.streaming
    assert response["Content-Disposition"] == 'attachment; filename="schools-in-Surrey-..-x.csv"'
    body = b"".join(response.streaming_content).decode()
    assert body == '\ufeffURN,Name\r\n1,\'=evil\r\n2,"a,b"\r\n'
