"""Launch links for the lessons: Binder and Google Colab, derived from where the kit is on GitHub.

    python tools/launch.py                  the README's badge line (or what to do when there is none)
    python tools/launch.py --write-readme   put that line into README.md, between the two markers
                                            <!-- launch-links --> and <!-- /launch-links -->
    python tools/launch.py --colab-cell     the lessons' first code cell, that installs the kit on Colab

The links are made when the README or the book is built, from the checkout's git remote
``origin`` (``git remote get-url origin``): ``https://github.com/USER/REPO(.git)``,
``git@github.com:USER/REPO.git`` and ``ssh://git@github.com/USER/REPO`` all give ``USER/REPO``.
A fork therefore gets links to its own copy without editing anything. When the checkout has no
remote, or its remote is not on github.com, there are no links: ``launch_links`` returns None and
``instruction`` says what to do instead. Nothing here uses the network: git is asked about its
own configuration only.

Binder builds the environment from ``environment.yml`` and opens JupyterLab on the notebook
(``HEAD``: the repository's default branch). Colab opens the notebook itself from GitHub; the kit
is not installed there, so a lesson's first code cell installs it, on Colab only
(``python tools/launch.py --colab-cell`` prints that cell for this checkout's repository).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import textwrap
import tomllib
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # `python tools/launch.py` from a checkout: this folder's helpers/
    sys.path.insert(0, str(ROOT))

REMOTE = "origin"
NOTEBOOKS = "notebooks"
FIRST_NOTEBOOK = "00_the_study.ipynb"
BINDER_BADGE = "https://mybinder.org/badge_logo.svg"
COLAB_BADGE = "https://colab.research.google.com/assets/colab-badge.svg"
README_START, README_END = "<!-- launch-links -->", "<!-- /launch-links -->"

# A GitHub user (or organisation) and repository name, as GitHub allows them.
_USER = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})"
_REPOSITORY = r"[A-Za-z0-9._-]+"
_SLUG = re.compile(rf"^/?(?P<user>{_USER})/(?P<repository>{_REPOSITORY}?)(?:\.git)?/?$")
_SCP_LIKE = re.compile(r"^(?:[^@/]+@)?(?P<host>[^:/]+):(?P<path>(?!/).+)$")  # git@github.com:user/repo.git
GITHUB_HOSTS = ("github.com", "www.github.com")


@dataclass(frozen=True)
class LaunchLinks:
    """Where one notebook opens on Binder and on Colab (``slug``: ``user/repository`` on GitHub)."""

    slug: str
    binder: str
    colab: str


def remote_url(root: Path = ROOT) -> str | None:
    """The URL of the checkout's ``origin`` remote, or None (not a git checkout, no such remote,
    or no git)."""
    if shutil.which("git") is None or not Path(root).is_dir():
        return None
    # git's own variables (set inside a git hook, say) would point it at another repository
    environment = {key: value for key, value in os.environ.items() if not key.startswith("GIT_")}
    answer = subprocess.run(
        ["git", "-C", str(root), "remote", "get-url", REMOTE],
        capture_output=True,
        text=True,
        env=environment,
        stdin=subprocess.DEVNULL,
    )
    url = answer.stdout.strip()
    return url if answer.returncode == 0 and url else None


def github_slug(url: str) -> str | None:
    """``user/repository`` of a GitHub remote URL, or None when the URL is not a GitHub repository.

    Accepted forms (``.git`` and a trailing slash optional): ``https://github.com/user/repo``,
    ``http://``, ``git://`` and ``ssh://git@github.com[:port]/user/repo``, and git's short form
    ``git@github.com:user/repo``. A user name or token in the URL is ignored.
    """
    url = url.strip()
    if "://" in url:
        parts = urlsplit(url)
        if parts.scheme.lower() not in ("https", "http", "ssh", "git", "git+ssh", "ssh+git"):
            return None
        host, path = (parts.hostname or ""), parts.path
    else:
        scp = _SCP_LIKE.match(url)
        if scp is None:
            return None
        host, path = scp["host"], scp["path"]
    if host.lower() not in GITHUB_HOSTS:
        return None
    match = _SLUG.match(path)
    if match is None or match["repository"] in ("", ".", ".."):
        return None
    return f"{match['user']}/{match['repository']}"


def repository_slug(root: Path = ROOT) -> str | None:
    """``user/repository`` of the checkout's GitHub remote ``origin``, or None when there is none."""
    url = remote_url(root)
    return None if url is None else github_slug(url)


