"""Lesson 05's computed sentences against the tables they summarise, on every survey of the
battery (bootstraps of 1000 resamples: the sentences follow whatever the table says)."""

from __future__ import annotations

import re

import numpy as np
import pytest

from helpers import alternative_models, paper_model, robustness, settings
from helpers.statements import alternatives as say_models
from helpers.statements import number
from helpers.statements import robustness as say

MEMBERS = ["shipped", "class_40_two_medium", "class_60", "model_rejected", "weak_paths", "non_normal"]
SMALLEST_EFFECT = 0.10


class Lesson05:
    """The tables lesson 05 computes, for one survey."""

    def __init__(self, analysed):
        scores = analysed.scores
        self.source = analysed.source
        self.boot = robustness.bootstrap_paths(scores, n_resamples=1000, seed=settings.SEED)
        self.summary = self.boot.summary()
        self.errors = robustness.standard_errors(scores)
        self.bollen_stine = robustness.bollen_stine_table(
            robustness.bollen_stine(scores, n_resamples=1000, seed=settings.SEED)
        )
        fits = paper_model.fit_variants(scores)
        self.comparison = alternative_models.compare_models(scores, fits)
        self.tests = alternative_models.model_comparison_tests(scores, fits)
        self.mod = alternative_models.modification_indices(scores)
        self.table5 = robustness.table5_comparison(self.summary, self.errors)
        direct = robustness.bootstrap_paths(scores, n_resamples=1000, seed=settings.SEED, direct_paths=True)
        self.equivalence = alternative_models.direct_path_equivalence(direct, SMALLEST_EFFECT)


@pytest.fixture(scope="module")
def lessons(battery):
    return {name: Lesson05(battery[name]) for name in MEMBERS}


@pytest.fixture(params=MEMBERS)
def lesson(request, lessons):
    return lessons[request.param]


def standardized(summary, kind):
    return summary.loc[kind].xs("β", level="scale")


def test_the_path_sentence_names_every_interval_that_includes_zero(lesson):
    text = say.path_intervals(lesson.summary)
    paths = standardized(lesson.summary, "path")
    spanning = paths[(paths["bc_lower"] <= 0) & (paths["bc_upper"] >= 0)]
    if spanning.empty and (paths["bc_lower"] > 0).all():
        assert text.startswith("Every interval stays above zero")
    else:
        named = re.search(r"The intervals of (.*?) include zero", text).group(1)
        assert all(path in named for path in spanning.index)
        assert sum(path in named for path in paths.index) == len(spanning)


def test_the_r_squared_sentence_names_the_least_explained_outcome(lesson):
    text = say.r_squared_intervals(lesson.summary)
    r_squared = lesson.summary.loc["R²"].xs("R²", level="scale").loc[["MR", "IA", "OE"]]
    assert text.startswith(say.outcome_name(r_squared["estimate"].idxmin()).capitalize())
    assert ("reaches down to zero" in text) == (r_squared["bc_lower"].min() < 0.005)


def test_the_indirect_effect_sentence_counts_the_intervals_that_exclude_zero(lesson):
    text = say.indirect_effects(lesson.summary)
    indirect = standardized(lesson.summary, "indirect")["excludes_zero"].astype(bool)
    totals = standardized(lesson.summary, "total indirect")["excludes_zero"].astype(bool)
    if indirect.all() and totals.all():
        assert text.startswith("Every BC interval excludes zero")
    elif indirect.any():
        assert text.startswith(f"{indirect.sum()} of the six specific indirect effects")
    else:
        assert text.startswith("None of the six specific indirect effects")
    largest = standardized(lesson.summary, "total indirect")["estimate"].idxmax()
    assert f"The total indirect effect on {say.outcome_name(largest.split(' → ')[1].split(' ')[0])}" in text
    assert "entirely" not in text and "by assumption" in text


def test_the_bootstrap_shape_sentence_follows_the_skew_and_the_interval_gaps(lesson):
    text = say.bootstrap_shapes(lesson.boot.draws, lesson.summary)
    assert ("almost coincide" in text) != ("differ by up to" in text)


def test_the_robust_se_sentence_names_every_path_whose_decision_changes(lesson):
    text = say.robust_standard_errors(lesson.errors)
    paths = lesson.errors[lesson.errors["op"] == "~"]
    changed = paths[(paths["p_ml"] < 0.05) != (paths["p_robust"] < 0.05)]
    assert ("no conclusion changes" in text) == changed.empty
    assert all(path in text for path in changed["parameter"])
    largest = int(np.round(100 * (paths["se_ratio"] - 1).abs().max()))
    assert f"at most about {largest}%" in text


