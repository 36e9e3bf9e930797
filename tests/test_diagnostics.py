"""Tests of helpers.diagnostics against published values (SPSS standard errors, Shapiro & Wilk's
example, R's MVN on the iris setosa data, Lilliefors' critical values, chi-square tables) and
against formulas written out independently here."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
import survey_factory
from scipy import stats
from scipy.spatial.distance import mahalanobis

from helpers import diagnostics as dg
from helpers import instrument as ins
from helpers import paper_model
from helpers.survey import score_constructs


def make_survey(n: int = 120, seed: int = 11) -> pd.DataFrame:
    """Constructs that correlate, as in a path model (see tests/survey_factory.py)."""
    return survey_factory.make_survey(n, seed, shared=0.6)


@pytest.fixture(scope="module")
def survey() -> pd.DataFrame:
    return make_survey()


@pytest.fixture(scope="module")
def scores(survey) -> pd.DataFrame:
    return score_constructs(survey)


def cronbach(items: np.ndarray) -> float:
    """alpha = k/(k-1) (1 - sum of item variances / variance of the total)."""
    k = items.shape[1]
    return k / (k - 1) * (1 - items.var(axis=0, ddof=1).sum() / items.sum(axis=1).var(ddof=1))


# --- Univariate normality ----------------------------------------------------------------------


@pytest.mark.parametrize(("n", "se_skew", "se_kurt"), [(30, 0.427, 0.833), (100, 0.241, 0.478)])
def test_skewness_and_kurtosis_standard_errors_match_spss(n, se_skew, se_kurt):
    # The values SPSS's DESCRIPTIVES/FREQUENCIES print for these sample sizes.
    assert round(float(dg.skewness_se(n)), 3) == se_skew
    assert round(float(dg.kurtosis_se(n)), 3) == se_kurt


def test_ks_uncorrected_is_the_one_sample_test_against_the_fitted_normal(scores):
    table = dg.normality_table(scores).set_index("construct")
    for key in scores:
        x = np.sort(scores[key].to_numpy())
        n = len(x)
        cdf = stats.norm.cdf(x, loc=x.mean(), scale=x.std(ddof=1))
        d = max(np.max(np.arange(1, n + 1) / n - cdf), np.max(cdf - np.arange(n) / n))
        assert table.loc[key, "ks_d"] == pytest.approx(d)
        assert table.loc[key, "ks_p"] == pytest.approx(stats.kstwo.sf(d, n))


def test_lilliefors_uses_the_same_d_with_smaller_p_values(scores):
    table = dg.normality_table(scores)
    assert table["lilliefors_d"].to_numpy() == pytest.approx(table["ks_d"].to_numpy())
    assert (table["lilliefors_p"] < table["ks_p"]).all()


def test_lilliefors_p_values_agree_with_lilliefors_critical_values():
    # Lilliefors (1967), n > 30: D > 0.886/sqrt(n) rejects at .05, D > 1.031/sqrt(n) at .01.
    # Samples with D within 3% of a critical value are not judged (table interpolation).
    rng = np.random.default_rng(5)
    n = 100
    critical_05, critical_01 = 0.886 / math.sqrt(n), 1.031 / math.sqrt(n)
    judged = {"reject_05": 0, "keep_05": 0, "reject_01": 0}
    draws = (
        lambda: rng.normal(size=n),
        lambda: rng.standard_t(4, size=n),
        lambda: rng.uniform(size=n),
        lambda: rng.gamma(3, size=n),
    )
    for i in range(60):
        x = draws[i % 4]()
        row = dg.normality_table(pd.DataFrame({"score": x})).iloc[0]
        d, p = row["lilliefors_d"], row["lilliefors_p"]
        if d > 1.03 * critical_05:
            assert p < 0.05
            judged["reject_05"] += 1
        if d < 0.97 * critical_05:
            assert p > 0.05
            judged["keep_05"] += 1
        if d > 1.03 * critical_01:
            assert p < 0.01
            judged["reject_01"] += 1
    assert min(judged.values()) >= 5  # the check really covered both sides


def test_shapiro_wilk_reproduces_shapiro_and_wilks_example():
    # Shapiro & Wilk (1965), weights of 11 men: W = 0.79, significant at the 1% level.
    weights = [148, 154, 158, 160, 161, 162, 166, 170, 182, 195, 236]
    row = dg.normality_table(pd.DataFrame({"weight": weights})).iloc[0]
    assert round(row["shapiro_w"], 2) == 0.79
    assert row["shapiro_p"] < 0.01


def test_skewness_and_kurtosis_z_use_bias_corrected_statistics(scores):
    row = dg.normality_table(scores).iloc[0]
    x = scores.iloc[:, 0].to_numpy()
    n = len(x)
    g1 = np.mean((x - x.mean()) ** 3) / np.mean((x - x.mean()) ** 2) ** 1.5
    big_g1 = math.sqrt(n * (n - 1)) / (n - 2) * g1
    se = math.sqrt(6 * n * (n - 1) / ((n - 2) * (n + 1) * (n + 3)))
    assert row["skewness"] == pytest.approx(big_g1)
    assert row["skewness_se"] == pytest.approx(se)
    assert row["skewness_z"] == pytest.approx(big_g1 / se)
    assert row["kurtosis_z"] == pytest.approx(row["kurtosis"] / row["kurtosis_se"])


def test_qq_data_pairs_sorted_scores_with_normal_quantiles(scores):
    points = dg.qq_data(scores[["market_reach"]])
    x = scores["market_reach"].to_numpy()
    assert points["observed"].to_numpy() == pytest.approx(np.sort(x))
    q = points["theoretical_quantile"].to_numpy()
    assert np.all(np.diff(q) > 0) and q.mean() == pytest.approx(0, abs=1e-12)
    assert points["reference"].to_numpy() == pytest.approx(x.mean() + x.std(ddof=1) * q)


# --- Multivariate normality and outliers -------------------------------------------------------

# Fisher's iris data, Iris setosa (R's `iris[1:50, 1:4]`), the example of the MVN package.
SETOSA_ROWS = (
    "5.1 3.5 1.4 0.2, 4.9 3.0 1.4 0.2, 4.7 3.2 1.3 0.2, 4.6 3.1 1.5 0.2, 5.0 3.6 1.4 0.2, "
    "5.4 3.9 1.7 0.4, 4.6 3.4 1.4 0.3, 5.0 3.4 1.5 0.2, 4.4 2.9 1.4 0.2, 4.9 3.1 1.5 0.1, "
    "5.4 3.7 1.5 0.2, 4.8 3.4 1.6 0.2, 4.8 3.0 1.4 0.1, 4.3 3.0 1.1 0.1, 5.8 4.0 1.2 0.2, "
    "5.7 4.4 1.5 0.4, 5.4 3.9 1.3 0.4, 5.1 3.5 1.4 0.3, 5.7 3.8 1.7 0.3, 5.1 3.8 1.5 0.3, "
    "5.4 3.4 1.7 0.2, 5.1 3.7 1.5 0.4, 4.6 3.6 1.0 0.2, 5.1 3.3 1.7 0.5, 4.8 3.4 1.9 0.2, "
    "5.0 3.0 1.6 0.2, 5.0 3.4 1.6 0.4, 5.2 3.5 1.5 0.2, 5.2 3.4 1.4 0.2, 4.7 3.2 1.6 0.2, "
    "4.8 3.1 1.6 0.2, 5.4 3.4 1.5 0.4, 5.2 4.1 1.5 0.1, 5.5 4.2 1.4 0.2, 4.9 3.1 1.5 0.2, "
    "5.0 3.2 1.2 0.2, 5.5 3.5 1.3 0.2, 4.9 3.6 1.4 0.1, 4.4 3.0 1.3 0.2, 5.1 3.4 1.5 0.2, "
    "5.0 3.5 1.3 0.3, 4.5 2.3 1.3 0.3, 4.4 3.2 1.3 0.2, 5.0 3.5 1.6 0.6, 5.1 3.8 1.9 0.4, "
    "4.8 3.0 1.4 0.3, 5.1 3.8 1.6 0.2, 4.6 3.2 1.4 0.2, 5.3 3.7 1.5 0.2, 5.0 3.3 1.4 0.2"
)


def setosa() -> pd.DataFrame:
    rows = [[float(v) for v in row.split()] for row in SETOSA_ROWS.split(", ")]
    return pd.DataFrame(rows, columns=["sepal_length", "sepal_width", "petal_length", "petal_width"])


def test_mardia_reproduces_r_mvn_on_iris_setosa():
    # MVN::mvn(iris[1:50, 1:4], mvnTest = "mardia") (Korkmaz et al. 2014, R Journal 6(2)):
    # skewness 25.6643445196298, p 0.177185884467652; kurtosis 1.29499223711605, p 0.1953229.
    table = dg.mardia_test(setosa()).set_index("measure")
    skew, kurt = table.loc["multivariate skewness"], table.loc["multivariate kurtosis"]
    assert skew["test_statistic"] == pytest.approx(25.6643445196298, abs=1e-9)
    assert skew["df"] == 20
    assert skew["p"] == pytest.approx(0.177185884467652, abs=1e-9)
    assert kurt["test_statistic"] == pytest.approx(1.29499223711605, abs=1e-9)
    assert kurt["p"] == pytest.approx(0.195322907441935, abs=1e-9)
    assert kurt["expected_if_normal"] == 24  # p(p + 2)


def test_mardia_statistics_equal_moment_definitions(scores):
    # Independent route: whiten with the ML covariance, then b1p is the sum of squared mixed
    # third moments and b2p the mean fourth power of the distance (Mardia 1970, eqs 2.5, 2.7).
    x = scores.iloc[:, :3].to_numpy()
    n = len(x)
    centred = x - x.mean(axis=0)
    whitening = np.linalg.inv(np.linalg.cholesky(centred.T @ centred / n))
    z = centred @ whitening.T
    b1p = np.sum(np.einsum("ni,nj,nk->ijk", z, z, z) ** 2) / n**2
    b2p = np.mean(np.sum(z**2, axis=1) ** 2)
    table = dg.mardia_test(scores.iloc[:, :3]).set_index("measure")
    assert table.loc["multivariate skewness", "statistic"] == pytest.approx(b1p)
    assert table.loc["multivariate kurtosis", "statistic"] == pytest.approx(b2p)


def test_mardia_with_one_variable_reduces_to_univariate_moments():
    x = np.random.default_rng(3).gamma(2.0, size=200)
    m2, m3, m4 = (np.mean((x - x.mean()) ** k) for k in (2, 3, 4))
    table = dg.mardia_test(pd.DataFrame({"x": x})).set_index("measure")
    assert table.loc["multivariate skewness", "statistic"] == pytest.approx(m3**2 / m2**3)
    assert table.loc["multivariate kurtosis", "statistic"] == pytest.approx(m4 / m2**2)


def test_mahalanobis_distances_and_chi_square_cutoff(scores):
    data = scores.copy()
    data.iloc[0] = [5.0, 1.0, 5.0, 1.0, 5.0, 1.0]  # a firm unlike the others
    table = dg.mahalanobis_distances(data)
    inverse = np.linalg.inv(np.cov(data.to_numpy(), rowvar=False))
    centroid = data.mean().to_numpy()
    for firm in data.index[:5]:
        expected = mahalanobis(data.loc[firm].to_numpy(), centroid, inverse) ** 2
        assert table.loc[firm, "d_squared"] == pytest.approx(expected)
    assert table["cutoff"].iloc[0] == pytest.approx(22.458, abs=1e-3)  # chi-square table, df 6
    assert table["d_squared"].is_monotonic_decreasing
    outliers = dg.multivariate_outliers(data)
    assert data.index[0] in outliers.index
    assert (outliers["d_squared"] > 22.458).all()
    stricter = dg.multivariate_outliers(data, alpha=1e-12)  # a higher cut-off flags a subset
    assert set(stricter.index) <= set(outliers.index)


# --- Multicollinearity -------------------------------------------------------------------------


def vif_by_lstsq(data: pd.DataFrame, predictor: str, others: list[str]) -> float:
    """1 / (1 - R²) of the predictor regressed (with intercept) on the other predictors."""
    y = data[predictor].to_numpy()
    design = np.column_stack([np.ones(len(y)), data[others].to_numpy()])
    coefficients, *_ = np.linalg.lstsq(design, y, rcond=None)
    residual = y - design @ coefficients
    r2 = 1 - residual @ residual / np.sum((y - y.mean()) ** 2)
    return 1 / (1 - r2)


def test_vif_per_equation_and_for_all_predictors(scores):
    table = dg.collinearity_table(scores)
    equations = paper_model.equations()
    assert len(table) == sum(len(p) for p in equations.values()) + 3
    single = table[table["equation"] == "IT ~ PCDP"].iloc[0]
    assert single["vif"] == pytest.approx(1.0) and single["tolerance"] == pytest.approx(1.0)
    pair = table[table["equation"] == "MR ~ IT + GL"].set_index("predictor")
    expected = vif_by_lstsq(scores, "international_trade", ["global_logistics"])
    assert expected > 1.01  # the fixture's constructs correlate, so the check has teeth
    assert pair.loc["international_trade", "vif"] == pytest.approx(expected)
    everything = table[table["equation"] == "all predictors"].set_index("predictor")
    predictors = ["partnership_collaboration", "international_trade", "global_logistics"]
    assert everything.index.tolist() == predictors
    for predictor in predictors:
        others = [p for p in predictors if p != predictor]
        vif = vif_by_lstsq(scores, predictor, others)
        assert everything.loc[predictor, "vif"] == pytest.approx(vif)
        assert everything.loc[predictor, "tolerance"] == pytest.approx(1 / vif)


# --- Reliability -------------------------------------------------------------------------------


def test_alpha_and_feldt_interval_match_the_formulas(survey):
    table = dg.reliability_table(survey).set_index("construct")
    for c in ins.CONSTRUCTS:
        items = survey[c.item_columns].to_numpy()
        reverse = [item.reverse for item in c.items]
        items[:, reverse] = 6 - items[:, reverse]  # recoded, as the scores are
        alpha = cronbach(items)
        n, k = items.shape
        # Feldt (1965): 1 - (1 - alpha) F quantiles with (n - 1, (n - 1)(k - 1)) df.
        lower = 1 - (1 - alpha) * stats.f.ppf(0.975, n - 1, (n - 1) * (k - 1))
        upper = 1 - (1 - alpha) * stats.f.ppf(0.025, n - 1, (n - 1) * (k - 1))
        row = table.loc[c.key]
        assert row["alpha"] == pytest.approx(alpha)
        # pingouin rounds its interval to 3 decimals.
        assert row["alpha_ci_lower"] == pytest.approx(lower, abs=6e-4)
        assert row["alpha_ci_upper"] == pytest.approx(upper, abs=6e-4)
        assert row["n_items"] == k


def test_alpha_uses_recoded_reverse_items(survey):
    # Unrecoded, the reverse item would pull alpha down; recoded it belongs to the scale.
    row = dg.reliability_table(survey).set_index("construct").loc["partnership_collaboration"]
    raw = survey[ins.construct("partnership_collaboration").item_columns].to_numpy()
    assert row["alpha"] > cronbach(raw) + 0.1


def one_factor_data(loadings, residuals, n=300, seed=0) -> pd.DataFrame:
    """Data whose sample covariance is exactly the one-factor covariance λλ' + diag(θ)."""
    covariance = np.outer(loadings, loadings) + np.diag(residuals)
    z = np.random.default_rng(seed).normal(size=(n, len(loadings)))
    z -= z.mean(axis=0)
    z = z @ np.linalg.inv(np.linalg.cholesky(np.cov(z, rowvar=False))).T
    return pd.DataFrame(z @ np.linalg.cholesky(covariance).T, columns=[f"x{i}" for i in range(len(loadings))])


