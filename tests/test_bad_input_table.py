"""A table of bad inputs a careful user can produce (issue 20): raw tables, sidecars, command-line
parameters, census extracts and mapping files, file-system faults. Each case asserts that the error
is one line naming the file and row/column or the parameter, that the command-line exit status is 2,
and that nothing under the output folder changed. The counts are printed by ``-s`` (closing note).
"""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from kip_analysis.batch import cli
from kip_analysis.data import catalog, raw
from kip_analysis.data.firm_panel import load_firm_panel
from kip_analysis.errors import USER_ERROR, DataValidationError, ParameterError, user_message

# ----------------------------------------------------------------------------------------- raw tables
MUTATIONS = ("blank required cell", "text in a number column", "duplicated key row", "missing column",
             "unknown column")


def _rows(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))


def _mutate(name: str, how: str) -> tuple[list[list[str]], str | None, int | None]:
    """The table's rows after ``how``, the column the error must name and the line (None: any)."""
    entry = catalog.get(name)
    rows = _rows(entry.path)
    header, cols = rows[0], entry.schema.columns
    if how == "blank required cell":
        column = next(c for c in header if c in cols and not cols[c].nullable)
        rows[1][header.index(column)] = ""
        return rows, column, 2
    if how == "text in a number column":
        column = next((c for c in header if c in cols and str(cols[c].dtype) in ("float64", "int64")), None)
        if column is None:
            pytest.skip(f"{name} has no number column")
        rows[2][header.index(column)] = "n/a?"
        return rows, column, 3
    if how == "duplicated key row":
        rows.insert(2, list(rows[1]))
        return rows, None, None
    if how == "missing column":
        column = next(c for c in header if c in cols and not cols[c].nullable)
        i = header.index(column)
        return [r[:i] + r[i + 1:] for r in rows], column, None
    rows[0] = header + ["surprise"]
    return [rows[0]] + [r + ["x"] for r in rows[1:]], "surprise", None


@pytest.mark.parametrize("how", MUTATIONS)
@pytest.mark.parametrize("name", sorted(catalog.TABLES))
def test_bad_raw_table_is_one_line_naming_file_line_and_column(tmp_path, name, how):
    rows, column, line = _mutate(name, how)
    path = tmp_path / catalog.get(name).path.name
    with open(path, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)
    with pytest.raises(DataValidationError) as caught:
        raw.load_table(name, path)
    message = user_message(caught.value)
    assert message is not None and "\n" not in message.strip() and path.name in message
    if column:
        assert repr(column) in message or column in message
    if line:
        assert f"line {line}" in message


def test_a_changed_raw_file_or_missing_sidecar_is_named_with_both_hashes(tmp_path, monkeypatch):
    entry = catalog.get("province_codes")
    copy = tmp_path / entry.path.name
    shutil.copy(entry.path, copy)
    monkeypatch.setitem(catalog.TABLES, "province_codes", catalog.RawTable(entry.name, copy, entry.schema, entry.key))
    with pytest.raises(DataValidationError, match="no metadata sidecar"):
        raw.load_table("province_codes")
    shutil.copy(entry.sidecar, copy.with_suffix(".meta.yml"))
    raw.load_table("province_codes")  # unchanged bytes: loads
    copy.write_text(copy.read_text(encoding="utf-8").replace("Hà Nội", "Ha Noi", 1), encoding="utf-8")
    with pytest.raises(DataValidationError, match=r"its SHA-256 is [0-9a-f]{64} but its sidecar .* records "
                                                   r"[0-9a-f]{64}"):
        raw.load_table("province_codes")
    monkeypatch.setenv(raw.ALLOW_EDITED, "1")
    with pytest.warns(UserWarning, match="changed since it was received"):
        raw.load_table("province_codes")


def test_impossible_dates_are_rejected(tmp_path):
    entry = catalog.get("consultant_rents")
    rows = _rows(entry.path)
    rows[1][rows[0].index("published")] = "2021-02-30"
    path = tmp_path / "rents.csv"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)
    with pytest.raises(DataValidationError, match=r"line 2, column 'published': .*real date"):
        raw.load_table("consultant_rents", path)


def test_a_figure_its_quote_does_not_carry_becomes_a_conflict_row():
    from kip_analysis.data import facts as facts_mod
    from kip_analysis.data import processed

    facts = facts_mod.all_facts()
    i = facts.index[facts["fact_id"] == "w092"][0]  # Savills: Hà Nội 129 USD, quoted verbatim
    facts.loc[i, ["value_low", "value_high"]] = 1290.0
    facts.loc[i, "quote_status"] = facts_mod.quote_status(1290.0, 1290.0, facts.loc[i, "quote"])
    table = processed.build_conflicts(facts)
    row = table[(table["type"] == "quote mismatch") & (table["fact_a"] == "w092")]
    assert len(row) == 1 and "does not carry the figure" in row["default_choice"].iloc[0]