def default_branch(root: Path = ROOT) -> str:
    """The branch the links open: the remote's default branch as the clone recorded it
    (``origin/HEAD``), else the branch the current one tracks on ``origin``, else ``HEAD``
    (GitHub's name for the default branch)."""
    environment = {key: value for key, value in os.environ.items() if not key.startswith("GIT_")}
    questions = (
        ["symbolic-ref", "--quiet", "--short", f"refs/remotes/{REMOTE}/HEAD"],
        ["rev-parse", "--abbrev-ref", "--symbolic-full-name", "@{upstream}"],
    )
    if shutil.which("git") is None:
        return "HEAD"
    for question in questions:
        answer = subprocess.run(
            ["git", "-C", str(root), *question],
            capture_output=True,
            text=True,
            env=environment,
            stdin=subprocess.DEVNULL,
        )
        name = answer.stdout.strip()
        if answer.returncode == 0 and name.startswith(f"{REMOTE}/") and name != f"{REMOTE}/HEAD":
            return name.removeprefix(f"{REMOTE}/")
    return "HEAD"


def binder_url(slug: str, notebook: str) -> str:
    """JupyterLab on Binder, opened on ``notebooks/<notebook>`` of the default branch."""
    return f"https://mybinder.org/v2/gh/{slug}/HEAD?urlpath=lab/tree/{_notebook_path(notebook)}"


def colab_url(slug: str, notebook: str, branch: str = "HEAD") -> str:
    """The notebook ``notebooks/<notebook>`` of ``branch``, opened from GitHub in Google Colab."""
    return f"https://colab.research.google.com/github/{slug}/blob/{quote(branch)}/{_notebook_path(notebook)}"


def _notebook_path(notebook: str) -> str:
    name = Path(notebook).as_posix()
    if name.startswith("/") or ".." in name.split("/") or not name.endswith(".ipynb"):
        raise ValueError(f"notebook {notebook!r}: expected a notebook path inside {NOTEBOOKS}/")
    return quote(f"{NOTEBOOKS}/{name}")


def launch_links(notebook: str, root: Path = ROOT) -> LaunchLinks | None:
    """Binder and Colab links for ``notebook`` (a path inside ``notebooks/``, e.g.
    ``04_path_analysis.ipynb`` or ``exercises/04_path_analysis.ipynb``), or None when the
    checkout is not on GitHub (``instruction`` says why and what to do)."""
    slug = repository_slug(root)
    if slug is None:
        return None
    return LaunchLinks(slug, binder_url(slug, notebook), colab_url(slug, notebook, default_branch(root)))


def instruction(root: Path = ROOT) -> str:
    """Why there are no launch links for this checkout, and what to do (shown instead of them)."""
    url = remote_url(root)
    if url is None:
        why = f"this checkout has no git remote '{REMOTE}'"
    else:
        why = f"its git remote '{REMOTE}' ({_without_credentials(url)}) is not a repository on github.com"
    return (
        f"No Binder or Colab links: {why}. Push the kit to GitHub "
        f"(git remote add {REMOTE} https://github.com/<user>/<repository>.git; git push -u {REMOTE} main), "
        "then rebuild; or replace <your-fork> in the links with your GitHub <user>/<repository>."
    )


def _without_credentials(url: str) -> str:
    """A remote URL as it may be shown: without a user name or token (https://TOKEN@host/...)."""
    if "://" not in url:
        return url
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path, "", ""))


def readme_badges(root: Path = ROOT) -> str:
    """The README's badge line: Binder and Colab on the first lesson, or the instruction."""
    links = launch_links(FIRST_NOTEBOOK, root)
    if links is None:
        return instruction(root)
    return (
        f"[![Launch on Binder]({BINDER_BADGE})]({links.binder}) "
        f"[![Open in Colab]({COLAB_BADGE})]({links.colab})"
    )