def test_omega_total_recovers_the_population_value_of_a_one_factor_model():
    loadings, residuals = np.array([0.9, 0.7, 0.6, 0.4]), np.array([0.3, 0.5, 0.7, 0.8])
    expected = loadings.sum() ** 2 / (loadings.sum() ** 2 + residuals.sum())
    assert dg.omega_total(one_factor_data(loadings, residuals)) == pytest.approx(expected, abs=1e-3)


def test_omega_equals_alpha_for_tau_equivalent_items():
    data = one_factor_data(np.full(5, 0.7), np.array([0.3, 0.4, 0.5, 0.6, 0.7]))
    assert dg.omega_total(data) == pytest.approx(cronbach(data.to_numpy()), abs=1e-3)


def test_omega_needs_three_items():
    with pytest.raises(ValueError, match="three"):
        dg.omega_total(one_factor_data(np.array([0.8, 0.7, 0.6]), np.full(3, 0.5)).iloc[:, :2])


def test_item_analysis_corrected_item_total_and_alpha_if_deleted(survey):
    table = dg.item_analysis(survey, "operational_efficiency").set_index("item")
    items = survey[ins.construct("operational_efficiency").item_columns].copy()
    items["oe_3"] = 6 - items["oe_3"]
    values = items.to_numpy()
    assert table.index.tolist() == ["oe_1", "oe_2", "oe_3", "oe_4"]
    assert table["reverse_worded"].tolist() == [False, False, True, False]
    for j, item in enumerate(items.columns):
        rest = np.delete(values, j, axis=1)
        r = np.corrcoef(values[:, j], rest.sum(axis=1))[0, 1]
        assert table.loc[item, "corrected_item_total_r"] == pytest.approx(r)
        assert table.loc[item, "alpha_if_deleted"] == pytest.approx(cronbach(rest))
        assert table.loc[item, "mean"] == pytest.approx(values[:, j].mean())
    assert len(dg.item_analysis(survey)) == len(ins.item_columns())


