"""The paper's path model (Figure 2, Table 5), written once, and its fit with the kit's SEM engine.

Partnership & collaborations through digital platforms (PCDP) drives international trade (IT)
and global logistics (GL), which drive the three firm outcomes. ``model_syntax()`` writes the
model in lavaan syntax; ``fit(scores)`` fits it with ``helpers.sem.fit_sem`` under lavaan's
``sem()`` defaults, as jamovi did for the paper. The variants of the robustness lesson
(``VARIANTS``) free or fix the outcomes' residual covariances and add direct paths.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from helpers import instrument as ins
from helpers.sem import closed_form, fit_measures, likelihood
from helpers.sem.standardize import standardized_paths


@dataclass(frozen=True)
class Hypothesis:
    code: str
    predictor: str
    outcome: str

    @property
    def path_label(self) -> str:
        labels = ins.construct_labels()
        return f"{labels[self.predictor]} → {labels[self.outcome]}"

    @property
    def short_path(self) -> str:
        """'PCDP → IT': the path in the constructs' abbreviations."""
        return f"{abbreviation(self.predictor)} → {abbreviation(self.outcome)}"


HYPOTHESES: tuple[Hypothesis, ...] = (
    Hypothesis("H1a", "partnership_collaboration", "international_trade"),
    Hypothesis("H1b", "partnership_collaboration", "global_logistics"),
    Hypothesis("H2a", "international_trade", "market_reach"),
    Hypothesis("H2b", "international_trade", "innovation_agility"),
    Hypothesis("H2c", "international_trade", "operational_efficiency"),
    Hypothesis("H3a", "global_logistics", "market_reach"),
    Hypothesis("H3b", "global_logistics", "innovation_agility"),
    Hypothesis("H3c", "global_logistics", "operational_efficiency"),
)

# Variables in the causal order of Figure 2 (the order of the kit's tables and simulations).
VARIABLES: tuple[str, ...] = tuple(ins.construct_keys())
EXOGENOUS = tuple(c.key for c in ins.CONSTRUCTS if c.role == "exogenous")
MEDIATORS = tuple(c.key for c in ins.CONSTRUCTS if c.role == "mediator")
OUTCOMES = tuple(c.key for c in ins.CONSTRUCTS if c.role == "outcome")


@dataclass(frozen=True)
class Variant:
    """A version of the model: outcomes' residuals correlated or not, direct paths or not."""

    name: str
    correlated_outcomes: bool
    direct_paths: bool
    description: str


VARIANTS: dict[str, Variant] = {
    v.name: v
    for v in (
        Variant("paper", True, False, "the paper's model (outcome residuals correlated)"),
        Variant("orthogonal", False, False, "outcome residuals uncorrelated"),
        Variant("direct", True, True, "direct paths PCDP → outcomes added"),
        Variant("direct_orthogonal", False, True, "direct paths added, outcome residuals uncorrelated"),
    )
}


def abbreviation(key: str) -> str:
    """The construct's short name in the kit's tables (PCDP, IT, GL, MR, IA, OE)."""
    return ins.construct(key).abbreviation


def hypotheses_table() -> pd.DataFrame:
    """The eight hypotheses: code, predictor, outcome, in the paper's words."""
    labels = ins.construct_labels()
    rows = [
        {"hypothesis": h.code, "predictor": labels[h.predictor], "outcome": labels[h.outcome]}
        for h in HYPOTHESES
    ]
    return pd.DataFrame(rows).set_index("hypothesis")


def equations(direct_paths: bool = False) -> dict[str, list[str]]:
    """Each endogenous variable and its predictors, in ``VARIABLES`` order.

    ``direct_paths=True`` adds PCDP -> each outcome (an alternative model, not the paper's).
    """
    result: dict[str, list[str]] = {}
    for hypothesis in HYPOTHESES:
        result.setdefault(hypothesis.outcome, []).append(hypothesis.predictor)
    if direct_paths:
        for outcome in OUTCOMES:
            result[outcome] = [*EXOGENOUS, *result[outcome]]
    return {v: result[v] for v in VARIABLES if v in result}


def model_syntax(correlated_outcomes: bool = True, direct_paths: bool = False) -> str:
    """The model in lavaan syntax (semopy reads the same syntax).

    With ``correlated_outcomes=True`` the residual covariances among the three outcomes are
    written out; lavaan's ``sem()`` and jamovi free them by default anyway. With ``False``
    they are fixed to zero, as in a model of three unrelated regressions.
    """
    lines = [f"{y} ~ {' + '.join(xs)}" for y, xs in equations(direct_paths).items()]
    for i, a in enumerate(OUTCOMES):
        for b in OUTCOMES[i + 1 :]:
            lines.append(f"{a} ~~ {b}" if correlated_outcomes else f"{a} ~~ 0*{b}")
    return "\n".join(lines)


def fit(scores: pd.DataFrame, correlated_outcomes: bool = True, direct_paths: bool = False, **options):
    """Fit the paper's model to construct scores (``helpers.survey.score_constructs``) as lavaan's
    ``sem()`` and jamovi do; ``options`` go to ``helpers.sem.fit_sem`` (e.g. ``estimator``)."""
    from helpers.sem import fit_sem

    return fit_sem(model_syntax(correlated_outcomes, direct_paths), scores, **options)


def fit_variants(scores: pd.DataFrame) -> dict:
    """The four ``VARIANTS`` fitted to the same scores."""
    return {name: fit(scores, v.correlated_outcomes, v.direct_paths) for name, v in VARIANTS.items()}


