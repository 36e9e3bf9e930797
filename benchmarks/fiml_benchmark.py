"""Full-information ML: the kit's ``fit_sem(..., missing="ml")`` beside R lavaan's
``sem(..., missing = "ml")``, in the same run, as ratios.

    python benchmarks/fiml_benchmark.py            # every FIML fixture, 5 runs each
    python benchmarks/fiml_benchmark.py --runs 3

For each dataset of tests/fixtures/lavaan/fiml (answers missing at random; the kit's survey is
the first two rows), prints the median time of a whole fit with standard errors and fit
measures on each side, each timed inside its own process (Python's and R's start-up are not
counted), their ratio (kit / lavaan: below 1 means the kit is faster) and whether the two agree
on χ² and the log-likelihood within 1e-4. The issue's target: FIML on the 190-firm survey in
under 2 s. Timings depend on the machine and on what else runs on it; no test asserts them.
Needs R with lavaan for the ratios; without it, prints the kit's side alone.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import warnings
from pathlib import Path

import pandas as pd

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from benchmarks.engine_benchmark import lavaan_available, median_seconds, run_r  # noqa: E402
from helpers.sem import fit_sem  # noqa: E402

FIXTURES = REPO_ROOT / "tests" / "fixtures" / "lavaan" / "fiml"
ORDER = ("fiml_kit_paper_model", "fiml_kit_items_cfa")  # the kit's own survey first
LAVAAN_FIML = """
suppressPackageStartupMessages(library(lavaan))
args <- commandArgs(trailingOnly = TRUE)
data <- read.csv(args[1]); syntax <- paste(readLines(args[2]), collapse = "\\n"); runs <- as.integer(args[3])
fit_function <- get(args[4])
times <- sapply(seq_len(runs), function(i) system.time(suppressWarnings({
  fit <<- fit_function(syntax, data = data, missing = "ml"); m <<- fitMeasures(fit)
}))[["elapsed"]])
cat(jsonlite::toJSON(list(seconds = median(times), chisq = m[["chisq"]], logl = m[["logl"]]),
  digits = NA, auto_unbox = TRUE))
"""


def fixture_names() -> list[str]:
    names = sorted(path.stem for path in FIXTURES.glob("*.json"))
    return [n for n in ORDER if n in names] + [n for n in names if n not in ORDER]


def kit_fit(syntax: str, data: pd.DataFrame):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # deleted cases: the fixtures' own tests check them
        fit = fit_sem(syntax, data, missing="ml")
    fit.parameter_estimates()  # standard errors (the observed information) included
    return fit, fit.fit_measures()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args(argv).runs
    lavaan = lavaan_available()
    print("FIML (missing = 'ml'): a whole fit with SEs and fit measures, median of", runs, "runs")
    print(
        f"{'data':<32} {'cases':>5} {'missing':>8} {'kit':>8}"
        + (f" {'lavaan':>8} {'ratio':>6}  agree" if lavaan else "")
    )
    for name in fixture_names():
        reference = json.loads((FIXTURES / f"{name}.json").read_text())
        data = pd.read_csv(FIXTURES / f"{name}_data.csv")
        syntax, function = reference["syntax"], reference["call"].split("(")[0]
        kit_fit(syntax, data)  # the first fit imports what it needs
        seconds = median_seconds(lambda syntax=syntax, data=data: kit_fit(syntax, data), runs=runs)
        fit, measures = kit_fit(syntax, data)
        line = f"{name:<32} {fit.n:>5} {data.isna().to_numpy().mean():>8.0%} {seconds:>7.3f}s"
        if not lavaan:
            print(line)
            continue
        with tempfile.TemporaryDirectory() as folder:
            (Path(folder) / "model.lav").write_text(syntax + "\n")
            theirs = json.loads(
                run_r(
                    LAVAAN_FIML,
                    str(FIXTURES / f"{name}_data.csv"),
                    f"{folder}/model.lav",
                    str(runs),
                    function,
                )
            )
        agree = (
            abs(measures["chisq"] - theirs["chisq"]) < 1e-4
            and abs(measures["loglik"] - theirs["logl"]) < 1e-4
        )
        print(f"{line} {theirs['seconds']:>7.3f}s {seconds / theirs['seconds']:>6.2f}  {agree}")


if __name__ == "__main__":
    main()
