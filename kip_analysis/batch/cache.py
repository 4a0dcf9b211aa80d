"""The batch's cache: a notebook run is reused when its source, parameters, raw-data
checksums and the package code are unchanged.

May import: data.provenance, batch.jobs.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from kip_analysis.batch.jobs import Job
from kip_analysis.data import provenance


def _code_hash() -> str:
    digest = hashlib.sha256()
    package = Path(__file__).resolve().parent.parent  # the whole kip_analysis package
    for path in sorted(package.rglob("*")):
        if path.is_file() and path.suffix in {".py", ".j2", ".json"}:
            digest.update(path.relative_to(package).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def inputs_hash() -> str:
    """Hash of what every run shares: the raw-data checksums and the package code."""
    digest = hashlib.sha256(json.dumps(provenance.raw_checksums(), sort_keys=True).encode())
    digest.update(_code_hash().encode())
    return digest.hexdigest()


def cache_key(job: Job, shared: str, extra_files: list[Path] | None = None) -> str:
    """Hash of everything a run depends on: notebook source, parameters, and ``shared``
    (:func:`inputs_hash`: raw data and code).
    """
    digest = hashlib.sha256(shared.encode())
    digest.update(job.source.read_bytes())
    digest.update(json.dumps(job.parameters, sort_keys=True, default=str).encode())
    for path in extra_files or []:
        digest.update(path.name.encode())
        digest.update(path.read_bytes() if path.exists() else b"missing")
    return digest.hexdigest()


def is_cached(job: Job, key: str) -> bool:
    """Whether the job's last successful run had this cache key and its page still exists."""
    stamp = job.executed.with_suffix(".cache.json")
    return stamp.exists() and job.html.exists() and json.loads(stamp.read_text()).get("key") == key