# ---------------------------------------------------------------------------------- the command line
def _tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


@pytest.fixture
def reports(tmp_path):
    out = tmp_path / "reports"
    (out / "2019" / "baseline").mkdir(parents=True)
    (out / "2019" / "baseline" / "memo.html").write_text("<p>the last good memo</p>")
    (out / "index.html").write_text("<p>index</p>")
    return out


def _mapped_extract(folder: Path, mapping: str | None = "columns:\n  firm_id: firm_id\n") -> Path:
    path = folder / "extract.csv"
    path.write_text("firm_id,year\n1,2019\n", encoding="utf-8")
    if mapping is not None:
        path.with_suffix(".mapping.yml").write_text(mapping, encoding="utf-8")
    return path


CLI_CASES = {
    "years empty": (["--years", ""], "--years"),
    "years open range": (["--years", "2019-"], "--years"),
    "years out of range": (["--years", "2017"], "--years"),
    "years words": (["--years", "last"], "--years"),
    "years reversed": (["--years", "2021-2019"], "--years"),
    "years beyond data": (["--years", "2019-2099"], "--years"),
    "jobs zero": (["--jobs", "0"], "--jobs"),
    "jobs negative": (["--jobs", "-3"], "--jobs"),
    "out is a file": (["--out", "FILE"], "--out"),
    "param without value": (["-p", "n_draws"], "-p"),
    "param unknown": (["-p", "colour=blue"], "-p colour"),
    "param wrong type": (["-p", "n_draws=many"], "-p n_draws"),
    "param reserved": (["-p", "memo_year=2020"], "-p memo_year"),
    "param out of range": (["-p", "n_draws=5"], "n_draws"),
    "scenario unknown": (["--scenario", "utopia"], "utopia"),
    "data_source empty": (["-p", "data_source="], "data_source"),
    "data_source missing": (["-p", "data_source=nowhere/extract.csv"], "data_source"),
    "data_source folder": (["-p", "data_source=DIR"], "data_source"),
    "data_source without mapping": (["-p", "data_source=NOMAP"], "data_source"),
    "data_source wrong suffix": (["-p", "data_source=TXT"], "data_source"),
    "lease ratio negative": (["-p", "lease_ratio=-1"], "lease_ratio"),
    "subsidy share above one": (["-p", "subsidy_share=1.5"], "subsidy_share"),
}


@pytest.mark.parametrize("case", list(CLI_CASES))
def test_bad_command_line_is_exit_2_one_line_and_touches_nothing(case, reports, tmp_path, capsys):
    args, names = CLI_CASES[case]
    extract = _mapped_extract(tmp_path)
    nomap = _mapped_extract(tmp_path / "nomap" if (tmp_path / "nomap").mkdir() is None else tmp_path, None)
    (tmp_path / "x.txt").write_text("x")
    swap = {"FILE": str(reports / "index.html"), "DIR": str(tmp_path), "NOMAP": str(nomap),
            "TXT": str(tmp_path / "x.txt")}
    args = [next((a.replace(k, v) for k, v in swap.items() if k in a), a) for a in args]
    before = _tree(reports)
    status = cli.main(["--out", str(reports), *args] if "--out" not in args else args)
    err = capsys.readouterr().err.strip().splitlines()
    assert status == USER_ERROR, err
    assert err and err[0].startswith("kip-memos: ") and names in err[0], err
    assert len(err) <= 2 and "Traceback" not in "\n".join(err)
    assert _tree(reports) == before
    assert extract.exists()


def test_make_data_reports_one_line_and_status_2(monkeypatch, capsys):
    from kip_analysis.data import processed

    def broken():
        raise DataValidationError("web_figures.csv", "expected a number, got 'x'", 7, "value")

    monkeypatch.setattr(processed, "write_all", broken)
    assert processed.main() == USER_ERROR
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "web_figures.csv, line 7, column 'value'" in err[0] and "details:" in err[0]


def test_file_system_faults_are_named(tmp_path):
    locked = PermissionError(13, "Permission denied", str(tmp_path / "reports" / "index.html"))
    assert "index.html: Permission denied (the file system refused" in user_message(locked)
    assert user_message(KeyError("x")) is None  # an internal error is never dressed as the user's


