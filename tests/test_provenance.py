"""Every raw file has a complete metadata sidecar whose checksum and size match the file."""

from __future__ import annotations

import pytest

from kip_analysis import config
from kip_analysis.data import catalog, provenance


@pytest.mark.parametrize("name", sorted(catalog.paths()))
def test_sidecar_complete_and_matches(name):
    path = catalog.paths()[name]
    assert provenance.check_sidecar(path) == []


def test_every_raw_csv_is_a_known_table_with_a_sidecar():
    found = sorted(config.DATA_RAW.rglob("*.csv"))
    assert sorted(catalog.paths().values()) == found
    for path in found:
        assert provenance.sidecar_path(path).exists()


def test_check_sidecar_reports_an_edited_file(tmp_path):
    raw = tmp_path / "x.csv"
    raw.write_text("a\n1\n")
    meta = {f: "x" for f in provenance.REQUIRED_FIELDS}
    meta.update(file="x.csv", sha256=provenance.sha256(raw), size_bytes=raw.stat().st_size)
    import yaml

    provenance.sidecar_path(raw).write_text(yaml.safe_dump(meta))
    assert provenance.check_sidecar(raw) == []
    raw.write_text("a\n2\n")
    assert provenance.check_sidecar(raw) == ["sha256 does not match the file (raw files are never edited)"]
    meta.pop("licence")
    provenance.sidecar_path(raw).write_text(yaml.safe_dump(meta))
    assert "missing field 'licence'" in provenance.check_sidecar(raw)


def test_article_checksums_in_facts_sidecar_match_the_articles(articles_dir):
    sources = provenance.read_sidecar(catalog.get("programme_facts").path)["sources"]
    assert len(sources) == 5
    for source in sources:
        assert provenance.sha256(articles_dir / source["file"]) == source["sha256"], source["file"]


def test_provincial_copies_are_byte_identical_to_shared(articles_dir):
    shared_data = articles_dir.parent / "data"
    for name in ("pci_subindices", "gso_iip_by_province", "gso_fdi_by_province", "province_codes"):
        ours = catalog.paths()[name]
        assert provenance.sha256(ours) == provenance.sha256(shared_data / ours.name)
        assert provenance.read_sidecar(ours)["upstream_meta"]["sha256"] == provenance.sha256(ours)


def test_a_provenance_record_is_passed_on_uncopied_and_cannot_change():
    import copy
    import pickle

    import pandas as pd

    record = provenance.Record({"a.csv": "0" * 64})
    table = pd.DataFrame({"x": [1, 2, 3]})
    table.attrs["raw_sha256"] = record
    derived = table[table["x"] > 1].assign(y=1)
    assert derived.attrs["raw_sha256"] is record and copy.deepcopy(record) is record
    again = pickle.loads(pickle.dumps(record))
    assert again == record and type(again) is provenance.Record
    for change in (lambda r: r.__setitem__("b", "1"), lambda r: r.update(b="1"), lambda r: r.pop("a.csv"),
                   lambda r: r.__ior__({"b": "1"})):
        with pytest.raises(TypeError, match="read-only"):
            change(record)
    assert record == {"a.csv": "0" * 64}