def with_badges(readme: str, badges: str) -> str:
    """``readme`` with the text between the launch-link markers replaced by ``badges``."""
    start, end = readme.find(README_START), readme.find(README_END)
    if (
        start < 0
        or end < 0
        or end < start
        or readme.count(README_START) != 1
        or readme.count(README_END) != 1
    ):
        raise ValueError(
            f"README.md needs the badge line between one {README_START} and one {README_END} "
            "(each once, in that order); nothing was changed"
        )
    return readme[: start + len(README_START)] + "\n" + badges + "\n" + readme[end:]


def write_readme(root: Path = ROOT) -> bool:
    """Replace the README's badge line with the links of this checkout; False (and the README left
    as it is) when the checkout is not on GitHub."""
    from helpers import files

    if launch_links(FIRST_NOTEBOOK, root) is None:
        return False
    path = Path(root) / "README.md"
    readme = path.read_text(encoding="utf-8")
    updated = with_badges(readme, readme_badges(root))
    if updated != readme:
        files.write_text(path, updated)
    return True


# Colab's own Jupyter packages: its kernel needs the versions Colab ships, so the install cell
# leaves them alone and installs only what the lessons compute with, at the kit's versions.
COLAB_KEEPS = (
    "jupyterlab",
    "ipykernel",
    "ipython",
    "nbformat",
    "nbclient",
    "nbconvert",
    "jinja2",
    "jupyter-core",
)
PLACEHOLDER_SLUG = "<user>/<repository>"


def colab_requirements(root: Path = ROOT) -> list[str]:
    """The kit's run-time requirements (pyproject.toml) that the Colab cell installs: all but
    Colab's own Jupyter packages (``COLAB_KEEPS``)."""
    project = tomllib.loads((Path(root) / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return [
        requirement
        for requirement in project["dependencies"]
        if re.split(r"[=<>!~;\[ ]", requirement, maxsplit=1)[0].lower() not in COLAB_KEEPS
    ]


def colab_install_cell(root: Path = ROOT, slug: str | None = None) -> str:
    """The source of a lesson's first code cell: on Google Colab it installs the kit from
    ``slug``'s GitHub repository (default: this checkout's; a placeholder without one) and the
    analysis packages at the kit's versions, once per session; anywhere else it does nothing
    and prints nothing (so stored outputs stay the same)."""
    slug = slug or repository_slug(root) or PLACEHOLDER_SLUG
    project = tomllib.loads((Path(root) / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    lines = textwrap.wrap(" ".join(colab_requirements(root)), width=90, break_on_hyphens=False)
    return "\n".join(
        [
            "# On Google Colab only: install the kit (its helpers and the shipped data) into this session.",
            "# Anywhere else this cell does nothing.",
            f'KIT_ON_GITHUB = "{slug}"  # the kit\'s GitHub repository: <user>/<repository>',
            "try:",
            "    import google.colab  # noqa: F401  (only Colab has it)",
            "except ImportError:",
            "    pass",
            "else:",
            "    import importlib.util",
            "",
            '    if "<" in KIT_ON_GITHUB:',
            '        raise ValueError("KIT_ON_GITHUB: put the <user>/<repository> this notebook comes from")',
            '    if importlib.util.find_spec("helpers") is None:',
            "        packages = (",
            *[f'            "{line} "' for line in lines[:-1]],
            f'            "{lines[-1]}"',
            "        )",
            f'        %pip install --quiet --no-deps "{project["name"]} @ git+https://github.com/{{KIT_ON_GITHUB}}"',
            "        %pip install --quiet {packages}",
        ]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Binder and Colab launch links from the git remote.")
    parser.add_argument("--write-readme", action="store_true", help="put the badge line into README.md")
    parser.add_argument("--colab-cell", action="store_true", help="print the lessons' Colab install cell")
    parser.add_argument("--root", type=Path, default=ROOT, help="the kit's checkout (default: this one)")
    arguments = parser.parse_args(argv)
    if arguments.colab_cell:
        print(colab_install_cell(arguments.root))
        return 0
    if not arguments.write_readme:
        print(readme_badges(arguments.root))
        return 0
    try:
        written = write_readme(arguments.root)
    except ValueError as error:
        print(error, file=sys.stderr)
        return 1
    if not written:
        print(instruction(arguments.root) + " README.md was left as it is.", file=sys.stderr)
        return 1
    print(f"README.md: launch links for {repository_slug(arguments.root)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
