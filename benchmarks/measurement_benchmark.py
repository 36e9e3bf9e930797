"""Lesson 08's models on the shipped survey: the kit's engine beside R lavaan, in the same run.

    python benchmarks/measurement_benchmark.py              # 7 warm runs each
    python benchmarks/measurement_benchmark.py --runs 15
    OPENBLAS_NUM_THREADS=1 python benchmarks/measurement_benchmark.py   # as the notebook runner

Prints, for ``helpers.measurement.fit_cfa`` (the six-factor CFA of the 25 recoded items) and
``fit_latent_sem`` (the CFA plus Figure 2's paths), on the 190 firms of data/sme_kerala_survey.csv:

1. **First call**: the first fit in a fresh process (after importing the kit and loading the
   survey). The engine fits these models by its own Fisher scoring (``helpers.sem.scoring``) and
   imports semopy only where scoring fails; the time semopy's import would add (the lesson
   imports it for its standard-tool step) is printed on its own.
2. **Warm**: the median of several fits in one process, beside the median of lavaan's ``cfa()``
   and ``sem()`` timed with ``system.time`` inside one R process (R's start-up and lavaan's loading
   are not counted), and the ratio kit / lavaan (below 1: the kit is faster). The two agree on χ².

Timings depend on the machine and on what else runs on it (numpy's BLAS threads compete with
other processes on a busy machine; the notebook runner gives each kernel one thread); nothing
here is asserted by a test. Needs R with lavaan for the ratios; without it, prints the kit's side.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from benchmarks.engine_benchmark import lavaan_available, run_r  # noqa: E402
from helpers import measurement  # noqa: E402
from helpers.survey import load_survey  # noqa: E402

RUNS = 7
LAVAAN_TIMES = """
suppressPackageStartupMessages(library(lavaan))
args <- commandArgs(trailingOnly = TRUE)
data <- read.csv(args[1]); runs <- as.integer(args[4])
time_of <- function(fit_function, syntax) {
  first <- system.time(fit <- fit_function(syntax, data = data))[["elapsed"]]
  times <- sapply(seq_len(runs), function(i) {
    system.time(fit <<- fit_function(syntax, data = data))[["elapsed"]]
  })
  list(first = first, median = median(times), chisq = fitMeasures(fit, "chisq")[[1]])
}
result <- list(
  cfa = time_of(cfa, paste(readLines(args[2]), collapse = "\\n")),
  sem = time_of(sem, paste(readLines(args[3]), collapse = "\\n"))
)
cat(jsonlite::toJSON(result, digits = NA, auto_unbox = TRUE))
"""
FIRST_CALL_JOB = """
import sys, time
from helpers import measurement
from helpers.survey import load_survey
items = measurement.recoded_items(load_survey())
start = time.perf_counter()
getattr(measurement, sys.argv[1])(items)
print(time.perf_counter() - start)
"""
SEMOPY_IMPORT_JOB = """
import time
from helpers import measurement  # what the kit imports anyway is not counted
start = time.perf_counter()
import semopy
print(time.perf_counter() - start)
"""
MODELS = {"fit_cfa": "cfa", "fit_latent_sem": "sem"}


def fresh_process_seconds(script: str, *arguments: str) -> float:
    result = subprocess.run(
        [sys.executable, "-c", script, *arguments], capture_output=True, text=True, check=True, cwd=REPO_ROOT
    )
    return float(result.stdout.split()[-1])


def warm_seconds(function, items, runs: int) -> tuple[float, float]:
    """(median seconds of ``runs`` fits after one warm-up fit, χ² of the fit)."""
    fit = function(items)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fit = function(items)
        times.append(time.perf_counter() - start)
    return statistics.median(times), fit.chisq


def lavaan_seconds(items, runs: int) -> dict:
    with tempfile.TemporaryDirectory() as folder:
        items.to_csv(Path(folder) / "items.csv", index=False, float_format="%.17g")
        (Path(folder) / "cfa.lav").write_text(measurement.cfa_syntax() + "\n")
        (Path(folder) / "sem.lav").write_text(measurement.latent_sem_syntax() + "\n")
        output = run_r(
            LAVAAN_TIMES, f"{folder}/items.csv", f"{folder}/cfa.lav", f"{folder}/sem.lav", str(runs)
        )
    return json.loads(output)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=RUNS)
    arguments = parser.parse_args()
    threads = os.environ.get("OPENBLAS_NUM_THREADS", "not set (numpy's default)")
    items = measurement.recoded_items(load_survey())
    print(
        f"Lesson 08's models on the shipped survey ({len(items)} firms, 25 items); "
        f"OPENBLAS_NUM_THREADS: {threads}"
    )

    print("\n1. First call in a fresh process (Fisher scoring; semopy is not imported by the fit)")
    print(
        f"{'import semopy':<22} {fresh_process_seconds(SEMOPY_IMPORT_JOB):.2f} s "
        "(after the kit's own imports)"
    )
    for name in MODELS:
        print(f"{name + '(items)':<22} {fresh_process_seconds(FIRST_CALL_JOB, name):.2f} s")

    lavaan = lavaan_available()
    theirs = lavaan_seconds(items, arguments.runs) if lavaan else {}
    print(f"\n2. Warm: median of {arguments.runs} fits; ratio = kit / lavaan")
    print(f"{'model':<22} {'kit':>7} {'lavaan':>8} {'ratio':>6} {'lavaan first':>13}   χ² agree")
    for name, lavaan_name in MODELS.items():
        seconds, chisq = warm_seconds(getattr(measurement, name), items, arguments.runs)
        line = f"{name + '(items)':<22} {seconds:>6.3f}s"
        if not lavaan:
            print(line)
            continue
        reference = theirs[lavaan_name]
        agree = abs(chisq - reference["chisq"]) < 1e-4
        print(
            f"{line} {reference['median']:>7.3f}s {seconds / reference['median']:>6.2f} "
            f"{reference['first']:>12.3f}s   {agree}"
        )
    if not lavaan:
        print("(R with lavaan and jsonlite is not installed: the kit's side only)")


if __name__ == "__main__":
    main()
