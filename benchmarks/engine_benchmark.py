"""The kit's SEM engine beside R lavaan, in the same run, as ratios; and its memory at scale.

    python benchmarks/engine_benchmark.py                      # everything (a few minutes)
    python benchmarks/engine_benchmark.py --skip-simulation    # without the 5000 x 200 000 simulation
    python benchmarks/engine_benchmark.py --sizes 30 60        # fewer CFA sizes

Prints:

1. **Fit measures at scale.** CFA models of 30, 60, 90 and 120 indicators (10 per factor, data
   simulated from the model, N = 1000, seeded): the time of ``fit.fit_measures()`` beside lavaan's
   ``fitMeasures(fit)``, and of the fit itself beside lavaan's ``cfa()``, each the median of
   several runs timed inside its own process (R's start-up is not counted), and their ratio
   (kit / lavaan: below 1 means the kit is faster). The two agree on χ², CFI, RMSEA and SRMR.
2. **The bootstrap's memory.** 5000 resamples of the paper's model at N = 190, 20 000 and 200 000
   firms, each in a fresh process: wall time, time per firm-resample (linear in N x draws when
   it stays flat) and the process's peak memory (resident set, which includes Python, numpy and
   pandas themselves).
3. **The simulations' memory.** 5000 simulated datasets of 200 000 firms (``--skip-simulation``
   leaves it out: it takes a minute or two).
4. **A fit as a whole process**: importing the kit and fitting the paper's model once, beside
   ``Rscript`` loading lavaan and fitting it once; the start-up is most of both.

Timings depend on the machine and on what else runs on it; nothing here is asserted by a test.
Needs R with lavaan for the ratios (``apt-get install r-cran-lavaan``); without it, prints the
kit's side alone.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from helpers.sem import fit_sem  # noqa: E402

RUNS = 5
LAVAAN_FIT_MEASURES = """
suppressPackageStartupMessages(library(lavaan))
args <- commandArgs(trailingOnly = TRUE)
data <- read.csv(args[1]); syntax <- paste(readLines(args[2]), collapse = "\\n"); runs <- as.integer(args[3])
fit_times <- sapply(seq_len(runs), function(i) system.time(fit <<- cfa(syntax, data = data))[["elapsed"]])
measure_times <- sapply(seq_len(runs), function(i) system.time(m <<- fitMeasures(fit))[["elapsed"]])
result <- list(fit = median(fit_times), measures = median(measure_times),
  chisq = m[["chisq"]], cfi = m[["cfi"]], rmsea = m[["rmsea"]], srmr = m[["srmr"]])
cat(jsonlite::toJSON(result, digits = NA, auto_unbox = TRUE))
"""
LAVAAN_ONE_FIT = """
suppressPackageStartupMessages(library(lavaan))
data <- read.csv(commandArgs(trailingOnly = TRUE)[1])
fit <- sem(paste(readLines(commandArgs(trailingOnly = TRUE)[2]), collapse = "\\n"), data = data)
"""
# The job's own peak memory: VmHWM, the high-water mark of its own memory map (on Linux). Not
# ru_maxrss: that keeps the parent's resident size from before exec, and this process is large.
PEAK = """
def peak_kb():
    try:
        with open("/proc/self/status") as status:
            return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
    except OSError:
        import resource
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
"""
BOOTSTRAP_JOB = (
    PEAK
    + """
import sys, time
import pandas as pd
from helpers import paper_model, robustness
from helpers.sem import simulation
from helpers.survey import load_survey, score_constructs
n, draws = int(sys.argv[1]), int(sys.argv[2])
covariance = paper_model.score_covariance(score_constructs(load_survey()))
population = paper_model.fit_covariances(covariance, 1).implied
scores = pd.DataFrame(simulation.simulate(population, n, 1, 1)[0], columns=list(paper_model.VARIABLES))
start = time.perf_counter()
robustness.bootstrap_paths(scores, n_resamples=draws, progress=False).summary()
print(time.perf_counter() - start, peak_kb())
"""
)
SIMULATION_JOB = (
    PEAK
    + """
