"""Lesson 06: the field's tools give the audit's numbers, and the self-checks accept the right answers.

The standard steps are scipy's χ² survival function for a model test's p and the fit-index
formulas written out by hand. They are checked on Table 2's printed numbers (as the lesson does)
and on real fits: the shipped survey and class surveys of the battery. The self-check 06.c is
answered from a χ² computed here from scratch (closed-form ML for this recursive model), not
with the registry's function.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from scipy import stats

from helpers import audit, exercises, paper_model, settings

SURVEYS = ["shipped", "model_rejected", "class_40_two_medium"]
LAVAAN = json.loads(
    (settings.REPO_ROOT / "tests/fixtures/lavaan/kit_paper_model_correlated.json").read_text()
)


def by_hand(chisq: float, df: float, n: int, base: float, base_df: float) -> dict[str, float]:
    """RMSEA (N in the denominator, as lavaan), CFI, TLI and RNI, as lesson 06 writes them."""
    return {
        "rmsea": np.sqrt(max(chisq - df, 0) / (df * n)),
        "cfi": 1 - max(chisq - df, 0) / max(chisq - df, base - base_df, 0),
        "tli": (base / base_df - chisq / df) / (base / base_df - 1),
        "rni": 1 - (chisq - df) / (base - base_df),
    }


def chi_square_from_scratch(scores) -> tuple[float, int]:
    """χ² and df of Figure 2's model, without the kit's engine.

    The model is recursive, the mediators' residuals are uncorrelated and the three outcomes
    share their predictors with free residual covariances, so the ML estimates are the
    equation-by-equation least-squares ones on the biased covariance S; then χ² = N·F_ML with
    F = ln|Σ| - ln|S| + tr(SΣ⁻¹) - p (the exogenous variance fixed at its sample value).
    """
    variables = list(paper_model.VARIABLES)
    data = scores[variables].to_numpy()
    n, p = data.shape
    s = np.cov(data, rowvar=False, bias=True)
    b = np.zeros((p, p))
    for outcome, predictors in paper_model.equations().items():
        y, x = variables.index(outcome), [variables.index(v) for v in predictors]
        b[y, x] = np.linalg.solve(s[np.ix_(x, x)], s[x, y])
    residual = (np.eye(p) - b) @ s @ (np.eye(p) - b).T
    outcomes = [variables.index(v) for v in paper_model.OUTCOMES]
    psi = np.diag(np.diag(residual))
    psi[np.ix_(outcomes, outcomes)] = residual[np.ix_(outcomes, outcomes)]
    inverse = np.linalg.inv(np.eye(p) - b)
    sigma = inverse @ psi @ inverse.T
    f_ml = np.linalg.slogdet(sigma)[1] - np.linalg.slogdet(s)[1] + np.trace(s @ np.linalg.inv(sigma)) - p
    moments = p * (p + 1) // 2 - 1  # the exogenous PCDP's variance is fixed (fixed.x)
    free = (
        sum(len(v) for v in paper_model.equations().values()) + (p - 1) + 3
    )  # paths, variances, covariances
    return n * f_ml, moments - free


# --- the standard steps -------------------------------------------------------------------------


def test_scipy_gives_the_p_values_of_table_2_as_the_audit_recomputes_them():
    values = audit.published_values()
    for prefix in ("", "baseline_"):
        chisq, df = values[f"{prefix}chisq"].value, values[f"{prefix}df"].value
        assert audit.chisq_pvalue(chisq, df) == pytest.approx(stats.chi2.sf(chisq, df), abs=1e-12)


def test_the_hand_formulas_give_the_audits_indices_on_table_2():
    v = audit.published_values()
    chisq, df, n = v["chisq"].value, v["df"].value, v["n"]
    base, base_df = v["baseline_chisq"].value, v["baseline_df"].value
    kit = {"rmsea": audit.rmsea(chisq, df, n), **audit.incremental_fit(chisq, df, base, base_df)}
    for name, value in by_hand(chisq, df, n, base, base_df).items():
        assert kit[name] == pytest.approx(value, abs=1e-12), name


@pytest.mark.parametrize("name", SURVEYS)
def test_scipy_and_the_hand_formulas_give_a_real_fits_measures(battery, name):
    measures = battery[name].fit.fit_measures()
    chisq, df, n = measures["chisq"], measures["df"], int(measures["ntotal"])
    assert measures["pvalue"] == pytest.approx(stats.chi2.sf(chisq, df), abs=1e-12)
    assert audit.chisq_pvalue(chisq, df) == pytest.approx(stats.chi2.sf(chisq, df), abs=1e-12)
    hand = by_hand(chisq, df, n, measures["baseline_chisq"], measures["baseline_df"])
    for index, value in hand.items():
        assert measures[index] == pytest.approx(value, abs=1e-9), (name, index)


def test_the_hand_formulas_give_lavaans_indices():
    m = LAVAAN["fit_measures"]
    hand = by_hand(m["chisq"], m["df"], int(m["ntotal"]), m["baseline.chisq"], m["baseline.df"])
    for index, value in hand.items():
        assert m[index] == pytest.approx(value, abs=1e-6), index


def test_the_chi_square_from_scratch_is_lavaans(battery):
    chisq, df = chi_square_from_scratch(battery["shipped"].scores)
    assert df == LAVAAN["fit_measures"]["df"]
    assert chisq == pytest.approx(LAVAAN["fit_measures"]["chisq"], abs=1e-6)


# --- the verdicts the lesson teaches ----------------------------------------------------------------


def test_the_papers_audit_separates_misprints_unsettled_inconsistencies_and_decision_errors():
    report = audit.audit_published_values()
    verdicts = report["verdict"]
    assert verdicts["T2-p-baseline"] == audit.INCONSISTENT  # opposite sides of .05, decides nothing
    marks = [f"T5-mark-{h}" for h in ("H2a", "H2c", "H3a", "H3c")]
    assert (verdicts[marks] == audit.MISPRINT).all()  # the note's .1 where the text has .01
    assert list(verdicts.index[verdicts == audit.DECISION_ERROR]) == ["TXT-chisq-significant"]
    assert verdicts["T5-p-H2b"] == audit.INCONSISTENT  # p = .016 printed, β allows .027 to .052
    counts = audit.verdict_counts(report)
    assert counts.sum() == len(report) and (counts > 0).all()


def test_no_path_p_whose_recomputed_range_straddles_alpha_is_a_likely_misprint():
    values = audit.published_values()
    report = audit.audit_published_values()
    paths = audit.path_pvalue_table(values["paths"], values["n"], values["chisq"].value)
    for h, row in paths.iterrows():
        verdict = report.loc[f"T5-p-{h}", "verdict"]
        allowed = (row["p low"], row["p high"])
        printed = (row["printed p"] - 0.0005, row["printed p"] + 0.0005)
        if printed[1] < allowed[0] or printed[0] > allowed[1]:  # outside: a flag
            if allowed[0] < 0.05 <= allowed[1]:
                assert verdict == audit.INCONSISTENT, h
            elif (allowed[1] < 0.05) == (row["printed p"] < 0.05):
                assert verdict == audit.MISPRINT, h
            else:
                assert verdict == audit.DECISION_ERROR, h
        else:
            assert verdict == audit.CONSISTENT, h


def test_the_only_decision_error_is_a_stated_verdict_that_the_table_reverses():
    report = audit.audit_published_values()
    row = report.loc["TXT-chisq-significant"]
    values = audit.published_values()
    assert row["published"] == "text: significant" and values["pvalue"].value >= 0.05
    assert row["verdict"] == audit.DECISION_ERROR


def test_exercise_06_2_still_counts_every_verdict_but_consistent():
    import dataclasses

    values = audit.published_values()
    values["df"] = dataclasses.replace(values["df"], value=4)
    flagged = int((audit.audit(values)["verdict"] != audit.CONSISTENT).sum())
    counts = audit.verdict_counts(audit.audit(values))
    assert flagged == counts.drop(audit.CONSISTENT).sum()
    from test_assignments import TESTS, passes  # the exercise's hidden test in its master notebook

    assert passes(TESTS["06.2"]["hidden"], flagged, "06.2")


# --- the self-checks ------------------------------------------------------------------------------


@pytest.mark.parametrize(("check", "right", "wrong"), [("06.a", "b", "a"), ("06.b", "b", "c")])
def test_the_choice_self_checks(check, right, wrong, battery, capsys):
    survey = battery["shipped"].survey
    assert exercises.check(check, right, survey) is True
    assert exercises.check(check, wrong, survey) is False
    assert "Hint:" in capsys.readouterr().out


@pytest.mark.parametrize("name", SURVEYS)
def test_self_check_06c_is_the_model_tests_p_of_the_analysed_survey(battery, name, capsys):
    chisq, df = chi_square_from_scratch(battery[name].scores)
    right = stats.chi2.sf(chisq, df)
    survey = battery[name].survey
    assert exercises.check("06.c", round(right, 3), survey) is True
    assert exercises.check("06.c", right + 0.01, survey) is False
    if name != "shipped":  # the shipped survey's answer is wrong for a class survey
        shipped = stats.chi2.sf(*chi_square_from_scratch(battery["shipped"].scores))
        assert abs(shipped - right) > 0.001
        assert exercises.check("06.c", shipped, survey) is False
    capsys.readouterr()
