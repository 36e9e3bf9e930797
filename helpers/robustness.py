"""Beyond the paper: how sure can we be? The bootstrap of everything the paper's model implies,
robust standard errors and the Bollen-Stine test, on the engine's general tools.

``bootstrap_paths`` resamples firms (``helpers.sem.bootstrap``: every resample fitted in closed
form, all at once) and returns the draws of every path (B and standardized β), every R² and every
indirect effect; its ``summary()`` gives percentile and bias-corrected (BC) 95% intervals and the
bootstrap SE beside the estimate, with lavaan's conventions. The draws equal what refitting each
resample with semopy gives (``refit_quantities``; tests/test_robustness.py compares them), and
``resample_rows`` returns the firms of every resample, so that any other program (statsmodels,
lesson 05) can refit the same resamples.
``standard_errors`` puts the ML standard errors beside the robust (Huber-White sandwich, lavaan's
``se = "robust.huber.white"``, the MLR ones); ``bollen_stine`` bootstraps the model chi-square.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from helpers import paper_model, published, settings
from helpers.paper_model import VARIABLES, abbreviation
from helpers.sem import bollen_stine as bollen_stine_test
from helpers.sem import bootstrap, effects

LEVEL = 0.95
KIND_PATH, KIND_R2, KIND_INDIRECT = "path", "R²", "indirect"
KIND_TOTAL_INDIRECT, KIND_TOTAL = "total indirect", "total"
SCALE_B, SCALE_BETA, SCALE_R2 = "B", "β", "R²"


@dataclass(frozen=True)
class Quantity:
    """One bootstrapped quantity. ``mediator`` is set for specific indirect effects."""

    kind: str
    effect: str
    scale: str
    outcome: str
    predictor: str | None = None
    mediator: str | None = None


def quantities(direct_paths: bool = False) -> list[Quantity]:
    """What ``bootstrap_paths`` reports, in the order of its tables: paths (B and β; Table 5's
    order, then any direct paths), R² of each endogenous variable, the specific indirect effects
    PCDP → mediator → outcome, the total indirect effect of PCDP on each outcome and, with direct
    paths, the total effect."""
    listed = [(h.predictor, h.outcome) for h in paper_model.HYPOTHESES]
    direct = [
        (x, y) for y, xs in paper_model.equations(direct_paths).items() for x in xs if (x, y) not in listed
    ]
    result = [
        Quantity(KIND_PATH, f"{abbreviation(x)} → {abbreviation(y)}", scale, y, x)
        for x, y in listed + direct
        for scale in (SCALE_B, SCALE_BETA)
    ]
    result += [Quantity(KIND_R2, abbreviation(y), SCALE_R2, y) for y in paper_model.equations(direct_paths)]
    source = paper_model.EXOGENOUS[0]
    for y in paper_model.OUTCOMES:
        for m in paper_model.MEDIATORS:
            effect = f"{abbreviation(source)} → {abbreviation(m)} → {abbreviation(y)}"
            result += [
                Quantity(KIND_INDIRECT, effect, scale, y, source, m) for scale in (SCALE_B, SCALE_BETA)
            ]
    via = " + ".join(abbreviation(m) for m in paper_model.MEDIATORS)
    for y in paper_model.OUTCOMES:
        effect = f"{abbreviation(source)} → {abbreviation(y)} via {via}"
        result += [Quantity(KIND_TOTAL_INDIRECT, effect, scale, y, source) for scale in (SCALE_B, SCALE_BETA)]
    if direct_paths:
        for y in paper_model.OUTCOMES:
            effect = f"{abbreviation(source)} → {abbreviation(y)} (total)"
            result += [Quantity(KIND_TOTAL, effect, scale, y, source) for scale in (SCALE_B, SCALE_BETA)]
    return result


def quantity_index(direct_paths: bool = False) -> pd.MultiIndex:
    """(kind, effect, scale) of every quantity: the rows of ``summary()``, columns of ``draws``."""
    return pd.MultiIndex.from_tuples(
        [(q.kind, q.effect, q.scale) for q in quantities(direct_paths)], names=["kind", "effect", "scale"]
    )


def evaluate_quantities(fits: paper_model.StackedFits, direct_paths: bool = False) -> np.ndarray:
    """Every quantity for a (stack of) fit(s): array (..., number of quantities). Standardized
    indirect effects are products of standardized paths, as lavaan standardizes a*b."""
    matrices = {SCALE_B: fits.coefficients, SCALE_BETA: fits.standardized()}
    totals = {scale: effects.total_effects(b) for scale, b in matrices.items()}
    r2 = fits.r_squared()
    columns = []
    for q in quantities(direct_paths):
        y = VARIABLES.index(q.outcome)
        if q.kind == KIND_R2:
            columns.append(r2[..., y])
            continue
        x, b = VARIABLES.index(q.predictor), matrices[q.scale]
        if q.kind == KIND_PATH:
            columns.append(b[..., y, x])
        elif q.kind == KIND_INDIRECT:
            columns.append(effects.chain_effect(b, [x, VARIABLES.index(q.mediator), y]))
        elif q.kind == KIND_TOTAL_INDIRECT:
            columns.append(totals[q.scale][..., y, x] - b[..., y, x])
        else:
            columns.append(totals[q.scale][..., y, x])
    return np.stack(columns, axis=-1)


@dataclass
class BootstrapResult:
    """Point estimates and bootstrap draws of every quantity (see ``quantities``)."""

    estimates: pd.Series
    draws: pd.DataFrame
    seed: int
    chi_squares: np.ndarray = field(repr=False)

    @property
    def n_resamples(self) -> int:
        return len(self.draws)

    def summary(self, level: float = LEVEL) -> pd.DataFrame:
        """Estimate, bootstrap SE (R in the denominator, as lavaan), bias, percentile and BC
        intervals, one row per quantity; ``excludes_zero`` says whether the BC interval lies on
        one side of zero (left empty for R², which is not a test)."""
        draws, estimate = self.draws.to_numpy(), self.estimates.to_numpy()
        percentile = bootstrap.percentile_interval(draws, level)
        bc = bootstrap.bias_corrected_interval(draws, estimate, level)
        table = pd.DataFrame(
            {
                "estimate": estimate,
                "boot_se": draws.std(axis=0),
                "boot_bias": draws.mean(axis=0) - estimate,
                "pct_lower": percentile[0],
                "pct_upper": percentile[1],
                "bc_lower": bc[0],
                "bc_upper": bc[1],
            },
            index=self.estimates.index,
        )
        excludes = ((table["bc_lower"] > 0) | (table["bc_upper"] < 0)).astype(object)
        excludes[table.index.get_level_values("kind") == KIND_R2] = None
        table["excludes_zero"] = excludes
        return table


def progress_bar(label: str, progress: bool | None):
    """A tqdm bar for the engine's chunk loops. ``None``: a bar only outside notebooks (no timing
    may land in a stored output) and only for jobs of several chunks; True or False: always, never."""
    if progress is False or (progress is None and settings.inside_a_notebook()):
        return None
    from tqdm import tqdm

    def bar(chunks, total: int):
        return tqdm(chunks, desc=label, total=total, disable=progress is None and total < 2)

    return bar


def bootstrap_paths(
    scores: pd.DataFrame,
    n_resamples: int = 5000,
    seed: int = settings.SEED,
    correlated_outcomes: bool = True,
    direct_paths: bool = False,
    progress: bool | None = None,
) -> BootstrapResult:
    """Nonparametric bootstrap of the paper's model: firms resampled with replacement, every
    resample fitted by ML in closed form; draws of every path (B and β), R² and indirect effect."""
    fit = paper_model.fit(paper_model.scores_matrix(scores), correlated_outcomes, direct_paths)

    def statistic(stack):
        return evaluate_quantities(paper_model.in_causal_order(stack), direct_paths)

    covariance = paper_model.score_covariance(scores)
    point = evaluate_quantities(
        paper_model.fit_covariances(covariance, fit.n, correlated_outcomes, direct_paths), direct_paths
    )
    draws, chi = bootstrap.bootstrap(
        fit, statistic, n_resamples, seed, progress=progress_bar("bootstrap", progress)
    )
    index = quantity_index(direct_paths)
    frame = pd.DataFrame(draws, columns=index)
    frame.index.name = "resample"
    return BootstrapResult(pd.Series(point, index=index, name="estimate"), frame, seed, chi)


def resample_rows(n_firms: int, n_resamples: int, seed: int = settings.SEED) -> np.ndarray:
    """The firms in every resample that ``bootstrap_paths`` draws with this seed: an integer array
    (n_resamples, n_firms) of row positions in the scores (0 to n_firms - 1, some repeated, some
    missing). Row r is resample r, the one behind row r of ``BootstrapResult.draws``, so fitting
    any estimator to ``scores.iloc[rows[r]]`` reproduces draw r. The rows are drawn again from
    the seed, as the engine draws them (``helpers.sem.bootstrap.resample_chunks``: one
    ``numpy.random.default_rng(seed)``, resample after resample)."""
    return np.concatenate(list(bootstrap.resample_chunks(n_firms, n_resamples, seed)))


def refit_quantities(
    scores: pd.DataFrame,
    resamples: np.ndarray,
    correlated_outcomes: bool = True,
    direct_paths: bool = False,
    progress: bool | None = None,
) -> pd.DataFrame:
    """The naive bootstrap: every resample (rows of ``resamples``: firm positions) refitted with
    semopy, the quantities read from its parameter table. Slow (tens of milliseconds a resample);
    here to show what the vectorized bootstrap saves, and that it gives the same numbers."""
    bar = progress_bar("semopy refits", progress)
    rows = []
    for positions in bar(resamples, len(resamples)) if bar else resamples:
        sample = paper_model.scores_matrix(scores).iloc[positions].reset_index(drop=True)
        refit = paper_model.fit(sample, correlated_outcomes, direct_paths, estimator="semopy")
        rows.append(evaluate_quantities(_fits_from_table(refit), direct_paths))
    frame = pd.DataFrame(rows, columns=quantity_index(direct_paths))
    frame.index.name = "resample"
    return frame


def _fits_from_table(fit) -> paper_model.StackedFits:
    """A single fit's paths, residual variances and implied covariance, read from its parameter
    table and matrices (not from the closed form) in ``VARIABLES`` order."""
    estimates = fit.parameter_estimates()
    p = len(VARIABLES)
    b, psi = np.zeros((p, p)), np.zeros((p, p))
    for row in estimates.itertuples(index=False):
        i, j = VARIABLES.index(row.lhs), VARIABLES.index(row.rhs)
        if row.op == "~":
            b[i, j] = row.est
        else:
            psi[i, j] = psi[j, i] = row.est
    order = [fit.observed.index(v) for v in VARIABLES]
    implied = fit.implied_cov[np.ix_(order, order)]
    return paper_model.StackedFits(b, psi, implied, np.array(fit.chisq), fit.n)


def parameter_description(lhs: str, op: str, rhs: str) -> str:
    """'PCDP → MR', 'IT ↔ MR (residuals)' or 'MR residual variance', in the constructs' short names."""
    a, b = abbreviation(lhs), abbreviation(rhs)
    if op == "~":
        return f"{b} → {a}"
    if lhs == rhs:
        return f"{a} residual variance"
    return f"{a} ↔ {b} (residuals)"