import sys, time
from helpers import power
start = time.perf_counter()
table = power.simulate(n=int(sys.argv[1]), n_replications=int(sys.argv[2])).table()
print(time.perf_counter() - start, peak_kb())
"""
)
ONE_FIT_JOB = """
from helpers import paper_model
from helpers.survey import load_survey, score_constructs
paper_model.fit(score_constructs(load_survey())).fit_measures()
"""


def cfa_data(indicators: int, n: int = 1000, seed: int = 20240190) -> tuple[str, pd.DataFrame]:
    """A CFA of ``indicators`` / 10 correlated factors with 10 indicators each, and data from it."""
    rng = np.random.default_rng([seed, indicators])
    factors = indicators // 10
    correlation = np.full((factors, factors), 0.3) + 0.7 * np.eye(factors)
    latent = rng.standard_normal((n, factors)) @ np.linalg.cholesky(correlation).T
    loadings = rng.uniform(0.5, 0.9, size=indicators)
    values = latent[:, np.arange(indicators) // 10] * loadings + rng.standard_normal(
        (n, indicators)
    ) * np.sqrt(1 - loadings**2)
    names = [f"y{k + 1}" for k in range(indicators)]
    syntax = "\n".join(f"f{f + 1} =~ " + " + ".join(names[10 * f : 10 * f + 10]) for f in range(factors))
    return syntax, pd.DataFrame(values, columns=names)


def median_seconds(function, runs: int = RUNS) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def lavaan_available() -> bool:
    return shutil.which("Rscript") is not None and (
        subprocess.run(
            ["Rscript", "-e", "library(lavaan); library(jsonlite)"], capture_output=True
        ).returncode
        == 0
    )


def run_r(script: str, *arguments: str) -> str:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "job.R"
        path.write_text(script)
        return subprocess.run(
            ["Rscript", str(path), *arguments], capture_output=True, text=True, check=True
        ).stdout


def fit_measures_section(sizes: list[int], lavaan: bool) -> None:
    print("1. Fit measures at scale (CFA, 10 indicators per factor, N = 1000); ratio = kit / lavaan")
    header = f"{'indicators':>10} {'kit fit':>9} {'lavaan fit':>10} {'ratio':>6}   {'kit measures':>12}"
    print(header + (f" {'lavaan measures':>15} {'ratio':>6}   agree" if lavaan else ""))
    for indicators in sizes:
        syntax, data = cfa_data(indicators)
        fit_time = median_seconds(lambda syntax=syntax, data=data: fit_sem(syntax, data), runs=3)
        fit = fit_sem(syntax, data)
        measures_time = median_seconds(fit.fit_measures)
        ours = fit.fit_measures()
        line = f"{indicators:>10} {fit_time:>8.3f}s"
        if not lavaan:
            print(f"{line} {'':>10} {'':>6}   {measures_time:>11.4f}s")
            continue
        with tempfile.TemporaryDirectory() as folder:
            data.to_csv(Path(folder) / "data.csv", index=False, float_format="%.17g")
            (Path(folder) / "model.lav").write_text(syntax + "\n")
            theirs = json.loads(
                run_r(LAVAAN_FIT_MEASURES, f"{folder}/data.csv", f"{folder}/model.lav", str(RUNS))
            )
        agree = all(
            abs(ours[k] - theirs[k]) < 1e-4 * max(1, abs(theirs[k]))
            for k in ("chisq", "cfi", "rmsea", "srmr")
        )
        print(
            f"{line} {theirs['fit']:>9.3f}s {fit_time / theirs['fit']:>6.2f}   {measures_time:>11.4f}s "
            f"{theirs['measures']:>14.4f}s {measures_time / max(theirs['measures'], 1e-4):>6.3f}   {agree}"
        )


def peak_job(script: str, *arguments: str) -> tuple[float, float]:
    """(seconds, peak resident memory in MB) of a Python job run in a fresh process."""
    result = subprocess.run(
        [sys.executable, "-c", script, *arguments], capture_output=True, text=True, check=True, cwd=REPO_ROOT
    )
    seconds, max_rss_kb = result.stdout.split()
    return float(seconds), float(max_rss_kb) / 1024


def bootstrap_section() -> None:
    print("\n2. The bootstrap: 5000 resamples of the paper's model (each size in a fresh process)")
    print(f"{'firms':>8} {'seconds':>8} {'ns per firm-resample':>21} {'peak memory':>12}")
    for n in (190, 20_000, 200_000):
        seconds, memory = peak_job(BOOTSTRAP_JOB, str(n), "5000")
        print(f"{n:>8} {seconds:>8.2f} {1e9 * seconds / (n * 5000):>21.1f} {memory:>9.0f} MB")


def simulation_section() -> None:
    print("\n3. Monte Carlo simulation: 5000 datasets of 200 000 firms (fresh process)")
    seconds, memory = peak_job(SIMULATION_JOB, "200000", "5000")
    print(f"{seconds:.1f} s, peak memory {memory:.0f} MB")


def whole_process_section(lavaan: bool) -> None:
    print("\n4. One fit of the paper's model as a whole process (import + read + fit + fit measures)")
    ours = median_seconds(
        lambda: subprocess.run([sys.executable, "-c", ONE_FIT_JOB], check=True, cwd=REPO_ROOT), 3
    )
    print(f"kit:    {ours:.2f} s")
    if lavaan:
        from helpers import paper_model
        from helpers.survey import load_survey, score_constructs

        with tempfile.TemporaryDirectory() as folder:
            score_constructs(load_survey()).to_csv(Path(folder) / "scores.csv", index=False)
            (Path(folder) / "model.lav").write_text(paper_model.model_syntax() + "\n")
            job = Path(folder) / "fit.R"
            job.write_text(LAVAAN_ONE_FIT)
            command = ["Rscript", str(job), f"{folder}/scores.csv", f"{folder}/model.lav"]
            theirs = median_seconds(lambda: subprocess.run(command, check=True), 3)
        print(f"lavaan: {theirs:.2f} s (Rscript)   ratio {ours / theirs:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[30, 60, 90, 120])
    parser.add_argument("--skip-simulation", action="store_true")
    arguments = parser.parse_args()
    lavaan = lavaan_available()
    if not lavaan:
        print("R with lavaan (and jsonlite) is not installed: the kit's side only\n")
    fit_measures_section(arguments.sizes, lavaan)
    bootstrap_section()
    if not arguments.skip_simulation:
        simulation_section()
    whole_process_section(lavaan)


if __name__ == "__main__":
    main()
