"""Binder and Colab links from the checkout's git remote (tools/launch.py), on temporary git
repositories with each form of remote URL; nothing here touches the network."""

from __future__ import annotations

import importlib.util
import os
import shutil
import socket
import subprocess
from pathlib import Path

import pytest

from tools import launch

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

BINDER = "https://mybinder.org/v2/gh/ada/sme-kit/HEAD?urlpath=lab/tree/notebooks/04_path_analysis.ipynb"
COLAB = "https://colab.research.google.com/github/ada/sme-kit/blob/HEAD/notebooks/04_path_analysis.ipynb"


def git(folder: Path, *arguments: str) -> None:
    environment = {key: value for key, value in os.environ.items() if not key.startswith("GIT_")}
    subprocess.run(["git", "-C", str(folder), *arguments], check=True, capture_output=True, env=environment)


def repository(folder: Path, remote: str | None = None) -> Path:
    """A new git repository in ``folder``, with ``remote`` as its origin."""
    folder.mkdir(parents=True, exist_ok=True)
    git(folder, "init", "-q", "-b", "main")
    if remote is not None:
        git(folder, "remote", "add", "origin", remote)
    return folder


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    """Any attempt to open a network connection from this process fails the test."""

    def refuse(*arguments, **keywords):
        raise AssertionError("tools/launch.py tried to open a network connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


@pytest.mark.parametrize(
    "remote",
    [
        "https://github.com/ada/sme-kit",
        "https://github.com/ada/sme-kit.git",
        "https://github.com/ada/sme-kit/",
        "https://www.github.com/ada/sme-kit.git",
        "https://ada:ghp_secret@github.com/ada/sme-kit.git",
        "http://github.com/ada/sme-kit",
        "git@github.com:ada/sme-kit.git",
        "git@github.com:ada/sme-kit",
        "ssh://git@github.com/ada/sme-kit",
        "ssh://git@github.com/ada/sme-kit.git",
        "ssh://git@github.com:22/ada/sme-kit.git",
        "git://github.com/ada/sme-kit.git",
        "https://GitHub.com/ada/sme-kit.git",
    ],
)
def test_each_form_of_github_remote_gives_user_and_repository(tmp_path, remote):
    root = repository(tmp_path / "kit", remote)
    assert launch.repository_slug(root) == "ada/sme-kit"
    links = launch.launch_links("04_path_analysis.ipynb", root)
    assert links == launch.LaunchLinks("ada/sme-kit", BINDER, COLAB)
    assert "secret" not in repr(links)


@pytest.mark.parametrize(
    "remote",
    [
        "https://gitlab.com/ada/sme-kit.git",
        "git@gitlab.com:ada/sme-kit.git",
        "https://github.example.org/ada/sme-kit.git",
        "https://github.com/ada",
        "https://github.com/ada/sme-kit/tree/main",
        "/srv/git/sme-kit.git",
        "../sme-kit",
        "file:///srv/git/sme-kit.git",
    ],
)
def test_a_remote_not_on_github_gives_no_links_and_says_what_to_do(tmp_path, remote):
    root = repository(tmp_path / "kit", remote)
    assert launch.repository_slug(root) is None
    assert launch.launch_links("00_the_study.ipynb", root) is None
    text = launch.readme_badges(root)
    assert "is not a repository on github.com" in text
    assert "Push the kit to GitHub" in text and "then rebuild" in text and "<your-fork>" in text


def test_without_a_remote_or_outside_git_there_are_no_links(tmp_path):
    for root in (repository(tmp_path / "no_remote"), tmp_path / "not_git"):
        root.mkdir(exist_ok=True)
        assert launch.repository_slug(root) is None
        assert launch.launch_links("00_the_study.ipynb", root) is None
        assert "this checkout has no git remote 'origin'" in launch.instruction(root)


def test_the_instruction_never_shows_a_token_from_the_remote(tmp_path):
    root = repository(tmp_path / "kit", "https://ada:glpat-secret@gitlab.com/ada/sme-kit.git")
    text = launch.instruction(root)
    assert "(https://gitlab.com/ada/sme-kit.git)" in text
    assert "secret" not in text and "ada:" not in text


def test_colab_opens_the_remote_default_branch_when_the_clone_knows_it(tmp_path):
    root = repository(tmp_path / "kit", "git@github.com:ada/sme-kit.git")
    git(root, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "--allow-empty", "-m", "first")
    git(root, "update-ref", "refs/remotes/origin/course-2027", "HEAD")
    git(root, "symbolic-ref", "refs/remotes/origin/HEAD", "refs/remotes/origin/course-2027")
    links = launch.launch_links("04_path_analysis.ipynb", root)
    assert links.colab == COLAB.replace("/blob/HEAD/", "/blob/course-2027/")
    assert links.binder == BINDER  # Binder's HEAD is the default branch already


def test_otherwise_colab_opens_the_branch_the_checkout_tracks(tmp_path):
    root = repository(tmp_path / "kit", "git@github.com:ada/sme-kit.git")
    git(root, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "--allow-empty", "-m", "first")
    git(root, "update-ref", "refs/remotes/origin/main", "HEAD")
    git(root, "branch", "-q", "--set-upstream-to=origin/main", "main")
    assert launch.default_branch(root) == "main"
    assert "/blob/main/notebooks/" in launch.launch_links("00_the_study.ipynb", root).colab


def test_notebooks_in_subfolders_and_names_that_need_quoting(tmp_path):
    root = repository(tmp_path / "kit", "https://github.com/ada/sme-kit")
    links = launch.launch_links("exercises/04 path analysis.ipynb", root)
    assert links.binder.endswith("?urlpath=lab/tree/notebooks/exercises/04%20path%20analysis.ipynb")
    assert links.colab.endswith("/blob/HEAD/notebooks/exercises/04%20path%20analysis.ipynb")
    for wrong in ("../README.md", "/etc/passwd.ipynb", "../secret.ipynb", "04_path_analysis.py"):
        with pytest.raises(ValueError, match="expected a notebook path inside notebooks/"):
            launch.launch_links(wrong, root)


def test_readme_badges_open_the_first_lesson_on_binder_and_colab(tmp_path):
    root = repository(tmp_path / "kit", "https://github.com/ada/sme-kit.git")
    first = "notebooks/00_the_study.ipynb"
    assert launch.readme_badges(root) == (
        f"[![Launch on Binder](https://mybinder.org/badge_logo.svg)]"
        f"(https://mybinder.org/v2/gh/ada/sme-kit/HEAD?urlpath=lab/tree/{first}) "
        f"[![Open in Colab](https://colab.research.google.com/assets/colab-badge.svg)]"
        f"(https://colab.research.google.com/github/ada/sme-kit/blob/HEAD/{first})"
    )
    assert (launch.ROOT / first).is_file()


README = """# Kit

<!-- launch-links -->
[![Launch on Binder](https://mybinder.org/badge_logo.svg)](https://mybinder.org/v2/gh/<your-fork>/HEAD)
<!-- /launch-links -->
With nothing installed, ...
"""


def test_write_readme_replaces_only_the_badge_line_between_the_markers(tmp_path, capsys):
    root = repository(tmp_path / "kit", "git@github.com:ada/sme-kit.git")
    (root / "README.md").write_text(README, encoding="utf-8")
    assert launch.main(["--write-readme", "--root", str(root)]) == 0
    written = (root / "README.md").read_text(encoding="utf-8")
    before, after = README.split("[![Launch")[0], README.split("\n<!-- /launch-links -->")[1]
    assert written == before + launch.readme_badges(root) + "\n<!-- /launch-links -->" + after
    assert launch.main(["--write-readme", "--root", str(root)]) == 0  # again: the same file
    assert (root / "README.md").read_text(encoding="utf-8") == written
    assert "launch links for ada/sme-kit" in capsys.readouterr().out


def test_write_readme_leaves_the_readme_alone_without_markers_or_without_github(tmp_path, capsys):
    root = repository(tmp_path / "kit", "git@github.com:ada/sme-kit.git")
    (root / "README.md").write_text("# Kit\nno markers\n", encoding="utf-8")
    assert launch.main(["--write-readme", "--root", str(root)]) == 1
    assert "needs the badge line between one <!-- launch-links -->" in capsys.readouterr().err
    assert (root / "README.md").read_text(encoding="utf-8") == "# Kit\nno markers\n"

    elsewhere = repository(tmp_path / "elsewhere", "https://gitlab.com/ada/sme-kit.git")
    (elsewhere / "README.md").write_text(README, encoding="utf-8")
    assert launch.main(["--write-readme", "--root", str(elsewhere)]) == 1
    assert "README.md was left as it is" in capsys.readouterr().err
    assert (elsewhere / "README.md").read_text(encoding="utf-8") == README


def test_the_command_prints_the_badges_or_the_instruction(tmp_path, capsys):
    root = repository(tmp_path / "kit", "ssh://git@github.com/ada/sme-kit")
    assert launch.main(["--root", str(root)]) == 0
    assert capsys.readouterr().out == launch.readme_badges(root) + "\n"
    assert launch.main(["--root", str(repository(tmp_path / "bare"))]) == 0
    assert capsys.readouterr().out.startswith("No Binder or Colab links: this checkout has no git remote")


# ---- the lessons' first code cell, that installs the kit on Colab --------------------------------


ORIGINAL_FIND_SPEC = importlib.util.find_spec


class MagicRecorder:
    """Stands in for IPython: records the line magics a cell runs, with {names} expanded."""

    def __init__(self, namespace):
        self.namespace, self.lines = namespace, []

    def run_line_magic(self, name, line):
        self.lines.append(f"%{name} {line.format(**self.namespace)}")


def run_cell(source: str, monkeypatch, on_colab: bool, helpers_installed: bool) -> list[str]:
    """Run the cell as IPython would, on Colab or not, and return the magics it ran."""
    import sys
    import types

    from IPython.core.inputtransformer2 import TransformerManager

    if on_colab:
        google = types.ModuleType("google")
        google.colab = types.ModuleType("google.colab")
        monkeypatch.setitem(sys.modules, "google", google)
        monkeypatch.setitem(sys.modules, "google.colab", google.colab)
    else:
        monkeypatch.setitem(sys.modules, "google.colab", None)  # `import google.colab` fails

    def find_spec(name, *arguments):
        if name == "helpers":
            return ORIGINAL_FIND_SPEC(name) if helpers_installed else None
        return ORIGINAL_FIND_SPEC(name, *arguments)

    monkeypatch.setattr(importlib.util, "find_spec", find_spec)
    namespace = {}
    recorder = MagicRecorder(namespace)
    namespace["get_ipython"] = lambda: recorder
    exec(TransformerManager().transform_cell(source), namespace)
    return recorder.lines


def test_the_colab_cell_installs_the_kit_and_the_analysis_packages_on_colab_only(
    tmp_path, monkeypatch, capsys
):
    root = repository(tmp_path / "kit", "git@github.com:ada/sme-kit.git")
    shutil.copy(launch.ROOT / "pyproject.toml", root / "pyproject.toml")
    cell = launch.colab_install_cell(root)
    assert 'KIT_ON_GITHUB = "ada/sme-kit"' in cell
    assert run_cell(cell, monkeypatch, on_colab=False, helpers_installed=False) == []
    assert run_cell(cell, monkeypatch, on_colab=True, helpers_installed=True) == []  # once per session
    kit, analysis = run_cell(cell, monkeypatch, on_colab=True, helpers_installed=False)
    assert kit == '%pip install --quiet --no-deps "sme-kerala-kit @ git+https://github.com/ada/sme-kit"'
    assert analysis.split()[:3] == ["%pip", "install", "--quiet"]
    assert analysis.split()[3:] == launch.colab_requirements(root)
    assert capsys.readouterr() == ("", "")  # nothing printed: nbval compares an empty output


def test_the_colab_cell_pins_the_analysis_packages_and_leaves_colabs_jupyter_alone():
    pinned = launch.colab_requirements()
    assert all("==" in requirement for requirement in pinned)
    names = {requirement.split("==")[0] for requirement in pinned}
    assert {"numpy", "pandas", "scipy", "semopy", "statsmodels", "matplotlib"} <= names
    assert not names & set(launch.COLAB_KEEPS)


def test_without_a_github_remote_the_colab_cell_asks_for_the_repository(tmp_path, monkeypatch):
    root = repository(tmp_path / "kit")
    shutil.copy(launch.ROOT / "pyproject.toml", root / "pyproject.toml")
    cell = launch.colab_install_cell(root)
    assert 'KIT_ON_GITHUB = "<user>/<repository>"' in cell
    assert run_cell(cell, monkeypatch, on_colab=False, helpers_installed=False) == []
    with pytest.raises(ValueError, match="put the <user>/<repository> this notebook comes from"):
        run_cell(cell, monkeypatch, on_colab=True, helpers_installed=False)


def test_the_readmes_colab_cell_installs_the_kits_pins():
    readme = (launch.ROOT / "README.md").read_text(encoding="utf-8")
    cell = readme.split("**On Colab**", 1)[1].split("```python", 1)[1].split("```", 1)[0]
    pinned = cell.split("%pip install --quiet ")[-1].split()
    assert pinned == launch.colab_requirements()