# --- Correlations ------------------------------------------------------------------------------


def test_correlation_table_r_p_and_fisher_interval(scores):
    table = dg.correlation_table(scores)
    assert len(table) == 15
    row = table[(table.variable_1 == "international_trade") & (table.variable_2 == "market_reach")]
    row = row.iloc[0]
    x, y = scores["international_trade"].to_numpy(), scores["market_reach"].to_numpy()
    n = len(x)
    r = np.corrcoef(x, y)[0, 1]
    t = r * math.sqrt((n - 2) / (1 - r**2))
    half = stats.norm.ppf(0.975) / math.sqrt(n - 3)
    assert row["pair"] == "IT – MR"
    assert row["r"] == pytest.approx(r)
    assert row["p"] == pytest.approx(2 * stats.t.sf(abs(t), n - 2))
    assert row["ci_lower"] == pytest.approx(math.tanh(math.atanh(r) - half))
    assert row["ci_upper"] == pytest.approx(math.tanh(math.atanh(r) + half))


def test_correlation_matrix_is_symmetric_with_numpy_values(scores):
    r, p = dg.correlation_matrix(scores)
    assert r.to_numpy() == pytest.approx(np.corrcoef(scores.to_numpy(), rowvar=False))
    assert list(r.index) == list(r.columns) == list(scores.columns)
    assert np.isnan(np.diag(p.to_numpy())).all()
    off = ~np.eye(len(r), dtype=bool)
    assert p.to_numpy()[off] == pytest.approx(p.to_numpy().T[off])
    assert ((p.to_numpy()[off] >= 0) & (p.to_numpy()[off] <= 1)).all()


@pytest.mark.parametrize("direct", [0.0, 0.5])
def test_networking_outcome_correlations_equal_the_fitted_models_implied_covariance(direct):
    """implied r = the paper's model's implied covariance over the observed SDs, also when the data
    have a direct networking -> outcome effect that the model leaves out (then r exceeds it)."""
    survey = make_survey(n=300, seed=5)
    scores = score_constructs(survey)
    scores["market_reach"] = scores["market_reach"] + direct * scores["partnership_collaboration"]
    table = dg.networking_outcome_correlations(dg.correlation_table(scores)).set_index("outcome")
    fit = paper_model.fit(scores)
    names = list(fit.spec.names.observed)
    implied, sample = fit.implied_cov, fit.sample_cov
    for outcome in paper_model.OUTCOMES:
        i, j = names.index("partnership_collaboration"), names.index(outcome)
        expected = implied[i, j] / np.sqrt(sample[i, i] * sample[j, j])
        assert table.loc[outcome, "implied"] == pytest.approx(expected, abs=1e-9)
        assert table.loc[outcome, "r"] == pytest.approx(
            scores.corr().loc["partnership_collaboration", outcome]
        )
    if direct:
        assert table.loc["market_reach", "excess"] == table["excess"].max() > 0.1
