"""How long do the kit's two main commands take in a warm environment?

    python3 benchmarks/kit_speed.py            # median of 3 runs of each command
    python3 benchmarks/kit_speed.py --runs 1   # one run of each

Times, as a user would type them, ``python3 kit.py replicate`` (the main job: every notebook,
executed side by side, one worker per core) and ``python3 kit.py test`` (lint, unit tests, strict
nbval on every notebook). The environment is made ready first (``.venv`` with the pinned
packages), untimed, so the figures never include installing packages. Generated output goes to a
temporary folder (``KIT_RESULTS_DIR``), not to results/.

Prints each median beside its target (main job <= 15 s, tests <= 45 s), the machine (cores, load,
Python), each notebook's own time from the last replicate run and the tests' closing line. Beside
the wall time it prints the CPU time of the command and all its processes (kernels included; on
POSIX): on a busy machine the wall time grows, while CPU time / cores still says roughly what an
idle machine would need. Nothing here is asserted.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

try:
    import resource  # POSIX only
except ImportError:
    resource = None

REPO_ROOT = Path(__file__).resolve().parents[1]
TARGETS = {"replicate": 15.0, "test": 45.0}  # seconds, warm, on the 2-core machine the kit is built on
NOTEBOOK_LINE = re.compile(r"^(\d\d_\S+\.ipynb)\s+(ok|FAILED)\s+([\d.]+)$", re.MULTILINE)
PYTEST_SUMMARY = re.compile(r"^=+ (.*(?:passed|failed|error).*) =+$", re.MULTILINE)


def load_environment():
    """tools/environment.py, which makes .venv ready (standard library only, like kit.py)."""
    sys.path.insert(0, str(REPO_ROOT))
    from tools import environment

    return environment


def children_cpu_seconds() -> float:
    """User + system CPU time of this process's finished child processes and their descendants."""
    if resource is None:
        return float("nan")
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def time_command(python: str, command: str, results_dir: str) -> tuple[float, float, int, str]:
    """Wall time, CPU time, exit code and output of one ``python3 kit.py <command>``."""
    environment = {**os.environ, "KIT_RESULTS_DIR": results_dir}  # kit.py's --results, for every command
    cpu_before, start = children_cpu_seconds(), time.perf_counter()
    run = subprocess.run(
        [python, "kit.py", command], cwd=REPO_ROOT, env=environment, capture_output=True, text=True
    )
    wall, cpu = time.perf_counter() - start, children_cpu_seconds() - cpu_before
    return wall, cpu, run.returncode, run.stdout + run.stderr


def machine_info(kit_environment) -> list[str]:
    kit_python = subprocess.run(
        [str(kit_environment.venv_python()), "-c", "import platform; print(platform.python_version())"],
        capture_output=True,
        text=True,
    ).stdout.strip()
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg()) if hasattr(os, "getloadavg") else "n/a"
    return [
        f"machine: {platform.machine()}, {os.cpu_count()} cores, {platform.platform()}",
        f"load average (1, 5, 15 min) before the runs: {load}",
        f"python: {platform.python_version()} runs kit.py; the kit's .venv has Python {kit_python}",
    ]


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=3, help="runs of each command (the median is reported)")
    parser.add_argument(
        "--commands", nargs="+", default=list(TARGETS), choices=list(TARGETS), help="which commands to time"
    )
    arguments = parser.parse_args()

    kit_environment = load_environment()
    sys.stdout.reconfigure(line_buffering=True)  # progress shows as it happens, even in a file
    print("Making sure .venv is ready (not timed) ...")
    kit_environment.ensure_environment()
    python = shutil.which("python3") or sys.executable
    for line in machine_info(kit_environment):
        print(line)

    summary, outputs = [], {}
    for command in arguments.commands:
        walls, cpus = [], []
        for run in range(1, arguments.runs + 1):
            with tempfile.TemporaryDirectory(prefix="kit-speed-") as results_dir:
                wall, cpu, code, output = time_command(python, command, results_dir)
            walls.append(wall)
            cpus.append(cpu)
            outputs[command] = output
            status = "ok" if code == 0 else f"EXIT CODE {code}"
            print(f"  kit.py {command} run {run}/{arguments.runs}: {wall:.1f} s, CPU {cpu:.1f} s ({status})")
        summary.append((command, statistics.median(walls), statistics.median(cpus), len(walls)))

    cores = os.cpu_count() or 1
    header = ("command", "wall (s)", "target (s)", "CPU (s)", "CPU/cores", "runs")
    print("\n{:<24} {:>9} {:>10} {:>8} {:>9} {:>5}  verdict".format(*header))
    for command, wall, cpu, runs in summary:
        target = TARGETS[command]
        verdict = "within target" if wall <= target else f"over target by {wall - target:.1f} s"
        row = (f"python3 kit.py {command}", wall, target, cpu, cpu / cores, runs, verdict)
        print("{:<24} {:>9.1f} {:>10.0f} {:>8.1f} {:>9.1f} {:>5}  {}".format(*row))
    print("(wall and CPU are medians; CPU/cores is about the least wall time this machine could reach)")

    if "replicate" in outputs:
        print("\nEach notebook's own time in the last replicate run (they run side by side):")
        for name, status, seconds in NOTEBOOK_LINE.findall(outputs["replicate"]):
            print(f"  {name:<40} {status:<7} {float(seconds):6.1f} s")
    if "test" in outputs:
        closing = PYTEST_SUMMARY.findall(outputs["test"])
        print(f"\nTests, last run: {closing[-1] if closing else 'no pytest summary line found'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