# ----------------------------------------------------------------------------- extracts and mappings
@pytest.fixture(scope="module")
def sample():
    sim = load_firm_panel("simulated").data
    rounds = sim.groupby("firm_id")["kip_round"].first()
    keep = list(rounds[rounds > 0].index[:8]) + list(rounds[rounds == 0].index[:12])
    return sim[sim["firm_id"].isin(keep)].reset_index(drop=True)


MAPPING = "columns:\n" + "".join(f"  {c}: {c}\n" for c in ("firm_id", "year"))


def _write(tmp_path: Path, frame: pd.DataFrame, mapping: str = MAPPING) -> Path:
    path = tmp_path / "extract.csv"
    frame.to_csv(path, index=False)
    path.with_suffix(".mapping.yml").write_text(mapping, encoding="utf-8")
    return path


def _first(frame: pd.DataFrame) -> int:
    return int(frame["firm_id"].map(frame.groupby("firm_id")["kip_round"].first()).gt(0).idxmax())


EXTRACT_CASES = {
    "one firm": (lambda f: f[f["firm_id"] == f["firm_id"].iloc[0]], None, "1 firm"),
    "no recognised firm": (lambda f: f.assign(kip_round=0, kip_in_force=0), None, "no recognised firm"),
    "every firm recognised in one round": (lambda f: f.assign(kip_round=2020), None, "no comparison firm"),
    "kip_round coded 0 before the round": (
        lambda f: f.assign(kip_round=np.where((f["kip_round"] > 0) & (f["year"] < f["kip_round"]), 0,
                                              f["kip_round"])), None, "kip_round changes within a firm"),
    "extract starts after every round": (lambda f: f[f["year"] >= 2026], None, None),
    "negative revenue": (lambda f: f.assign(revenue_vnd_bn=f["revenue_vnd_bn"].where(f.index != 3, -1.0)), None,
                         "line 5, column 'revenue_vnd_bn'"),
    "province name for code": (lambda f: f.assign(province=f["province"].where(f.index != 2, "Hanoi")), None,
                               "line 4, column 'province'"),
    "unknown ownership": (lambda f: f.assign(ownership=f["ownership"].where(f.index != 1, "coop")), None,
                          "column 'ownership'"),
    "round outside the programme": (lambda f: f.assign(kip_round=np.where(f["kip_round"] > 0, 2009, 0)), None,
                                    "column 'kip_round'"),
    "duplicated firm-year": (lambda f: pd.concat([f, f.iloc[[0]]], ignore_index=True), None, "firm_id"),
    "missing column": (lambda f: f.drop(columns="employment"), None, "employment"),
    "not valid YAML": (lambda f: f, "columns: [firm_id: :\n", "not valid YAML"),
    "mapping is a list": (lambda f: f, "- firm_id\n- year\n", "'columns:' section"),
    "mapping to an unknown field": (lambda f: f, "columns:\n  firm_id: company\n", "unknown schema columns"),
    "two columns to one field": (lambda f: f.assign(id2=f["firm_id"]), "columns:\n  firm_id: firm_id\n  id2: firm_id\n",
                                 "are all mapped to 'firm_id'"),
    "mapping names an absent column": (lambda f: f, "columns:\n  MA_DN: firm_id\n", "does not have"),
}


@pytest.mark.parametrize("case", list(EXTRACT_CASES))
def test_bad_extract_or_mapping_is_one_line_naming_where(tmp_path, sample, case):
    change, mapping, expected = EXTRACT_CASES[case]
    path = _write(tmp_path, change(sample.copy()), mapping or MAPPING)
    with pytest.raises(DataValidationError) as caught:
        load_firm_panel(path)
    message = user_message(caught.value)
    assert message and "\n" not in message and ("extract" in message or "mapping" in message), message
    if expected:
        assert expected in message, message


def test_suspicious_but_legal_extracts_warn_by_name(tmp_path, sample):
    frame = sample.copy()
    frame.loc[frame.index[5], "revenue_vnd_bn"] *= 5_000
    frame.loc[frame.index[7], "province"] = "99"
    loaded = load_firm_panel(_write(tmp_path, frame))
    text = " | ".join(loaded.warnings)
    firm = frame.loc[frame.index[5], "firm_id"]
    assert "500-fold" in text and f"(firm {firm}," in text and "province codes not in province_codes.csv" in text
    assert "99 (line 9 " in text


def test_the_bad_input_table_has_more_than_100_cases():
    no_numbers = 6  # tables without a number column skip that mutation
    raw_cases = len(catalog.TABLES) * len(MUTATIONS) - no_numbers
    assert raw_cases + len(CLI_CASES) + len(EXTRACT_CASES) + 6 >= 100
    with pytest.raises(ParameterError):
        cli.check_out(Path(__file__))
