"""Provenance is data: metadata sidecars and checksums of the raw tables.

Every raw file ``x.csv`` has ``x.meta.yml`` beside it with the fields in
:data:`REQUIRED_FIELDS`. Processed tables and memos record the checksums of the raw
files and the code version that made them (:mod:`kip_analysis.versions`).

May import: config, data.catalog.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import yaml

from kip_analysis import config
from kip_analysis.data import catalog

#: Fields every sidecar must carry (STYLE.md section 2).
REQUIRED_FIELDS: tuple[str, ...] = (
    "file",
    "title",
    "producer",
    "outlet",
    "address",
    "date_published",
    "date_accessed",
    "licence",
    "sha256",
    "size_bytes",
)


class Record(dict):
    """A read-only provenance mapping (checksums, package versions) kept in a table's ``attrs``.

    pandas deep-copies ``attrs`` into the result of every operation on a table; a record that
    cannot change is passed on as itself instead, which spares thousands of copies of the same
    checksums in the targets analysis's leave-one-row-out loops.
    """

    def __deepcopy__(self, memo: dict) -> Record:
        return self

    def __reduce__(self) -> tuple:
        return Record, (dict(self),)

    def _read_only(self, *args, **kwargs):
        raise TypeError("a provenance record is read-only; build a new one")

    __setitem__ = __delitem__ = __ior__ = clear = pop = popitem = setdefault = update = _read_only  # type: ignore[assignment]


def sha256(path: Path) -> str:
    """Hex SHA-256 of a file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def sidecar_path(path: Path) -> Path:
    """``data.csv`` -> ``data.meta.yml``."""
    return path.with_name(path.stem + ".meta.yml")


def read_sidecar(path: Path) -> dict:
    """Read the metadata sidecar of a raw file."""
    meta_path = sidecar_path(path)
    if not meta_path.exists():
        raise FileNotFoundError(f"{path}: no metadata sidecar {meta_path.name}")
    return yaml.safe_load(meta_path.read_text(encoding="utf-8"))


def check_sidecar(path: Path) -> list[str]:
    """Problems with a raw file's sidecar: missing fields, wrong hash or size.

    Returns an empty list when the sidecar is complete and matches the file.
    """
    meta = read_sidecar(path)
    problems = [f"missing field {f!r}" for f in REQUIRED_FIELDS if not meta.get(f)]
    if meta.get("file") != path.name:
        problems.append(f"field 'file' is {meta.get('file')!r}, expected {path.name!r}")
    if meta.get("sha256") != sha256(path):
        problems.append("sha256 does not match the file (raw files are never edited)")
    if meta.get("size_bytes") != path.stat().st_size:
        problems.append(f"size_bytes {meta.get('size_bytes')} != {path.stat().st_size}")
    return problems


def raw_checksums(paths: dict[str, Path] | None = None) -> dict[str, str]:
    """SHA-256 of every raw table, by table name."""
    paths = catalog.paths() if paths is None else paths
    return {name: sha256(p) for name, p in sorted(paths.items())}


def restamp_sidecar(path: Path) -> dict:
    """Rewrite the checksum and size in a raw file's sidecar after a transcription edit.

    Only for files this project transcribes itself (``data/raw/articles``); files received
    from elsewhere are never edited, so their sidecars are never restamped.
    """
    meta = read_sidecar(path)
    meta["sha256"] = sha256(path)
    meta["size_bytes"] = path.stat().st_size
    sidecar_path(path).write_text(
        yaml.safe_dump(meta, sort_keys=False, allow_unicode=True, width=100), encoding="utf-8"
    )
    return meta


if __name__ == "__main__":  # python -m kip_analysis.data.provenance restamp data/raw/articles/x.csv
    import sys

    if len(sys.argv) != 3 or sys.argv[1] != "restamp":
        sys.exit("usage: python -m kip_analysis.data.provenance restamp PATH")
    target = Path(sys.argv[2]).resolve()
    if target.parent != (config.DATA_RAW / "articles").resolve():
        sys.exit(f"{target}: only transcriptions under data/raw/articles/ may be restamped")
    print(restamp_sidecar(target)["sha256"])