def test_the_bollen_stine_sentence_follows_both_p_values(lesson):
    text = say.bollen_stine(lesson.bollen_stine)
    row = lesson.bollen_stine.iloc[0]
    normal, bootstrap = row["p_normal_theory"] < 0.05, row["p_bollen_stine"] < 0.05
    if normal and bootstrap:
        assert "the data reject the model's restrictions" in text
    elif not normal and not bootstrap:
        assert "compatible with the data" in text
    else:
        assert "They disagree" in text
    assert ("higher than the chi-square" in text) == (row["bootstrap_mean_chi_square"] > row["df"])


def test_the_model_comparison_sentence_names_the_lowest_aic_and_bic(lesson):
    text = say_models.model_comparison(lesson.comparison)
    best_aic, best_bic = lesson.comparison["aic"].idxmin(), lesson.comparison["bic"].idxmin()
    if best_aic == best_bic == "paper":
        assert text.startswith("The paper's model has the lowest of both.")
    else:
        for best in {best_aic, best_bic} - {"paper"}:
            assert lesson.comparison.loc[best, "description"] in text
    direct_better = lesson.comparison.loc["direct", "aic"] < lesson.comparison.loc["paper", "aic"]
    assert ("improves the fit" in text) == direct_better


def test_the_nested_test_sentence_follows_the_direct_path_and_covariance_tests(lesson):
    text = say_models.nested_tests(lesson.tests, lesson.summary)
    p = lesson.tests.set_index(["restricted", "full"])["pvalue"]
    assert ("The test rejects the model without direct paths" in text) == (p[("paper", "direct")] < 0.05)
    assert ("not the same as showing that there are none" in text) == (p[("paper", "direct")] >= 0.05)
    assert ("The residual covariances are needed" in text) == (p[("orthogonal", "paper")] < 0.05)
    assert "complete" not in text


def test_the_direct_path_sentence_reads_intervals_not_the_failed_test(lesson):
    text = say_models.direct_paths(lesson.tests, lesson.equivalence, lesson.source)
    table = lesson.equivalence
    p = lesson.tests.set_index(["restricted", "full"]).loc[("paper", "direct"), "pvalue"]
    assert text.startswith(
        "The joint test did not reject the hypothesis that the three direct paths are all zero"
        if p >= 0.05
        else "The joint test rejected"
    )
    for path, row in table.iterrows():  # every direct path's 95% interval is given
        assert f"{number(row.pct95_lower)} to {number(row.pct95_upper)} for {path}" in text
    inside, beyond = table["within_bounds"], table["beyond_bounds"]
    if inside.all():
        assert "Every 90% interval lies inside ±.10" in text
    elif not (inside | beyond).any():
        assert "No 90% interval lies wholly inside or wholly outside ±.10" in text
    else:
        if inside.any():
            assert all(path in text.split("lie inside")[0] for path in table.index[inside])
        if beyond.any():  # shown larger than Δ: a minimum-effect test, per path
            said = text.split("wholly outside ±.10")[0].split("The 90% intervals of ")[-1]
            assert all(path in said for path in table.index[beyond]) and "minimum-effect test" in text
        for path in table.index[~inside & ~beyond]:
            assert path in text.split("straddle")[0].split(". ")[-1]
    # the 90% interval wholly beyond ±Δ is the minimum-effect test's verdict
    assert ((table["pct90_lower"] > 0.10) | (table["pct90_upper"] < -0.10)).equals(beyond)
    assert (table.loc[beyond, "verdict"] == "larger than Δ").all()
    split = table["indirect_excludes_zero"] != table["indirect_pct_excludes_zero"]
    assert ("Fritz, Taylor & MacKinnon 2012" in text) == bool(split.any())
    if lesson.source.shipped:  # the generator's direct paths lie inside ±.10, yet equivalence is not shown
        assert ("an equivalence test has little power" in text) == (not table["within_bounds"].all())
    for kind in set(table["mediation"]):
        assert f'"{kind}"' in text
    indirect_only = table[table["mediation"] == "indirect-only"]
    says_complete_is_not_shown = "calling the mediation complete would need an equivalence result" in text
    assert says_complete_is_not_shown == (len(indirect_only) > 0 and not indirect_only["within_bounds"].all())
    assert ("built small direct associations" in text) == lesson.source.shipped


def test_the_modification_index_sentence_counts_the_mis_above_3_84(lesson):
    text = say_models.modification_indices(lesson.mod)
    over = int((lesson.mod["mi"] >= 3.84).sum())
    if over == 0:
        assert text.startswith("No MI")
    else:
        assert text.startswith("One MI exceeds" if over == 1 else f"{over} MIs exceed")
        assert lesson.mod.iloc[0]["path"] in text


