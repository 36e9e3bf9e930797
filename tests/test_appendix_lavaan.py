"""The student script r/paper_model.R (appendix A) gives the kit's numbers.

Without R: the script holds the kit's model syntax, constructs and reverse items, and its stored
output for the shipped survey (tests/fixtures/appendix_lavaan, made by running it) equals the
lavaan fixture and the kit's engine within 1e-6. With R and lavaan installed: a fresh run of the
script equals the stored output, on the shipped survey, and the kit's engine on class surveys.
"""

import json
import math
import re
import shutil
import subprocess
from functools import cache
from pathlib import Path

import nbformat
import numpy as np
import pandas as pd
import pytest
import survey_battery

from helpers import instrument, paper_model, settings
from helpers.sem.fit_measures import LAVAAN_NAMES
from helpers.survey import load_survey, score_constructs

SCRIPT = settings.REPO_ROOT / "r" / "paper_model.R"
STORED = Path(__file__).parent / "fixtures" / "appendix_lavaan"
LAVAAN_FIXTURE = Path(__file__).parent / "fixtures" / "lavaan" / "kit_paper_model_correlated.json"
TOLERANCE = 1e-6
ESTIMATE_COLUMNS = {"est": "est", "se": "se", "z": "z", "pvalue": "pvalue"}
ESTIMATE_COLUMNS.update({"ci.lower": "ci_lower", "ci.upper": "ci_upper", "std.all": "std_all"})
# Measures that neither intercepts nor fixed.x change when the model has one exogenous variable.
SAME_WITH_JAMOVI_DEFAULTS = ["ntotal", "chisq", "df", "pvalue", "baseline.chisq", "baseline.df"]
SAME_WITH_JAMOVI_DEFAULTS += [
    "cfi",
    "tli",
    "rni",
    "nfi",
    "rmsea",
    "rmsea.ci.lower",
    "rmsea.ci.upper",
    "rmsea.pvalue",
]


def read_output(folder: Path) -> dict[str, pd.DataFrame]:
    """The tables the script writes into its output folder."""
    return {
        "scores": pd.read_csv(folder / "scores.csv", index_col="firm_id"),
        "estimates": pd.read_csv(folder / "estimates.csv"),
        "fit": pd.read_csv(folder / "fit_measures.csv", index_col="measure")["value"],
        "r2": pd.read_csv(folder / "r_squared.csv", index_col="variable")["value"],
        "jamovi": pd.read_csv(folder / "jamovi_defaults.csv", index_col="measure"),
    }


def keyed(estimates: pd.DataFrame, columns: dict[str, str]) -> pd.DataFrame:
    """Parameter rows indexed by (lhs, op, rhs), columns named as the kit names them."""
    table = estimates.set_index(["lhs", "op", "rhs"])[list(columns)]
    return table.rename(columns=columns).astype(float)


@cache
def kit_fit(survey_file: Path):
    scores = score_constructs(load_survey(survey_file))
    return scores, paper_model.fit(scores)


def assert_output_is_the_kits(output: dict, survey_file: Path) -> None:
    """Scores, estimates, R² and every fit measure equal the kit's engine within 1e-6."""
    scores, fit = kit_fit(survey_file)
    assert np.allclose(output["scores"].loc[scores.index, scores.columns], scores, rtol=0, atol=1e-12)
    ours = keyed(fit.parameter_estimates(), {v: v for v in ESTIMATE_COLUMNS.values()})
    theirs = keyed(output["estimates"], ESTIMATE_COLUMNS)
    assert sorted(ours.index) == sorted(theirs.index)
    assert np.allclose(ours.loc[theirs.index], theirs, rtol=0, atol=TOLERANCE, equal_nan=True)
    assert np.allclose(fit.r_squared()[output["r2"].index], output["r2"], rtol=0, atol=TOLERANCE)
    measures = fit.fit_measures().rename(index=LAVAAN_NAMES)
    assert set(output["fit"].index) <= set(measures.index)
    assert np.allclose(measures[output["fit"].index], output["fit"], rtol=0, atol=TOLERANCE)


# --- without R: the script's text and its stored output -----------------------------------------


def test_the_script_fits_the_kits_model_syntax():
    script = SCRIPT.read_text()
    for line in paper_model.model_syntax().splitlines():
        assert re.search(rf"^{re.escape(line)}$", script, re.MULTILINE), line
    assert 'estimator = "ML", fixed.x = TRUE, likelihood = "normal"' in script


def test_the_script_scores_the_kits_constructs_and_reverse_items():
    script = SCRIPT.read_text()
    for construct in instrument.CONSTRUCTS:
        items = ", ".join(f'"{column}"' for column in construct.item_columns)
        assert re.search(rf"^\s+{construct.key}\s+= c\({re.escape(items)}\)", script, re.MULTILINE), (
            construct.key
        )
    reverse = ", ".join(f'"{column}"' for column in instrument.reverse_item_columns())
    assert f"reverse_items <- c({reverse})" in script
    assert "6 - answers[reverse_items]" in script
    assert instrument.LIKERT_MIN + instrument.LIKERT_MAX == 6