def standard_errors(
    scores: pd.DataFrame,
    correlated_outcomes: bool = True,
    direct_paths: bool = False,
    robust_information: str = "observed",
) -> pd.DataFrame:
    """ML and robust (Huber-White sandwich) standard errors of every free parameter.

    ``se_ml``: inverse expected information / N (lavaan's default). ``se_robust``: lavaan's
    ``se = "robust.huber.white"`` (= the MLR SEs), A⁻¹ B A⁻¹ / N with A the observed information
    (``robust_information="expected"`` for the expected one) and B the mean outer product of the
    firms' scores; both with fixed.x. z and p are Wald tests. Rows: paths, residual variances,
    residual covariances.
    """
    fit = paper_model.fit(paper_model.scores_matrix(scores), correlated_outcomes, direct_paths)
    names = [fit.spec.parameters[row] for row in fit.spec.free_rows]
    table = pd.DataFrame(
        {
            "lhs": [p.lhs for p in names],
            "op": [p.op for p in names],
            "rhs": [p.rhs for p in names],
            "parameter": [parameter_description(p.lhs, p.op, p.rhs) for p in names],
            "est": fit.theta,
            "se_ml": np.sqrt(np.diag(fit.vcov)),
            "se_robust": np.sqrt(np.diag(fit.robust_vcov(robust_information))),
        }
    )
    table["se_ratio"] = table["se_robust"] / table["se_ml"]
    for kind in ("ml", "robust"):
        table[f"z_{kind}"] = table["est"] / table[f"se_{kind}"]
        table[f"p_{kind}"] = 2 * stats.norm.sf(np.abs(table[f"z_{kind}"]))
    order = np.select([table["op"] == "~", table["lhs"] == table["rhs"]], [0, 1], 2)
    columns = ["z_ml", "p_ml", "z_robust", "p_robust"]
    return table.iloc[np.argsort(order, kind="stable")].reset_index(drop=True)[
        [*table.columns.drop(columns), *columns]
    ]