def test_the_inference_agreement_sentence_names_every_split_decision(lesson):
    text = say_models.inference_agreement(lesson.table5)
    ml, robust = lesson.table5["p_ml"] < 0.05, lesson.table5["p_robust"] < 0.05
    bootstrap = (lesson.table5["bc_lower"] > 0) | (lesson.table5["bc_upper"] < 0)
    split = lesson.table5.index[(ml != robust) | (ml != bootstrap)]
    percentile = (lesson.table5["pct_lower"] > 0) | (lesson.table5["pct_upper"] < 0)
    p_values = lesson.table5[["p_ml", "p_robust"]]
    near = ((p_values >= 0.025) & (p_values < 0.10)).any(axis=1) | (percentile != bootstrap)
    borderline = lesson.table5.index[near & ~lesson.table5.index.isin(split)]
    assert ("none of the conclusions depends on normality" in text) == (split.empty and borderline.empty)
    assert all(f"{code} (" in text for code in split.union(borderline))
    assert ("borderline" in text) == (not borderline.empty)


def test_the_conclusion_counts_what_the_checks_found(lesson):
    text = say_models.what_this_means(
        lesson.source,
        lesson.summary,
        lesson.table5,
        lesson.bollen_stine,
        lesson.comparison,
        lesson.tests,
        lesson.equivalence,
    )
    for claim in ("runs entirely", "complete*", "robust:"):  # the old over-claims
        assert claim not in text
    assert "can show that the associations are causal" in text
    rejected = lesson.bollen_stine.iloc[0]["p_normal_theory"] < 0.05
    assert ("the data reject the paper's model itself" in text) == rejected
    aic, bic = lesson.comparison["aic"].idxmin() == "paper", lesson.comparison["bic"].idxmin() == "paper"
    assert ("has neither the lowest AIC nor the lowest BIC" in text) == (not aic and not bic)
    assert "does not have both" not in text
    p = lesson.tests.set_index(["restricted", "full"]).loc[("paper", "direct"), "pvalue"]
    negligible = lesson.equivalence["within_bounds"].all()
    assert ("does not show that they are zero" in text) == (p >= 0.05 and not negligible)
    paths = standardized(lesson.summary, "path")
    clear = int(((paths["bc_lower"] > 0) | (paths["bc_upper"] < 0)).sum())
    if lesson.source.shipped and clear == 8:  # (with 1000 resamples one interval may touch zero)
        assert text.startswith("On the kit's data the paper's conclusions do not depend on the normality")
        return
    words = {8: "all eight paths", 0: "none of the eight paths"}
    data = "the kit's data" if lesson.source.shipped else "this survey"
    assert text.startswith(f"On {data} {words.get(clear, f'{clear} of the eight paths')}")
    firms = lesson.source.n_firms
    whose = f"the kit's {firms} simulated firms" if lesson.source.shipped else f"the {firms} firms of your"
    assert whose in text


def test_path_and_indirect_sentences_say_when_the_model_itself_is_rejected(lesson):
    fit_measures = {"chisq": 99.1, "df": 4.0, "pvalue": 1e-20}
    for text in (
        say.path_intervals(lesson.summary, fit_measures),
        say.indirect_effects(lesson.summary, fit_measures),
    ):
        assert "But the data reject the model itself (χ² = 99.1 on 4 df, p < .001; lesson 04)" in text
        assert "bootstrapping does not repair a misspecified model" in text
    fitting = {"chisq": 3.6, "df": 4.0, "pvalue": 0.46}
    assert "reject the model itself" not in say.path_intervals(lesson.summary, fitting)
    assert "reject the model itself" not in say.indirect_effects(lesson.summary)


def test_percentile_and_bc_disagreements_about_zero_are_named(lesson):
    rows = lesson.summary[lesson.summary.index.get_level_values("kind") != "R²"].xs("β", level="scale")
    percentile = (rows["pct_lower"] > 0) | (rows["pct_upper"] < 0)
    bc = (rows["bc_lower"] > 0) | (rows["bc_upper"] < 0)
    split = rows.index[percentile != bc]
    paths = [effect for kind, effect in split if kind == "path"]
    indirect = [effect for kind, effect in split if kind != "path"]
    path_text, indirect_text = say.path_intervals(lesson.summary), say.indirect_effects(lesson.summary)
    assert all(effect in path_text.split("disagree about zero")[0] for effect in paths)
    assert ("disagree about zero" in path_text) == bool(paths)
    assert ("Fritz, Taylor & MacKinnon 2012" in indirect_text) == bool(indirect)