def test_stored_output_is_for_the_shipped_survey_and_equals_the_kits_engine():
    assert_output_is_the_kits(read_output(STORED), settings.SHIPPED_SURVEY_FILE)


def test_stored_output_equals_the_lavaan_fixture():
    reference = json.loads(LAVAAN_FIXTURE.read_text())
    output = read_output(STORED)
    fixture = keyed(pd.DataFrame(reference["parameters"]), {v: v for v in ESTIMATE_COLUMNS.values()})
    stored = keyed(output["estimates"], ESTIMATE_COLUMNS)
    assert np.allclose(fixture.loc[stored.index], stored, rtol=0, atol=TOLERANCE, equal_nan=True)
    for name, value in output["fit"].items():
        assert value == pytest.approx(reference["fit_measures"][name], abs=TOLERANCE), name
    for name, value in output["r2"].items():
        assert value == pytest.approx(reference["r2"][name], abs=TOLERANCE), name


def test_stored_summary_reports_a_90_percent_rmsea_interval():
    printed = (STORED / "paper_model_output.txt").read_text()
    assert printed.startswith("lavaan 0.6")
    assert "90 Percent confidence interval - lower" in printed
    assert "95 Percent confidence interval" not in printed


def test_jamovis_defaults_change_only_npar_srmr_gfi_and_with_free_x_the_likelihood():
    """PATHj and SEMLj estimate intercepts (meanstructure): 5 more parameters, fitted exactly, so
    SRMR averages 6 zero mean residuals more (× sqrt(21/27)); SEMLj's fixed.x = FALSE also makes
    PCDP's mean and variance parameters, so the log-likelihood gains PCDP's own normal
    log-density, -N/2 (log 2π + log s² + 1), and AIC/BIC count 7 more parameters."""
    table = read_output(STORED)["jamovi"]
    assert list(table.columns) == ["sem", "PATHj", "SEMLj"]
    assert np.allclose(table["sem"], read_output(STORED)["fit"][table.index], rtol=0, atol=0)
    for module in ("PATHj", "SEMLj"):
        same = table.loc[SAME_WITH_JAMOVI_DEFAULTS]
        assert np.allclose(same[module], same["sem"], rtol=0, atol=TOLERANCE), module
        p = len(paper_model.VARIABLES)
        with_means = math.sqrt(p * (p + 1) / 2 / (p * (p + 1) / 2 + p))
        assert table.at["srmr", module] == pytest.approx(table.at["srmr", "sem"] * with_means, abs=TOLERANCE)
        assert abs(table.at["gfi", module] - table.at["gfi", "sem"]) > 1e-4
    endogenous = len(paper_model.VARIABLES) - len(paper_model.EXOGENOUS)
    assert table.at["npar", "PATHj"] == table.at["npar", "sem"] + endogenous
    assert table.at["npar", "SEMLj"] == table.at["npar", "PATHj"] + 2  # PCDP's mean and variance
    assert table.at["logl", "PATHj"] == pytest.approx(table.at["logl", "sem"], abs=TOLERANCE)
    scores = score_constructs(load_survey())
    n = len(scores)
    variance = scores["partnership_collaboration"].var(ddof=0)
    marginal = -n / 2 * (math.log(2 * math.pi) + math.log(variance) + 1)
    for name in ("logl", "unrestricted.logl"):
        assert table.at[name, "SEMLj"] == pytest.approx(table.at[name, "sem"] + marginal, abs=TOLERANCE), name
    for module in ("sem", "PATHj", "SEMLj"):
        logl, npar = table.at["logl", module], table.at["npar", module]
        assert table.at["aic", module] == pytest.approx(-2 * logl + 2 * npar, abs=TOLERANCE)
        assert table.at["bic", module] == pytest.approx(-2 * logl + math.log(n) * npar, abs=TOLERANCE)


# --- with R: run the script ---------------------------------------------------------------------


@cache
def lavaan_available() -> bool:
    if shutil.which("Rscript") is None:
        return False
    found = subprocess.run(["Rscript", "-e", "library(lavaan)"], capture_output=True, timeout=120)
    return found.returncode == 0


@pytest.fixture
def rscript():
    """Skip where R with lavaan is not installed (the kit itself never needs R)."""
    if not lavaan_available():
        pytest.skip("needs R with lavaan (Rscript)")


def run_script(*arguments, cwd: Path = settings.REPO_ROOT) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["Rscript", str(SCRIPT), *map(str, arguments)], cwd=cwd, capture_output=True, text=True, timeout=300
    )


def fit_lines(printed: str) -> list[str]:
    """The lines of lavaan's summary that carry the model test and the RMSEA."""
    return [line for line in printed.splitlines() if re.match(r"\s+(Test statistic|RMSEA|90 Percent)", line)]


