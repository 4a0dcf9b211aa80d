"""The batch's content-addressed cache: a notebook run is reused only when everything it reads is
byte for byte what it read last time: the notebook, its parameters, the package code, every raw
table, the census extract and its mapping file (when ``data_source`` names one), the memo's input
results, and the versions of the libraries that compute the numbers. The stamp beside each
executed notebook keeps these parts' hashes, so a rebuild can say which part changed.

May import: data.provenance, batch.jobs, memory, versions.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from kip_analysis import memory
from kip_analysis.batch.jobs import Job
from kip_analysis.data import provenance
from kip_analysis.versions import package_versions

#: Libraries whose version can change a number in a memo (the cache key covers them).
LIBRARIES: tuple[str, ...] = ("pandas", "numpy", "scipy", "statsmodels", "matplotlib", "pandera", "papermill",
                              "nbconvert", "pyfixest", "babel", "great_tables")


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class Shared:
    """What every job of a batch reads: the code, each raw table and the library versions (hashed once)."""

    code: str
    raw: dict[str, str]
    libraries: str

    @classmethod
    def now(cls) -> Shared:
        """The hashes of the working tree as it is."""
        return cls(memory.code_hash(), provenance.raw_checksums(),
                   _sha(json.dumps(package_versions(LIBRARIES), sort_keys=True).encode()))


def extract_files(job: Job) -> list[Path]:
    """The census extract and its mapping file a job reads (none for the simulated panel)."""
    source = str(job.parameters.get("data_source", "simulated"))
    if source == "simulated":
        return []
    path = Path(source)
    return [path, path.with_suffix(".mapping.yml")]


def parts(job: Job, shared: Shared, extra_files: list[Path] | None = None) -> dict:
    """Each part of what ``job`` reads, hashed: the key is the hash of these."""
    files = {str(p): _sha(p.read_bytes()) if p.exists() else "missing"
             for p in [*extract_files(job), *(extra_files or [])]}
    return {"notebook": _sha(job.source.read_bytes()),
            "parameters": _sha(json.dumps(job.parameters, sort_keys=True, default=str).encode()),
            "code": shared.code, "libraries": shared.libraries, "raw": dict(shared.raw), "files": files}


def cache_key(job: Job, shared: Shared, extra_files: list[Path] | None = None) -> tuple[str, dict]:
    """The job's key (hash of :func:`parts`) and the parts themselves (kept in the stamp)."""
    p = parts(job, shared, extra_files)
    return _sha(json.dumps(p, sort_keys=True).encode()), p


def _stamp(job: Job) -> dict:
    path = job.executed.with_suffix(".cache.json")
    try:
        return json.loads(path.read_text()) if path.exists() else {}
    except (OSError, ValueError):
        return {}


def is_cached(job: Job, key: str) -> bool:
    """Whether the job's last successful run had this cache key and its page still exists."""
    return job.html.exists() and _stamp(job).get("key") == key


def why_rebuilt(job: Job, current: dict, force: bool = False) -> str:
    """Why a job runs: forced, never run, or which of its inputs changed since the last good run.

    Examples
    --------
    >>> from kip_analysis.batch.jobs import Job
    >>> why_rebuilt(Job("01_x", 2020, "baseline", {}, "/nonexistent"), {}, force=True)
    'forced (--force)'
    """
    if force:
        return "forced (--force)"
    last = _stamp(job).get("parts")
    if not last:
        return "no earlier run" if not job.html.exists() else "no record of the earlier run's inputs"
    changed = [name for name in ("notebook", "parameters", "code", "libraries") if last.get(name) != current[name]]
    raw = sorted(k for k in set(last.get("raw", {})) | set(current["raw"])
                 if last.get("raw", {}).get(k) != current["raw"].get(k))
    if raw:
        changed.append("raw data (" + ", ".join(raw) + ")")
    files = sorted(k for k in set(last.get("files", {})) | set(current["files"])
                   if last.get("files", {}).get(k) != current["files"].get(k))
    if files:
        changed.append("files read (" + ", ".join(Path(f).name for f in files) + ")")
    if not job.html.exists():
        changed.append("its page is missing")
    return "changed: " + "; ".join(changed) if changed else "inputs unchanged but its outputs are incomplete"
