"""Regenerate the lavaan reference fixtures in tests/fixtures/lavaan/ (needs R with lavaan).

    python tools/make_lavaan_fixtures.py            # all datasets
    python tools/make_lavaan_fixtures.py kit        # only the kit's own survey
    python tools/make_lavaan_fixtures.py classic    # only the textbook examples
    python tools/make_lavaan_fixtures.py items      # only the measurement models of the kit's items

The data are written to temporary CSV files at full double precision and read by R, so lavaan
and semopy fit exactly the same numbers. tools/lavaan_reference.R does the fitting; this driver
only prepares the jobs. Install R with: apt-get install -y r-cran-lavaan r-cran-jsonlite
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from helpers import measurement, paper_model, settings, survey  # noqa: E402

FIXTURE_DIR = REPO_ROOT / "tests" / "fixtures" / "lavaan"
R_SCRIPT = REPO_ROOT / "tools" / "lavaan_reference.R"
HEYWOOD_DATA = FIXTURE_DIR / "heywood_case_data.csv"
# Fixtures checked by their own tests, not by every generic check of tests/test_sem_lavaan.py:
# the common latent factor's fixed loadings (1*item) are in lavaan's modification indices but not
# among the kit's candidates, which leave out every parameter fixed at a non-zero value.
MEASUREMENT_DIR = FIXTURE_DIR / "measurement"

# The lavaan tutorial's model for Bollen's political democracy data.
POLITICAL_DEMOCRACY = """\
ind60 =~ x1 + x2 + x3
dem60 =~ y1 + y2 + y3 + y4
dem65 =~ y5 + y6 + y7 + y8
dem60 ~ ind60
dem65 ~ ind60 + dem60
y1 ~~ y5
y2 ~~ y4 + y6
y3 ~~ y7
y4 ~~ y8
y6 ~~ y8"""

# A MIMIC model on the same data: three observed exogenous variables, so lavaan's fixed.x keeps
# their covariances (in the model and in its baseline model), which one exogenous variable
# cannot show.
POLITICAL_DEMOCRACY_MIMIC = """\
dem60 =~ y1 + y2 + y3 + y4
dem60 ~ x1 + x2 + x3"""

# The lavaan tutorial's three-factor CFA of the Holzinger & Swineford (1939) tests.
HOLZINGER_SWINEFORD = """\
visual =~ x1 + x2 + x3
textual =~ x4 + x5 + x6
speed =~ x7 + x8 + x9"""


# Models that exercise lavaan's sem()/cfa() defaults one by one (auto.cov.y with latent outcomes,
# auto.cov.lv.x, fixed.x next to latent predictors, auto.fix.single, equality constraints through
# shared labels, defined parameters with delta-method standard errors, scale-free identification).
HS_FACTORS = """\
visual =~ x1 + x2 + x3
textual =~ x4 + x5 + x6
speed =~ x7 + x8 + x9"""

DEFAULTS_MODELS = {
    # three latent terminal outcomes: lavaan frees their residual covariances (auto.cov.y)
    "hs_three_latent_outcomes": HS_FACTORS + "\nvisual + textual + speed ~ ageyr + sex",
    # two exogenous latent variables, correlated by default (auto.cov.lv.x)
    "hs_correlated_exogenous_latents": HS_FACTORS + "\nspeed ~ visual + textual",
    # latent and observed predictors side by side (fixed.x for the observed ones only)
    "hs_latent_and_observed_predictors": HS_FACTORS
    + "\ntextual ~ visual + ageyr\nspeed ~ visual + textual + sex",
    # equality constraints through shared labels
    "hs_equal_loadings": """\
visual =~ x1 + a*x2 + a*x3
textual =~ x4 + b*x5 + b*x6
speed =~ x7 + x8 + x9""",
    # a single-indicator latent variable: its indicator's residual variance is fixed at 0
    "hs_single_indicator": """\