@pytest.mark.usefixtures("rscript")
def test_a_fresh_run_on_the_shipped_survey_equals_the_stored_output(tmp_path):
    run = run_script(settings.SHIPPED_SURVEY_FILE, tmp_path)
    assert run.returncode == 0, run.stderr
    fresh, stored = read_output(tmp_path), read_output(STORED)
    assert fresh["estimates"][["lhs", "op", "rhs"]].equals(stored["estimates"][["lhs", "op", "rhs"]])
    for name, table in stored.items():
        numbers = table.select_dtypes("number") if isinstance(table, pd.DataFrame) else table
        assert fresh[name].index.equals(table.index), name
        assert np.allclose(fresh[name][numbers.columns] if isinstance(table, pd.DataFrame) else fresh[name],
                           numbers, rtol=0, atol=TOLERANCE, equal_nan=True), name  # fmt: skip
    assert_output_is_the_kits(fresh, settings.SHIPPED_SURVEY_FILE)
    assert fit_lines(run.stdout) == fit_lines((STORED / "paper_model_output.txt").read_text())


@pytest.mark.usefixtures("rscript")
def test_without_arguments_the_script_reads_the_shipped_survey_from_any_folder(tmp_path):
    run = run_script(cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert len(fit_lines(run.stdout)) == 5
    assert fit_lines(run.stdout) == fit_lines((STORED / "paper_model_output.txt").read_text())
    assert not list(tmp_path.iterdir())  # nothing is written without an output folder


@pytest.mark.usefixtures("rscript")
@pytest.mark.parametrize("member", ["model_rejected", "class_40_two_medium"])
def test_on_a_class_survey_the_script_equals_the_kits_engine(member, tmp_path):
    survey_file = survey_battery.write(next(m for m in survey_battery.MEMBERS if m.name == member), tmp_path)
    run = run_script(survey_file, tmp_path / "out")
    assert run.returncode == 0, run.stderr
    assert_output_is_the_kits(read_output(tmp_path / "out"), survey_file)


@pytest.mark.usefixtures("rscript")
def test_the_script_refuses_blank_answers(tmp_path):
    survey = pd.read_csv(settings.SHIPPED_SURVEY_FILE)
    survey.loc[3, "gl_2"] = None
    survey.to_csv(tmp_path / "blank.csv", index=False)
    run = run_script(tmp_path / "blank.csv")
    assert run.returncode != 0
    assert "whole number from 1 to 5" in run.stderr


# --- the appendix's and the glossary's prose ---------------------------------------------------

APPENDIX = settings.REPO_ROOT / "notebooks" / "appendix"


def prose(name: str) -> str:
    """The markdown of an appendix notebook, each paragraph joined into one line."""
    cells = nbformat.read(APPENDIX / name, as_version=4).cells
    return " ".join(" ".join(c.source.split()) for c in cells if c.cell_type == "markdown")


def test_the_baseline_model_is_described_as_lavaan_fits_it():
    """All observed variables uncorrelated; df_B = the covariances among the p scores."""
    text = prose("lavaan_and_jamovi.ipynb")
    assert "all observed variables are uncorrelated" in text
    assert "endogenous variables are unrelated" not in text
    p = len(paper_model.VARIABLES)
    stored = read_output(STORED)["fit"]
    assert stored["baseline.df"] == p * (p - 1) / 2
    assert f"df_B = {p * (p - 1) // 2}" in text


def test_the_rmsea_level_is_an_element_of_fm_args_and_the_intercepts_caveat_is_stated():
    text = prose("lavaan_and_jamovi.ipynb")
    assert "fm.args = list(rmsea.ci.level = 0.95)" in text
    assert "`fitMeasures()`'s argument `rmsea.ci.level`" not in text
    assert "Only two of these options change the model test itself" not in text
    assert "fixes the intercepts at zero" in text


def test_the_glossary_and_the_appendix_agree_on_jamovis_fixed_x_defaults():
    glossary = prose("glossary.ipynb")
    entry = glossary.split("**fixed.x.**", 1)[1].split("**", 1)[0]
    assert "PATHj" in entry and "off by default in jamovi's SEMLj" in entry
    assert "and in jamovi)" not in glossary
    solution = settings.REPO_ROOT / "notebooks" / "solutions" / "00_the_study_solutions.ipynb"
    assert "lavaan's and jamovi's default" not in solution.read_text(encoding="utf-8")


def test_the_glossary_defines_the_tests_and_indices_the_lessons_use():
    glossary = prose("glossary.ipynb")
    for term in (
        "**Cohen's d.**",
        "**Welch's t-test",
        "**Kruskal–Wallis test.**",
        "**Lilliefors test.**",
        "**Shapiro–Wilk test.**",
        "**Mahalanobis distance.**",
        "**Q-Q plot",
        "**NFI",
        "**SABIC",
        "**Equivalence test.**",
    ):
        assert term in glossary, term
    listwise = glossary.split("**Listwise deletion.**", 1)[1].split("**", 1)[0]
    assert "In general" in listwise and "only on the predictors" in listwise
