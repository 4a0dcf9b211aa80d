"""Malformed raw tables stop with an error naming the file, line and column."""

from __future__ import annotations

import csv
import io

import pytest

from kip_analysis.data import catalog
from kip_analysis.data.facts import web_facts
from kip_analysis.data.raw import load_table
from kip_analysis.errors import DataValidationError


def _rows(path) -> tuple[list[str], list[dict]]:
    with open(path, encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames), list(reader)


def _to_text(fields: list[str], rows: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def _facts_with(change, n: int = 5) -> str:
    """The first ``n`` real fact rows with ``change(fields, rows)`` applied."""
    fields, rows = _rows(catalog.get("programme_facts").path)
    rows = rows[:n]
    fields = change(fields, rows) or fields
    return _to_text(fields, rows)


def _set(row: int, **values):
    def change(fields, rows):
        rows[row].update(values)
    return change


def _expect(write_csv, text, table, *needles):
    path = write_csv(text)
    with pytest.raises(DataValidationError) as err:
        load_table(table, path)
    message = str(err.value)
    assert message.startswith(str(path)), message
    for needle in needles:
        assert needle in message, message
    return err.value


# Line numbers: the header is line 1, so rows[i] sits on line i + 2.
FACT_CASES = {
    "wrong type": (_set(2, value_low="abc"), ("line 4", "column 'value_low'", "expected a number, got 'abc'")),
    "negative count": (_set(0, value_low="-3"), ("line 2", "column 'value_low'", "non-negative")),
    "share over 100%": (_set(3, value_low="35", value_high="135"),
                        ("line 5", "column 'value_low'", "share must lie between 0 and 100")),
    "unknown unit": (_set(1, unit="VND zillion"), ("line 3", "column 'unit'", "expected a unit", "VND zillion")),
    "low > high": (_set(2, value_low="10", value_high="5"),
                   ("line 4", "column 'value_high'", "low 10 > high 5")),
    "unparseable date": (_set(4, published="14/5/2019"),
                         ("line 6", "column 'published'", "a real date YYYY-MM-DD", "14/5/2019")),
    "unknown kind": (_set(1, kind="forecast"), ("line 3", "column 'kind'", "a kind, one of")),
    "bad period": (_set(3, period="sometime"), ("line 5", "column 'period'", "a period")),
    "empty required cell": (_set(2, quote=""), ("line 4", "column 'quote'", "empty cell; a value is required")),
    "fractional count": (_set(0, value_low="59.5", value_high="59.5"),
                         ("line 2", "column 'value_low'", "whole non-negative number")),
    "unknown qualifier": (_set(1, qualifier="roughly"), ("line 3", "column 'qualifier'", "a qualifier")),
    "bad source file name": (_set(1, source_file="article.txt"), ("line 3", "column 'source_file'")),
}


@pytest.mark.parametrize("case", sorted(FACT_CASES))
def test_programme_facts_bad_cell(write_csv, case):
    change, needles = FACT_CASES[case]
    _expect(write_csv, _facts_with(change), "programme_facts", *needles)


def test_missing_column(write_csv):
    def drop_unit(fields, rows):
        for row in rows:
            row.pop("unit")
        return [f for f in fields if f != "unit"]

    _expect(write_csv, _facts_with(drop_unit), "programme_facts", "line 1", "column 'unit'", "missing column")


def test_unexpected_column(write_csv):
    def add(fields, rows):
        for row in rows:
            row["comment"] = "x"
        return [*fields, "comment"]

    _expect(write_csv, _facts_with(add), "programme_facts", "line 1", "column 'comment'", "unexpected column")


def test_duplicated_key(write_csv):
    def duplicate(fields, rows):
        rows.append({**rows[0], "fact_id": "z999"})

    _expect(write_csv, _facts_with(duplicate), "programme_facts", "line 2", "duplicated key", "also on line 7")


def test_empty_file(write_csv):
    _expect(write_csv, "", "programme_facts", "empty file")


def test_header_only(write_csv):
    header = catalog.get("programme_facts").path.read_text(encoding="utf-8").splitlines()[0] + "\n"
    _expect(write_csv, header, "programme_facts", "no data rows")


def test_wrong_encoding(write_csv):
    # Saved as Windows-1252: the first non-ASCII character is the ’ on line 4.
    text = _facts_with(lambda f, r: None)
    _expect(write_csv, text.encode("cp1252", errors="replace"), "programme_facts", "line 4",
            "wrong encoding: byte 0x92", "expected UTF-8")


def test_malformed_row(write_csv):
    text = _facts_with(lambda f, r: None) + "x,y,z,1,2,3,4,5,6,7,8,9,10,11,12,13,14\n"
    _expect(write_csv, text, "programme_facts", "line 7", "malformed CSV row")


def _web_with(change) -> str:
    fields, rows = _rows(catalog.get("web_figures").path)
    change(fields, rows)
    return _to_text(fields, rows)


def test_web_range_low_above_high(write_csv):
    _expect(write_csv, _web_with(_set(3, value="10-9")), "web_figures", "line 5", "column 'value'", "low 10 > high 9")


def test_web_not_a_page_address(write_csv):
    _expect(write_csv, _web_with(_set(0, source="laodong article")), "web_figures", "line 2", "column 'source'",
            "a page address")


def test_web_range_pair_missing_one_end(write_csv):
    def drop_high(fields, rows):
        rows[:] = [r for r in rows if not (r["series"] == "ip_rent_high" and r["geography"] == "Hai Duong")]

    path = write_csv(_web_with(drop_high))
    with pytest.raises(DataValidationError, match=r"Hai Duong 2021 has only one end .* column 'series'|"
                                                   r"line \d+, column 'series'.*Hai Duong"):
        web_facts(load_table("web_figures", path))


def test_pci_year_out_of_range_and_fractional(write_csv):
    fields, rows = _rows(catalog.get("pci_subindices").path)
    rows = rows[:4]
    rows[2]["year"] = "2030"
    _expect(write_csv, _to_text(fields, rows), "pci_subindices", "line 4", "column 'year'", "2005-2016")
    rows[2]["year"] = "2010.5"
    _expect(write_csv, _to_text(fields, rows), "pci_subindices", "line 4", "column 'year'", "whole number")


def test_province_code_without_leading_zero(write_csv):
    fields, rows = _rows(catalog.get("province_codes").path)
    rows = rows[:3]
    rows[0]["gso_code"] = "1"
    _expect(write_csv, _to_text(fields, rows), "province_codes", "line 2", "column 'gso_code'", "leading zero")


def test_fdi_negative_project_count(write_csv):
    fields, rows = _rows(catalog.get("gso_fdi_by_province").path)
    rows = rows[:4]
    rows[1]["projects"] = "-4"
    _expect(write_csv, _to_text(fields, rows), "gso_fdi_by_province", "line 3", "column 'projects'",
            "non-negative")


def test_nothing_is_dropped_from_the_real_tables():
    for name, path in catalog.paths().items():
        with open(path, encoding="utf-8", newline="") as handle:
            n_rows = sum(1 for _ in csv.DictReader(handle))
        assert len(load_table(name)) == n_rows, name


def test_supplement_source_must_be_a_page_or_a_source_article(write_csv):
    lines = catalog.get("web_figures_supplement").path.read_text(encoding="utf-8").splitlines(keepends=True)
    assert load_table("web_figures_supplement")["source"].str.startswith("sources/").sum() == 2
    bad = lines[0] + lines[1].replace("https://ngkt.mofa.gov.vn/?p=23454", "see the ministry's page", 1)
    with pytest.raises(DataValidationError, match=r"line 2, column 'source': expected a page address or a source"):
        load_table("web_figures_supplement", write_csv(bad, "supplement.csv"))