def bollen_stine(
    scores: pd.DataFrame,
    n_resamples: int = 5000,
    seed: int = settings.SEED,
    correlated_outcomes: bool = True,
    direct_paths: bool = False,
    progress: bool | None = None,
) -> bollen_stine_test.BollenStineResult:
    """The Bollen-Stine bootstrap p-value of the model chi-square (``helpers.sem.bollen_stine``)."""
    fit = paper_model.fit(paper_model.scores_matrix(scores), correlated_outcomes, direct_paths)
    return bollen_stine_test.bollen_stine(fit, n_resamples, seed, progress_bar("Bollen-Stine", progress))


def bollen_stine_table(result: bollen_stine_test.BollenStineResult) -> pd.DataFrame:
    """The observed chi-square with its normal-theory and Bollen-Stine p-values."""
    return pd.DataFrame(
        {
            "chi_square": [result.chisq],
            "df": [result.df],
            "p_normal_theory": [result.p_normal],
            "p_bollen_stine": [result.p_bootstrap],
            "bootstrap_mean_chi_square": [float(np.mean(result.draws))],
            "resamples": [result.n_resamples],
        },
        index=pd.Index(["model chi-square"]),
    )


def table5_comparison(summary: pd.DataFrame, errors: pd.DataFrame) -> pd.DataFrame:
    """Table 5 (published β and p) beside the reproduced β, the ML and robust p-values and the
    bootstrap percentile and BC intervals of β: ``summary`` from ``BootstrapResult.summary()``,
    ``errors`` from ``standard_errors``."""
    paths = errors[errors["op"] == "~"].set_index(["lhs", "rhs"])
    rows = []
    for row in published.table5().itertuples():
        effect = f"{abbreviation(row.predictor)} → {abbreviation(row.outcome)}"
        beta = summary.loc[(KIND_PATH, effect, SCALE_BETA)]
        tests = paths.loc[(row.outcome, row.predictor)]
        rows.append(
            {
                "hypothesis": row.hypothesis,
                "path": effect,
                "published_beta": row.beta,
                "published_p": row.p_value,
                "beta": beta["estimate"],
                "p_ml": tests["p_ml"],
                "p_robust": tests["p_robust"],
                "pct_lower": beta["pct_lower"],
                "pct_upper": beta["pct_upper"],
                "bc_lower": beta["bc_lower"],
                "bc_upper": beta["bc_upper"],
            }
        )
    return pd.DataFrame(rows).set_index("hypothesis")