visual =~ x1 + x2 + x3
age =~ ageyr
visual ~ age""",
}

# Defined parameters (:=): indirect and total effects with delta-method standard errors.
POLITICAL_DEMOCRACY_DEFINED = """\
ind60 =~ x1 + x2 + x3
dem60 =~ y1 + y2 + y3 + y4
dem65 =~ y5 + y6 + y7 + y8
dem60 ~ a*ind60
dem65 ~ c*ind60 + b*dem60
indirect := a*b
total := c + a*b"""

# Holzinger-Swineford with three indicators multiplied by 100 and three by 0.1: variances that
# differ by a factor of 10^6. Identification must not depend on the variables' units.
RESCALED = {"x1": 100.0, "x2": 100.0, "x3": 100.0, "x7": 0.1, "x8": 0.1, "x9": 0.1}


def rescaled_holzinger_swineford():
    from semopy.examples import holzinger39

    data = holzinger39.get_data()
    for column, factor in RESCALED.items():
        data[column] = data[column] * factor
    return data


def classic_jobs() -> list[dict]:
    """Textbook examples, on the copies of the data that ship with semopy."""
    from semopy.examples import holzinger39, political_democracy

    return [
        _job(
            "political_democracy",
            political_democracy.get_data(),
            POLITICAL_DEMOCRACY,
            {"data": "semopy.examples.political_democracy.get_data()"},
        ),
        _job(
            "political_democracy_mimic",
            political_democracy.get_data(),
            POLITICAL_DEMOCRACY_MIMIC,
            {"data": "semopy.examples.political_democracy.get_data()"},
        ),
        _job(
            "holzinger_swineford_1939",
            holzinger39.get_data(),
            HOLZINGER_SWINEFORD,
            {"data": "semopy.examples.holzinger39.get_data()"},
        ),
        _job(
            "holzinger_swineford_cfa",
            holzinger39.get_data(),
            HOLZINGER_SWINEFORD,
            {"data": "semopy.examples.holzinger39.get_data()"},
            function="cfa",
        ),
        *[
            _job(name, holzinger39.get_data(), syntax, {"data": "semopy.examples.holzinger39.get_data()"})
            for name, syntax in DEFAULTS_MODELS.items()
        ],
        _job(
            "political_democracy_defined",
            political_democracy.get_data(),
            POLITICAL_DEMOCRACY_DEFINED,
            {"data": "semopy.examples.political_democracy.get_data()"},
        ),
        _job(
            "hs_rescaled",
            rescaled_holzinger_swineford(),
            HOLZINGER_SWINEFORD,
            {"data": "semopy.examples.holzinger39.get_data(), columns multiplied", "rescaled": RESCALED},
        ),
    ]


def heywood_job() -> dict:
    """A one-factor model whose ML solution has a negative residual variance (Heywood case).

    lavaan does not bound variances at zero, so neither may the kit. The data (written next to
    the fixtures, so the test reads the same numbers) have correlations .9, .9 and .7 exactly,
    which put x1's loading above 1 in correlation units.
    """
    rng = np.random.default_rng(settings.SEED)
    target = np.array([[1.0, 0.9, 0.9], [0.9, 1.0, 0.7], [0.9, 0.7, 1.0]])
    z = rng.standard_normal((120, 3))
    z -= z.mean(axis=0)
    whiten = np.linalg.inv(np.linalg.cholesky(np.cov(z.T, bias=True)))
    values = z @ whiten.T @ np.linalg.cholesky(target).T
    data = pd.DataFrame(values, columns=["x1", "x2", "x3"])
    data.to_csv(HEYWOOD_DATA, index=False, float_format="%.17g")
    data = pd.read_csv(HEYWOOD_DATA)  # exactly what the test will read
    meta = {"data": HEYWOOD_DATA.relative_to(REPO_ROOT).as_posix()}
    return _job("heywood_case", data, "f =~ x1 + x2 + x3", meta)


def shipped_survey_meta(data: str) -> dict:
    """What a fixture on the kit's own survey records: how its data were made, and the survey
    file with its SHA-256 (the tests check it, so stale fixtures fail loudly after the file changes)."""
    path = settings.SHIPPED_SURVEY_FILE
    return {
        "data": data,
        "survey_file": path.relative_to(REPO_ROOT).as_posix(),
        "survey_sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
    }


def kit_jobs() -> list[dict]:
    """The paper's path model on the kit's construct scores, outcomes correlated or not."""
    scores = survey.score_constructs(survey.load_survey())
    meta = shipped_survey_meta("helpers.survey.score_constructs(helpers.survey.load_survey())")
    jobs = [
        _job(f"kit_paper_model_{name}", scores, paper_model.model_syntax(correlated_outcomes=flag), meta)
        for name, flag in (("correlated", True), ("orthogonal", False))
    ]
    return [*jobs, _job("kit_paper_model_defined", scores, KIT_DEFINED, meta)]


ITEMS_DATA = "helpers.measurement.recoded_items(helpers.survey.load_survey())"


def items_jobs() -> list[dict]:
    """The measurement models of lesson 08 on the kit's 25 recoded items: the six-factor CFA
    (with lavaan's cfa()), the latent SEM of Figure 2 and the CFA with a common latent factor."""
    items = measurement.recoded_items(survey.load_survey())
    meta = shipped_survey_meta(ITEMS_DATA)
    return [
        _job("kit_items_cfa", items, measurement.cfa_syntax(), meta, function="cfa"),
        _job("kit_items_latent_sem", items, measurement.latent_sem_syntax(), meta),
    ]


def items_method_jobs() -> list[dict]:
    """The CFA with a common latent (method) factor on the kit's items, for MEASUREMENT_DIR."""
    items = measurement.recoded_items(survey.load_survey())
    meta = shipped_survey_meta(ITEMS_DATA)
    syntax = measurement.common_latent_factor_syntax()
    return [_job("kit_items_common_latent_factor", items, syntax, meta, function="cfa")]


# The paper's model with labelled paths and its indirect effects on market reach defined (:=):
# a recursive path model that the closed-form estimator fits, with delta-method SEs on top.
KIT_DEFINED = """\
international_trade ~ a1*partnership_collaboration
global_logistics ~ a2*partnership_collaboration
market_reach ~ b1*international_trade + b2*global_logistics
innovation_agility ~ international_trade + global_logistics
operational_efficiency ~ international_trade + global_logistics
via_trade := a1*b1
via_logistics := a2*b2
total_indirect := a1*b1 + a2*b2"""


def _job(name: str, data: pd.DataFrame, syntax: str, meta: dict, function: str = "sem") -> dict:
    return {"name": name, "data": data, "syntax": syntax, "meta": meta, "function": function}


def run(jobs: list[dict], folder: Path = FIXTURE_DIR) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        spec = []
        for job in jobs:
            csv = Path(tmp) / f"{job['name']}.csv"
            # %.17g round-trips every double exactly.
            job["data"].to_csv(csv, index=False, float_format="%.17g")
            spec.append(
                {
                    "name": job["name"],
                    "csv": str(csv),
                    "syntax": job["syntax"],
                    "meta": job["meta"],
                    "function": job["function"],
                }
            )
        jobs_file = Path(tmp) / "jobs.json"
        jobs_file.write_text(json.dumps(spec, indent=2))
        subprocess.run(["Rscript", str(R_SCRIPT), str(jobs_file), str(folder)], check=True)


def main(argv: list[str]) -> None:
    which = set(argv) or {"classic", "kit", "items"}
    jobs = []
    if "classic" in which:
        jobs += [*classic_jobs(), heywood_job()]
    if "kit" in which:
        jobs += kit_jobs()
    if "items" in which:
        jobs += items_jobs()
    run(jobs)
    if "items" in which:
        MEASUREMENT_DIR.mkdir(exist_ok=True)
        run(items_method_jobs(), MEASUREMENT_DIR)


if __name__ == "__main__":
    main(sys.argv[1:])
