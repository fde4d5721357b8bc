"""The supply chain: dependencies pinned, vendored front-end files unchanged."""

import hashlib
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def test_every_declared_dependency_is_pinned_in_the_constraints():
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    declared = project["dependencies"] + project["optional-dependencies"]["test"]
    names = {_canonical(re.split(r"[<>=!~\[ ;]", d, maxsplit=1)[0]) for d in declared}
    pins = {}
    for line in (ROOT / "constraints.txt").read_text().splitlines():
        if line and not line.startswith("#"):
            name, _, version = line.partition("==")
            assert version, f"not pinned exactly: {line}"
            pins[_canonical(name)] = version
    assert names - set(pins) == set()


@pytest.mark.parametrize(
    "folder", [ROOT / "static" / "vendor", ROOT / "tests" / "browser" / "vendor"]
)
def test_vendored_files_match_their_recorded_checksums(folder):
    sums = [*folder.rglob("SHA256SUMS"), *folder.rglob("*.sha256")]
    assert sums, f"no checksum file in {folder}"
    checked = 0
    for sums_file in sums:
        for line in sums_file.read_text().splitlines():
            if not line.strip():
                continue
            digest, name = line.split(maxsplit=1)
            path = sums_file.parent / name.lstrip("*")
            assert hashlib.sha256(path.read_bytes()).hexdigest() == digest, path
            checked += 1
    assert checked > 0


def test_every_vendored_file_is_covered_by_a_checksum():
    folder = ROOT / "static" / "vendor"
    listed = set()
    for line in (folder / "SHA256SUMS").read_text().splitlines():
        listed.add((folder / line.split(maxsplit=1)[1]).resolve())
    files = {p.resolve() for p in folder.rglob("*") if p.is_file()}
    files -= {(folder / "SHA256SUMS").resolve(), (folder / "README.md").resolve()}
    assert files <= listed
