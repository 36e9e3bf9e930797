"""A ``replicate`` run is a unit: one folder per dataset, built apart, with a manifest.

    results/runs/<stem>-<sha>/          the last good run on that dataset (file stem, short SHA-256)
        run.json                        the manifest: dataset, kit commit, environment, notebooks
        notebooks/  tables/  figures/
    results/latest/                     a copy of the last good run, whatever its dataset
    results/failed/<stem>-<sha>-<time>/ runs that failed or were interrupted, marked so

A run is built in a hidden folder beside its final place and moved there only when every notebook
ran, so a failed or interrupted run never mixes with a good one, and an earlier good run stays as
it was until the new one replaces it whole. One writer at a time: a second run on the same dataset
in the same results folder is refused while the first holds the run's lock.
"""

from __future__ import annotations

import json
import os
import platform
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

from helpers import files

RUNS, FAILED, LATEST, MANIFEST = "runs", "failed", "latest", "run.json"
PACKAGES = (
    "numpy", "pandas", "scipy", "semopy", "statsmodels", "pingouin", "matplotlib", "seaborn",
    "ipykernel", "nbclient", "nbformat", "nbconvert",
)  # fmt: skip
REPO_ROOT = Path(__file__).resolve().parents[1]


class RunBusy(RuntimeError):
    """Another command is writing the same run."""


def run_name(path: Path, sha256: str) -> str:
    """``class_survey-3f2a9c1d0b4e``: the file's stem (letters, digits, ``._-``) and 12 hex of its hash."""
    stem = re.sub(r"[^A-Za-z0-9._-]+", "_", Path(path).stem) or "survey"
    return f"{stem}-{sha256[:12]}"


def now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class Run:
    """One run being built: where, on which data, and what happened so far."""

    results: Path
    name: str
    dataset: dict
    command: list[str]
    started: str = field(default_factory=now)
    building: Path = field(init=False)
    lock: object = field(init=False, repr=False)

    def __post_init__(self) -> None:
        from filelock import FileLock, Timeout

        runs = self.results / RUNS
        runs.mkdir(parents=True, exist_ok=True)
        self.lock = FileLock(runs / f".{self.name}.lock")
        try:
            self.lock.acquire(timeout=0)
        except Timeout:
            raise RunBusy(
                f"another kit.py command is writing the run {self.name} in {self.results}; wait for "
                "it to finish, or give this one its own folder with --results DIR"
            ) from None
        # with the lock held, no other command builds this run: what a killed one left goes
        for leftover in runs.glob(f".{self.name}.building-*"):
            shutil.rmtree(leftover, ignore_errors=True)
        self.building = runs / f".{self.name}.building-{os.getpid()}"
        self.building.mkdir()

    @property
    def final(self) -> Path:
        return self.results / RUNS / self.name

    def finish(self, notebooks: list[dict]) -> Path:
        """A run whose every notebook ran: write its manifest, put it in place of the earlier run
        on the same data, and copy it to latest/. Returns its folder."""
        files.write_text(self.building / MANIFEST, manifest_text(self, notebooks, "ok"))
        replace_directory(self.building, self.final)
        update_latest(self.results, self.final)
        return self.final

    def set_aside(self, status: str, notebooks: list[dict] = ()) -> Path:
        """A run that failed or was stopped: moved to failed/, with a manifest saying so when there
        is room to write one. Returns its folder."""
        try:
            files.write_text(self.building / MANIFEST, manifest_text(self, list(notebooks), status))
        except OSError:
            pass  # e.g. a full disk: the folder's place (failed/) still marks it
        place = self.results / FAILED / f"{self.name}-{self.started.replace(':', '')}"
        place.parent.mkdir(parents=True, exist_ok=True)
        os.replace(self.building, place)
        return place

    def close(self) -> None:
        self.lock.release()


def manifest_text(run: Run, notebooks: list[dict], status: str) -> str:
    commit, dirty = git_state()
    manifest = {
        "status": status,
        "dataset": run.dataset,
        "started": run.started,
        "finished": now(),
        "notebooks": notebooks,
        "kit": {"command": run.command, "git_commit": commit, "uncommitted_changes": dirty},
        "environment": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "packages": {name: metadata.version(name) for name in PACKAGES},
        },
    }
    return json.dumps(manifest, indent=1) + "\n"


def git_state() -> tuple[str | None, bool | None]:
    """The kit's git commit and whether files differ from it; (None, None) outside a git checkout."""
    if not (REPO_ROOT / ".git").exists() or shutil.which("git") is None:
        return None, None
    git = ["git", "-C", str(REPO_ROOT)]
    head = subprocess.run([*git, "rev-parse", "HEAD"], capture_output=True, text=True)
    if head.returncode != 0:
        return None, None
    changes = subprocess.run(
        [*git, "status", "--porcelain", "--untracked-files=no"], capture_output=True, text=True
    )
    return head.stdout.strip(), bool(changes.stdout.strip())


def replace_directory(new: Path, target: Path) -> None:
    """Put the folder ``new`` at ``target``: the old target is renamed aside first, so at every
    moment there is a whole folder (or, for an instant, none), never a half-replaced one."""
    old = target.with_name(f".{target.name}.old-{os.getpid()}")
    if target.exists():
        os.replace(target, old)
    os.replace(new, target)
    shutil.rmtree(old, ignore_errors=True)


def update_latest(results: Path, run_folder: Path) -> None:
    """results/latest: a copy of the last good run (a copy, not a link, so it works on Windows)."""
    from filelock import FileLock

    with FileLock(results / f".{LATEST}.lock", timeout=120):
        copy = results / f".{LATEST}.new-{os.getpid()}"
        shutil.rmtree(copy, ignore_errors=True)
        try:
            shutil.copytree(run_folder, copy)
        except (OSError, shutil.Error) as error:
            shutil.rmtree(copy, ignore_errors=True)
            raise files.WriteError(f"could not copy the run to {results / LATEST}: {error}") from error
        replace_directory(copy, results / LATEST)


def read_manifest(folder: Path) -> dict | None:
    try:
        return json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def good_runs(results: Path, shipped_only: bool = False) -> list[Path]:
    """Good runs in results/runs/, the most recently finished first (by their manifests)."""
    found = []
    for folder in (results / RUNS).glob("[!.]*"):
        manifest = read_manifest(folder)
        if manifest and manifest["status"] == "ok" and (manifest["dataset"]["shipped"] or not shipped_only):
            found.append((manifest["finished"], folder))
    return [folder for _, folder in sorted(found, reverse=True)]
