"""Heavy packages are imported only where they are used: a lesson that fits no model outside the
closed form never imports semopy, and the engine imports nothing of the study."""

import subprocess
import sys

from helpers import settings

LESSON_IMPORTS = """
import sys
from helpers import (alternative_models, audit, descriptives, figures, generator_walkthrough, notebook,
    paper_model, paper_tables, power, robustness, scenarios, survey)
scores = survey.score_constructs(survey.load_survey())
fit = paper_model.fit(scores)
paper_tables.compare_with_published(fit)
robustness.bootstrap_paths(scores, n_resamples=50).summary()
alternative_models.modification_indices(scores)
power.monte_carlo_power(n_replications=20)
print("semopy" in sys.modules)
"""

ENGINE_IMPORTS = """
import sys
import helpers.sem, helpers.sem.bootstrap, helpers.sem.modification, helpers.sem.simulation
study = ("paper_model", "survey", "instrument", "published", "notebook", "audit", "power", "synthetic")
print(sorted(m for m in sys.modules if m.startswith("helpers.") and m.split(".")[1] in study))
"""


def run(code: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=settings.REPO_ROOT, check=True
    )
    return result.stdout.strip()


def test_the_papers_model_is_fitted_bootstrapped_and_simulated_without_semopy():
    assert run(LESSON_IMPORTS) == "False"


def test_the_engine_imports_nothing_of_the_study():
    assert run(ENGINE_IMPORTS) == "[]"
