"""How much faster is the vectorized bootstrap than refitting every resample?

    python benchmarks/bootstrap_benchmark.py                 # 5000 resamples, everything
    python benchmarks/bootstrap_benchmark.py --no-lavaan     # skip R (it takes minutes)
    python benchmarks/bootstrap_benchmark.py --lavaan-draws 500

Prints, for the kit's data and the paper's model:

* the vectorized bootstrap (``helpers.robustness.bootstrap_paths`` plus its summary: every path
  as B and beta, every R², every indirect effect, percentile and BC intervals), the median of
  several runs after one warm-up run;
* naive semopy refits of the same resamples: a subset is timed (``--semopy-refits``, 100 by
  default) and the time is scaled to the full number of resamples;
* when R with lavaan is installed, lavaan's ``sem(..., se = "bootstrap")`` with the same number
  of draws (one run, timed inside R, so R's start-up is not counted; ``--lavaan-draws`` times
  fewer draws and scales);
* for comparison, the Bollen-Stine bootstrap and 1000 Monte Carlo power replications.

Timings depend on the machine and on what else runs on it; nothing here is asserted by a test.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from helpers import paper_model, power, robustness, settings  # noqa: E402
from helpers.sem import bootstrap  # noqa: E402
from helpers.survey import load_survey, score_constructs  # noqa: E402

LAVAAN_SCRIPT = """
suppressPackageStartupMessages(library(lavaan))
args <- commandArgs(trailingOnly = TRUE)
data <- read.csv(args[1])
syntax <- paste(readLines(args[2]), collapse = "\\n")
draws <- as.integer(args[3])
invisible(sem(syntax, data = data))  # warm-up
set.seed(20240190)
elapsed <- system.time(fit <- sem(syntax, data = data, se = "bootstrap", bootstrap = draws))[["elapsed"]]
cat(sprintf("%.6f %d\\n", elapsed, nrow(lavInspect(fit, "boot"))))
"""


def median_time(function, runs: int) -> float:
    function()  # warm-up: imports, caches, first-touch memory
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def lavaan_available() -> bool:
    if shutil.which("Rscript") is None:
        return False
    check = subprocess.run(["Rscript", "-e", "library(lavaan)"], capture_output=True)
    return check.returncode == 0


def time_lavaan(scores, draws: int) -> tuple[float, int]:
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        scores[list(paper_model.VARIABLES)].to_csv(folder / "scores.csv", index=False, float_format="%.17g")
        (folder / "model.lav").write_text(paper_model.model_syntax() + "\n")
        (folder / "bench.R").write_text(LAVAAN_SCRIPT)
        result = subprocess.run(
            [
                "Rscript",
                str(folder / "bench.R"),
                str(folder / "scores.csv"),
                str(folder / "model.lav"),
                str(draws),
            ],
            capture_output=True,
            text=True,
            check=True,
        )
    elapsed, successful = result.stdout.split()
    return float(elapsed), int(successful)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--resamples", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=7, help="runs of the fast methods (median)")
    parser.add_argument("--semopy-refits", type=int, default=100, help="refits timed, then scaled")
    parser.add_argument("--lavaan-draws", type=int, default=None, help="default: --resamples")
    parser.add_argument("--no-lavaan", action="store_true")
    arguments = parser.parse_args()
    resamples = arguments.resamples

    scores = score_constructs(load_survey(settings.SHIPPED_SURVEY_FILE))
    print(f"Data: {len(scores)} firms; model: the paper's path model; {resamples} resamples\n")

    def vectorized():
        robustness.bootstrap_paths(scores, n_resamples=resamples, progress=False).summary()

    fast = median_time(vectorized, arguments.runs)
    n_quantities = len(robustness.quantities())
    print(
        f"vectorized bootstrap + summary ({n_quantities} quantities): {fast:8.3f} s "
        f"(median of {arguments.runs} runs)"
    )

    indices = next(bootstrap.resample_chunks(len(scores), resamples, settings.SEED))[
        : arguments.semopy_refits
    ]
    start = time.perf_counter()
    robustness.refit_quantities(scores, indices, progress=False)
    subset = time.perf_counter() - start
    semopy_scaled = subset * resamples / len(indices)
    print(
        f"semopy refits: {len(indices)} refits took {subset:.2f} s "
        f"-> {semopy_scaled:8.1f} s for {resamples} (scaled)   ratio {semopy_scaled / fast:8.0f}x"
    )

    if arguments.no_lavaan:
        print("lavaan: skipped (--no-lavaan)")
    elif not lavaan_available():
        print("lavaan: R with lavaan is not installed; skipped")
    else:
        draws = arguments.lavaan_draws or resamples
        print(f"lavaan se = 'bootstrap' with {draws} draws: running (this takes a while) ...", flush=True)
        elapsed, successful = time_lavaan(scores, draws)
        scaled = elapsed * resamples / draws
        note = "" if draws == resamples else f" -> {scaled:.1f} s for {resamples} (scaled)"
        print(
            f"lavaan bootstrap: {elapsed:8.1f} s for {draws} draws ({successful} converged){note}"
            f"   ratio {scaled / fast:8.0f}x"
        )

    print()
    bs = median_time(
        lambda: robustness.bollen_stine(scores, n_resamples=resamples, progress=False), arguments.runs
    )
    print(f"Bollen-Stine bootstrap, {resamples} resamples: {bs:8.3f} s (median)")
    mc = median_time(lambda: power.monte_carlo_power(n_replications=1000), arguments.runs)
    print(f"Monte Carlo power, 1000 replications of N = 190: {mc:8.3f} s (median)")


if __name__ == "__main__":
    main()
