"""Lesson 08: semopy's CFA and latent SEM equal the kit's, the reliability and validity numbers equal
their textbook formulas computed here from semopy's or lavaan's loadings (and pingouin's α), and the
self-checks accept the right answers.

Checked on the shipped survey, as the lesson does, and on two class surveys of the battery (a
rejected model and weak paths), where the loadings and paths differ.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pingouin as pg
import pytest
import semopy

from helpers import exercises, measurement, settings
from helpers import instrument as ins

SURVEYS = ["shipped", "model_rejected", "weak_paths"]
LAVAAN_CFA = settings.REPO_ROOT / "tests" / "fixtures" / "lavaan" / "kit_items_cfa.json"
SEMOPY_OPTIONS = {"ftol": 1e-10}  # the lesson's stopping rule: semopy then stops within 1e-5 of the optimum


def semopy_estimates(syntax: str, items: pd.DataFrame) -> pd.DataFrame:
    """semopy's estimates, SEs and std.all, indexed as the kit's (lhs, op, rhs): a loading that
    semopy writes ``item ~ factor`` becomes ``factor =~ item``."""
    model = semopy.Model(syntax)
    model.fit(items, obj="MLW", options=SEMOPY_OPTIONS)
    table = model.inspect(std_est=True)
    factors = {c.abbreviation for c in ins.CONSTRUCTS}
    loading = (table["op"] == "~") & table["rval"].isin(factors) & ~table["lval"].isin(factors)
    rows = pd.DataFrame(
        {
            "lhs": np.where(loading, table["rval"], table["lval"]),
            "op": np.where(loading, "=~", table["op"]),
            "rhs": np.where(loading, table["lval"], table["rval"]),
            "est": table["Estimate"].astype(float),
            "se": pd.to_numeric(table["Std. Err"], errors="coerce").fillna(0.0),
            "std_all": table["Est. Std"].astype(float),
        }
    )
    return rows.set_index(["lhs", "op", "rhs"]).sort_index()


def kit_rows(fit, op: str) -> pd.DataFrame:
    table = fit.parameter_estimates()
    return table[table["op"] == op].set_index(["lhs", "op", "rhs"])[["est", "se", "std_all"]]


@pytest.fixture(scope="module")
def fitted(battery):
    """Per survey: recoded items, the kit's CFA and semopy's CFA estimates."""
    found = {}
    for name in SURVEYS:
        items = measurement.recoded_items(battery[name].survey)
        found[name] = (items, measurement.fit_cfa(items), semopy_estimates(measurement.cfa_syntax(), items))
    return found


@pytest.mark.parametrize("name", SURVEYS)
def test_semopys_cfa_gives_the_kits_loadings_ses_and_standardized_loadings(fitted, name):
    _, cfa, by_semopy = fitted[name]
    kit = kit_rows(cfa, "=~")
    assert len(kit) == len(ins.item_columns())
    difference = (kit - by_semopy.loc[kit.index, kit.columns]).abs().to_numpy()
    assert difference.max() < 1e-4, name


@pytest.mark.parametrize("name", ["shipped", "weak_paths"])
def test_semopys_latent_sem_gives_the_kits_paths(battery, name):
    items = measurement.recoded_items(battery[name].survey)
    kit = kit_rows(measurement.fit_latent_sem(items), "~")
    by_semopy = semopy_estimates(measurement.latent_sem_syntax(), items)
    assert len(kit) == 8
    assert (kit - by_semopy.loc[kit.index, kit.columns]).abs().to_numpy().max() < 1e-4, name


def cr_and_ave(loadings: pd.Series) -> tuple[float, float]:
    """Composite reliability and AVE by their formulas, from standardized loadings."""
    total = loadings.sum() ** 2
    return total / (total + (1 - loadings**2).sum()), float((loadings**2).mean())


@pytest.mark.parametrize("name", SURVEYS)
def test_reliability_table_is_the_textbook_formulas_on_semopys_loadings_and_pingouins_alpha(fitted, name):
    items, cfa, by_semopy = fitted[name]
    table = measurement.reliability_table(cfa, items)
    for construct in ins.CONSTRUCTS:
        loadings = by_semopy.loc[construct.abbreviation, "=~"]["std_all"]
        cr, ave = cr_and_ave(loadings)
        row = table.loc[construct.abbreviation]
        assert row["composite_reliability"] == pytest.approx(cr, abs=1e-4), (name, construct.key)
        assert row["ave"] == pytest.approx(ave, abs=1e-4), (name, construct.key)
        alpha = pg.cronbach_alpha(data=items[construct.item_columns])[0]
        assert row["alpha"] == pytest.approx(alpha, abs=1e-12), (name, construct.key)


@pytest.mark.parametrize("name", SURVEYS)
def test_htmt_is_the_ratio_of_mean_item_correlations(fitted, name):
    items = fitted[name][0]
    correlations = items.corr().to_numpy()
    position = {column: k for k, column in enumerate(items.columns)}
    blocks = {c.abbreviation: [position[i] for i in c.item_columns] for c in ins.CONSTRUCTS}

    def within(block):
        return np.mean([correlations[i, j] for i in block for j in block if i < j])

    table = measurement.htmt_table(items)
    for a, block_a in blocks.items():
        for b, block_b in blocks.items():
            if a != b:
                between = np.mean([correlations[i, j] for i in block_a for j in block_b])
                assert table.loc[a, b] == pytest.approx(between / np.sqrt(within(block_a) * within(block_b)))


@pytest.mark.parametrize("name", SURVEYS)
def test_harmans_share_is_the_first_principal_components_share(fitted, name):
    items = fitted[name][0]
    standardized = (items - items.mean()) / items.std(ddof=0)
    singular = np.linalg.svd(standardized.to_numpy(), compute_uv=False)
    share = singular[0] ** 2 / (singular**2).sum()
    assert measurement.harman_single_factor(items).loc[0, "share_of_variance"] == pytest.approx(share)


# --- the self-checks ------------------------------------------------------------------------------


def market_reach_cr_from_lavaan() -> float:
    """08.a's answer on the shipped survey from R lavaan's standardized loadings (stored)."""
    lavaan = json.loads(LAVAAN_CFA.read_text(encoding="utf-8"))
    loadings = pd.Series(
        [row["std_all"] for row in lavaan["parameters"] if row["lhs"] == "MR" and row["op"] == "=~"]
    )
    assert len(loadings) == len(ins.construct("market_reach").items)
    return cr_and_ave(loadings)[0]


def test_self_check_08a_is_market_reachs_composite_reliability_by_lavaan(battery, capsys):
    survey = battery["shipped"].survey
    right = market_reach_cr_from_lavaan()
    assert exercises.check("08.a", round(right, 3), survey) is True
    alpha = measurement.cronbach_alpha(
        measurement.recoded_items(survey)[ins.construct("market_reach").item_columns]
    )
    assert exercises.check("08.a", round(alpha, 3), survey) is False  # α is not CR, even to three decimals
    assert exercises.check("08.a", round(right, 3) + 0.01, survey) is False
    capsys.readouterr()


def test_self_check_08a_follows_the_survey(fitted, battery, capsys):
    _, _, by_semopy = fitted["weak_paths"]
    right, _ = cr_and_ave(by_semopy.loc["MR", "=~"]["std_all"])
    assert exercises.check("08.a", right, battery["weak_paths"].survey) is True
    assert exercises.check("08.a", market_reach_cr_from_lavaan(), battery["weak_paths"].survey) is False
    capsys.readouterr()


@pytest.mark.parametrize(("check", "right", "wrong"), [("08.b", "b", "a"), ("08.c", "b", "a")])
def test_the_choice_self_checks(check, right, wrong, battery, capsys):
    survey = battery["shipped"].survey
    assert exercises.check(check, right, survey) is True
    assert exercises.check(check, wrong, survey) is False
    assert "Hint:" in capsys.readouterr().out


# --- R lavaan (the lesson says the kit's CFA and latent SEM equal lavaan's on the shipped survey) ---


@pytest.mark.parametrize(
    ("fixture", "fit"), [("kit_items_cfa", "fit_cfa"), ("kit_items_latent_sem", "fit_latent_sem")]
)
def test_the_cfa_and_the_latent_sem_equal_lavaans_on_the_shipped_survey(battery, fixture, fit):
    from helpers.sem import fit_measures

    lavaan = json.loads((LAVAAN_CFA.parent / f"{fixture}.json").read_text(encoding="utf-8"))
    survey = battery["shipped"].survey
    assert lavaan["meta"]["survey_sha256"] == battery["shipped"].source.sha256
    kit = getattr(measurement, fit)(measurement.recoded_items(survey))
    columns = ["est", "se", "std_all"]
    ours = kit.parameter_estimates().set_index(["lhs", "op", "rhs"])[columns]
    theirs = pd.DataFrame(lavaan["parameters"]).set_index(["lhs", "op", "rhs"])[columns]
    assert len(ours) == len(theirs)
    assert (ours - theirs.loc[ours.index]).abs().to_numpy().max() < 1e-4
    measures = kit.fit_measures().rename(index=fit_measures.LAVAAN_NAMES)
    for name in ("chisq", "df", "pvalue", "cfi", "tli", "rmsea", "srmr"):
        assert measures[name] == pytest.approx(lavaan["fit_measures"][name], abs=1e-4), name
