"""The shipped synthetic dataset reproduces what the paper reports. Every check computes from the file."""

import numpy as np
import pandas as pd
import pytest
import semopy
from scipy import stats

from helpers import instrument as ins
from helpers import paper_model, published, settings
from helpers.survey import load_survey, recode_reverse_items, score_constructs

SURVEY = load_survey(settings.SHIPPED_SURVEY_FILE)
SCORES = score_constructs(SURVEY)


def test_190_firms():
    assert len(SURVEY) == int(published.fact("n_firms")) == 190


TABLE1_ROWS = list(published.table1().itertuples())


@pytest.mark.parametrize("row", TABLE1_ROWS, ids=lambda r: f"{r.characteristic}:{r.category}")
def test_table1_frequency(row):
    column = next(c.column for c in ins.CHARACTERISTICS if c.label == row.characteristic)
    assert (SURVEY[column] == row.category).sum() == row.frequency


def test_table1_categories_add_up_to_the_sample():
    for characteristic in ins.CHARACTERISTICS:
        assert SURVEY[characteristic.column].notna().sum() == 190


def test_every_firm_has_a_website():
    assert SURVEY["uses_website"].sum() == 190


@pytest.mark.parametrize("column,count", [("uses_whatsapp", 175), ("uses_facebook", 171)])
def test_stated_platform_shares(column, count):
    assert SURVEY[column].sum() == count
    label = next(p.label for p in ins.PLATFORMS if p.column == column)
    stated = published.platform_use().set_index("platform").at[label, "percentage"]
    assert round(100 * count / 190) == stated


def test_youtube_is_the_most_used_content_sharing_platform():
    content = [p.column for p in ins.PLATFORMS if p.kind == "content sharing"]
    assert len(content) >= 2
    users = SURVEY[content].sum()
    assert users.idxmax() == "uses_youtube" and (users.drop("uses_youtube") < users["uses_youtube"]).all()


def fitted_standardized_paths(correlated_outcomes: bool = True) -> pd.Series:
    """semopy's ML fit of Figure 2 (lavaan conventions via mimic_lavaan), tight tolerance."""
    fit = semopy.Model(paper_model.model_syntax(correlated_outcomes), mimic_lavaan=True)
    fit.fit(SCORES, options={"ftol": 1e-12})
    estimates = fit.inspect(std_est=True)
    regressions = estimates[estimates["op"] == "~"]
    return regressions.set_index(["rval", "lval"])["Est. Std"].astype(float)


def test_standardized_paths_equal_table5_at_its_precision():
    paths = fitted_standardized_paths()
    for row in published.table5().itertuples():
        assert abs(paths[(row.predictor, row.outcome)] - row.beta) <= 0.005, row.hypothesis


def test_user_model_chi_square_rounds_to_table2():
    """semopy's ML chi-square of the paper's model (lavaan's conventions), computed from the file,
    rounds to Table 2's user-model value at the precision the paper prints."""
    fit = semopy.Model(paper_model.model_syntax(True), mimic_lavaan=True)
    fit.fit(SCORES, options={"ftol": 1e-12})
    chi_square = semopy.calc_stats(fit).T.loc["chi2", "Value"]
    printed = published.as_printed("table2_model_tests").set_index("model").at["User Model", "chi_square"]
    decimals = published.printed_decimals(printed)
    assert round(float(chi_square), decimals) == float(printed)


def cronbach_alpha(items: pd.DataFrame) -> float:
    k = items.shape[1]
    return k / (k - 1) * (1 - items.var(ddof=1).sum() / items.sum(axis=1).var(ddof=1))


@pytest.mark.parametrize("construct", ins.CONSTRUCTS, ids=lambda c: c.key)
def test_scales_are_reliable(construct):
    answers = recode_reverse_items(SURVEY)[construct.item_columns]
    assert cronbach_alpha(answers) >= 0.70


def test_items_have_realistic_skew_and_use_the_whole_scale():
    answers = SURVEY[ins.item_columns()]
    skews = answers.apply(stats.skew)
    assert skews.abs().max() < 1.0  # Likert items, not degenerate ones
    assert (skews != 0).all()
    recoded = recode_reverse_items(SURVEY)
    assert (recoded[[i.column for i in ins.items() if not i.reverse]].apply(stats.skew) < 0.3).mean() > 0.5
    shares = answers.apply(lambda column: column.isin([1, 5]).mean())
    assert (answers.min() == 1).all() and (answers.max() == 5).all()
    assert shares.between(0.05, 0.45).all()


def test_reverse_worded_items_are_stored_as_asked():
    for column in ins.reverse_item_columns():
        construct = next(c for c in ins.CONSTRUCTS if column in c.item_columns)
        others = [c for c in construct.item_columns if c != column]
        raw = np.corrcoef(SURVEY[column], SURVEY[others].mean(axis=1))[0, 1]
        assert raw < 0, f"{column} correlates positively with its construct before recoding"


@pytest.mark.parametrize("construct", ins.construct_keys())
def test_kolmogorov_smirnov_does_not_reject_normality(construct):
    values = SCORES[construct]
    result = stats.kstest(values, "norm", args=(values.mean(), values.std(ddof=1)))
    assert result.pvalue >= 0.05


def test_predictors_are_far_from_collinear():
    predictors = SCORES[[*paper_model.EXOGENOUS, *paper_model.MEDIATORS]].to_numpy()
    for j in range(predictors.shape[1]):
        others = np.column_stack([np.ones(len(predictors)), np.delete(predictors, j, axis=1)])
        coef, *_ = np.linalg.lstsq(others, predictors[:, j], rcond=None)
        residual = predictors[:, j] - others @ coef
        r2 = 1 - residual.var() / predictors[:, j].var()
        assert 1 / (1 - r2) < 2.5
