"""Regenerate the full-information ML fixtures in tests/fixtures/lavaan/fiml/ (needs R with lavaan).

    python tools/make_fiml_fixtures.py

Each job blanks answers at random (MAR: more blanks where an always-answered variable is low,
``helpers.missing_answers.answers_missing_at_random``), writes the data with their blanks to a
CSV at full double precision, and has lavaan fit ``sem(..., missing = "ml")`` (or ``cfa()``)
through tools/lavaan_reference.R, like the complete-data fixtures (tools/make_lavaan_fixtures.py).
The data with blanks are stored beside the JSON, so the tests fit exactly what lavaan fitted.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from helpers import instrument, measurement, paper_model, settings, survey  # noqa: E402
from helpers.missing_answers import answers_missing_at_random  # noqa: E402
from tools.make_lavaan_fixtures import (  # noqa: E402
    HOLZINGER_SWINEFORD,
    POLITICAL_DEMOCRACY,
    R_SCRIPT,
    shipped_survey_meta,
)

FIXTURE_DIR = REPO_ROOT / "tests" / "fixtures" / "lavaan" / "fiml"


def kit_jobs() -> list[dict]:
    answers = survey.load_survey()
    scores = survey.score_constructs(answers).reset_index(drop=True)
    incomplete = answers_missing_at_random(scores, 0.2, depends_on="partnership_collaboration")
    # A few blank covariates too: lavaan deletes those cases under fixed.x, and so must the kit.
    rows = np.random.default_rng(settings.SEED).choice(len(incomplete), 4, replace=False)
    incomplete.loc[rows, "partnership_collaboration"] = np.nan
    items = measurement.recoded_items(answers).reset_index(drop=True)
    first = instrument.item_columns()[0]
    return [
        _job(
            "fiml_kit_paper_model",
            incomplete,
            paper_model.model_syntax(correlated_outcomes=True),
            shipped_survey_meta(
                "construct scores, 20% of mediator and outcome scores blanked (MAR on PCDP), "
                "4 PCDP scores blanked"
            ),
        ),
        _job(
            "fiml_kit_items_cfa",
            answers_missing_at_random(items, 0.15, depends_on=first),
            measurement.cfa_syntax(),
            shipped_survey_meta(f"recoded items, 15% of answers blanked (MAR on {first})"),
            function="cfa",
        ),
    ]


def classic_jobs() -> list[dict]:
    from semopy.examples import holzinger39, political_democracy

    hs = holzinger39.get_data()[["x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8", "x9", "ageyr", "sex"]]
    hs = hs.reset_index(drop=True).astype(float)
    democracy = political_democracy.get_data().reset_index(drop=True).astype(float)
    hs_blank = answers_missing_at_random(hs, 0.25, depends_on="x1", columns=[f"x{k}" for k in range(2, 10)])
    mimic = answers_missing_at_random(
        hs, 0.15, depends_on="x1", columns=[f"x{k}" for k in range(2, 10)] + ["ageyr"]
    )
    return [
        _job(
            "fiml_holzinger_swineford",
            hs_blank,
            HOLZINGER_SWINEFORD,
            {"data": "holzinger39, 25% MAR on x1"},
            function="cfa",
        ),
        _job(
            "fiml_hs_latent_on_covariates",
            mimic,
            HOLZINGER_SWINEFORD + "\nvisual + textual + speed ~ ageyr + sex",
            {"data": "holzinger39, 15% MAR on x1, ageyr blanked too (fixed.x deletes those cases)"},
        ),
        _job(
            "fiml_political_democracy",
            answers_missing_at_random(democracy, 0.1, depends_on="x1"),
            POLITICAL_DEMOCRACY,
            {"data": "political_democracy, 10% MAR on x1"},
        ),
    ]


def _job(name: str, data: pd.DataFrame, syntax: str, meta: dict, function: str = "sem") -> dict:
    return {"name": name, "data": data, "syntax": syntax, "meta": meta, "function": function, "missing": "ml"}


def run(jobs: list[dict]) -> None:
    FIXTURE_DIR.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        spec = []
        for job in jobs:
            csv = FIXTURE_DIR / f"{job['name']}_data.csv"
            job["data"].to_csv(csv, index=False, float_format="%.17g")  # blanks as empty cells
            share = float(job["data"].isna().to_numpy().mean())
            meta = {**job["meta"], "data_file": csv.relative_to(REPO_ROOT).as_posix(), "share_missing": share}
            spec.append({**{k: v for k, v in job.items() if k != "data"}, "csv": str(csv), "meta": meta})
        jobs_file = Path(tmp) / "jobs.json"
        jobs_file.write_text(json.dumps(spec, indent=2))
        subprocess.run(["Rscript", str(R_SCRIPT), str(jobs_file), str(FIXTURE_DIR)], check=True)


if __name__ == "__main__":
    run([*kit_jobs(), *classic_jobs()])
