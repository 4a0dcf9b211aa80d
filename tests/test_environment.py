"""pyproject.toml and environment.yml list the same dependencies at the same versions."""

from __future__ import annotations

import re
import tomllib

import yaml

from kip_analysis import config


def _pyproject_pins() -> dict[str, str]:
    project = tomllib.loads((config.ROOT / "pyproject.toml").read_text())["project"]
    specs = project["dependencies"] + [d for group in project["optional-dependencies"].values() for d in group]
    pins = {}
    for spec in specs:
        name, version = re.fullmatch(r"([A-Za-z0-9_.-]+)==([\w.]+)", spec).groups()
        pins[name.lower().replace("_", "-")] = version
    return pins


def _conda_pins() -> dict[str, str]:
    env = yaml.safe_load((config.ROOT / "environment.yml").read_text())
    pins = {}
    for dep in env["dependencies"]:
        if isinstance(dep, str) and "=" in dep:
            name, version = dep.split("=", 1)
            pins[name.lower()] = version
        elif isinstance(dep, dict):  # the pip: section, for packages conda-forge lacks
            for spec in dep.get("pip", []):
                if "==" in spec:
                    name, version = spec.split("==", 1)
                    pins[name.lower()] = version
    return pins


def test_every_pip_dependency_is_pinned_exactly():
    project = tomllib.loads((config.ROOT / "pyproject.toml").read_text())["project"]
    for spec in project["dependencies"]:
        assert "==" in spec, f"{spec} is not pinned with =="


def test_environment_yml_matches_pyproject():
    conda = {k: v for k, v in _conda_pins().items() if k != "python"}
    assert conda == _pyproject_pins()


def test_both_ask_for_python_311():
    project = tomllib.loads((config.ROOT / "pyproject.toml").read_text())["project"]
    assert project["requires-python"] == ">=3.11,<3.12"
    assert _conda_pins()["python"] == "3.11"