def free_parameters(correlated_outcomes: bool = True, direct_paths: bool = False) -> dict[str, int]:
    """Free parameters as lavaan's ``sem()`` counts them, by kind: one per path, one residual
    variance per endogenous variable and (by default) the outcomes' residual covariances."""
    n_outcomes = len(OUTCOMES)
    counts = {
        "regressions": sum(len(xs) for xs in equations(direct_paths).values()),
        "residual variances": len(equations(direct_paths)),
        "residual covariances": n_outcomes * (n_outcomes - 1) // 2 if correlated_outcomes else 0,
    }
    counts["total"] = sum(counts.values())
    return counts


def degrees_of_freedom(correlated_outcomes: bool = True, direct_paths: bool = False) -> int:
    """The model's df as lavaan counts it: moments (fixed.x) minus free parameters."""
    total = free_parameters(correlated_outcomes, direct_paths)["total"]
    return fit_measures.degrees_of_freedom(len(VARIABLES), total, len(EXOGENOUS))


def degrees_of_freedom_table() -> pd.DataFrame:
    """The Figure 2 model counted by hand: moments, free parameters, df and baseline df, with the
    outcomes' residuals correlated (lavaan's and jamovi's default) and orthogonal."""
    p, p_x = len(VARIABLES), len(EXOGENOUS)
    moments = fit_measures.sample_moments(p, p_x)
    rows = []
    for label, correlated in (("correlated outcomes", True), ("orthogonal outcomes", False)):
        counts = free_parameters(correlated)
        total = counts.pop("total")
        rows.append(
            {
                "model": label,
                "observed": p,
                "exogenous (fixed.x)": p_x,
                "moments": moments,
                **counts,
                "free parameters": total,
                "df": fit_measures.degrees_of_freedom(p, total, p_x),
                "baseline df": fit_measures.baseline_degrees_of_freedom(p, p_x),
            }
        )
    return pd.DataFrame(rows).set_index("model")


def scores_matrix(scores: pd.DataFrame) -> pd.DataFrame:
    """The construct scores in ``VARIABLES`` order, checked for the columns the model needs."""
    missing = [v for v in VARIABLES if v not in scores.columns]
    if missing:
        raise KeyError(f"the scores have no column(s) {', '.join(missing)} (use survey.score_constructs)")
    return scores[list(VARIABLES)]


@dataclass(frozen=True)
class StackedFits:
    """The model fitted to a stack of covariance matrices, every array in ``VARIABLES`` order:
    ``coefficients[..., i, j]`` is the path j -> i (B), ``psi`` the exogenous and residual
    (co)variances, ``implied`` the model-implied covariance, ``chi_square`` lavaan's χ²."""

    coefficients: np.ndarray
    psi: np.ndarray
    implied: np.ndarray
    chi_square: np.ndarray
    n: int
    engine: closed_form.StackFit | None = field(default=None, repr=False)

    def standardized(self) -> np.ndarray:
        """std.all coefficients: B[i, j] · sd(j) / sd(i), SDs from the implied covariance."""
        return standardized_paths(self.coefficients, self.implied)

    def r_squared(self) -> np.ndarray:
        """R² per variable (lavaan's): 1 - residual variance / implied variance."""
        residual = np.diagonal(self.psi, axis1=-2, axis2=-1)
        return 1.0 - residual / np.diagonal(self.implied, axis1=-2, axis2=-1)

    def path_standard_errors(self) -> np.ndarray:
        """lavaan's ML standard error of every path, laid out like ``coefficients``."""
        return _causal_order(self.engine, self.engine.path_standard_errors())

    def path(self, predictor: str, outcome: str, standardized: bool = True) -> np.ndarray:
        matrix = self.standardized() if standardized else self.coefficients
        return matrix[..., VARIABLES.index(outcome), VARIABLES.index(predictor)]


def fit_covariances(
    covariances: np.ndarray, n: int, correlated_outcomes: bool = True, direct_paths: bool = False
) -> StackedFits:
    """Fit the model by ML to a covariance matrix, or a stack ``(..., 6, 6)``, of the construct
    scores in ``VARIABLES`` order (divided by N), in one vectorized closed-form call
    (``helpers.sem.closed_form``): what the bootstrap, the simulations and the data generator use."""
    syntax = model_syntax(correlated_outcomes, direct_paths)
    observed = closed_form.compiled(syntax)[0].names.observed
    order = [VARIABLES.index(v) for v in observed]  # the engine's order: lavaan's
    covariances = np.asarray(covariances, dtype=float)
    return in_causal_order(closed_form.fit_covariances(syntax, covariances[..., order, :][..., :, order], n))


def in_causal_order(stack: closed_form.StackFit) -> StackedFits:
    """An engine stack fit of the paper's model with its matrices in ``VARIABLES`` order."""
    a, s, implied = (_causal_order(stack, m) for m in (stack.a, stack.s, stack.implied.all_cov))
    return StackedFits(a, s, implied, stack.chisq, stack.n, stack)


def _causal_order(stack: closed_form.StackFit, matrix: np.ndarray) -> np.ndarray:
    back = [stack.variables.index(v) for v in VARIABLES]
    return matrix[..., back, :][..., :, back]


def score_covariance(scores: pd.DataFrame) -> np.ndarray:
    """ML covariance (divided by N) of the construct scores, in ``VARIABLES`` order."""
    return likelihood.ml_covariance(scores_matrix(scores).to_numpy(dtype=float))
