"""The paper's path model (Figure 2, Table 5), written once, and its closed-form ML solution.

The model is recursive and every variable is observed: partnership & collaborations through
digital platforms (PCDP) drives international trade (IT) and global logistics (GL), which drive
the three firm outcomes. For such a model, maximum likelihood under lavaan's defaults
(``fixed.x = TRUE``; residual covariances free among the terminal outcomes, which share the
same predictors) has a closed form: every equation's coefficients are its least-squares
regression, and the residual (co)variances are residual cross-products divided by N.
``closed_form_fit`` computes that for one covariance matrix or a whole stack of them at once,
which is what makes a fast bootstrap and the data generator's calibration possible.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from helpers import instrument as ins


@dataclass(frozen=True)
class Hypothesis:
    code: str
    predictor: str
    outcome: str

    @property
    def path_label(self) -> str:
        labels = ins.construct_labels()
        return f"{labels[self.predictor]} → {labels[self.outcome]}"


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


def hypotheses_table() -> pd.DataFrame:
    """The eight hypotheses: code, predictor, outcome, in the paper's words."""
    labels = ins.construct_labels()
    rows = [
        {"hypothesis": h.code, "predictor": labels[h.predictor], "outcome": labels[h.outcome]}
        for h in HYPOTHESES
    ]
    return pd.DataFrame(rows).set_index("hypothesis")


# Variables in the causal order of Figure 2 (the order used for every matrix in the kit).
VARIABLES: tuple[str, ...] = tuple(ins.construct_keys())
EXOGENOUS = tuple(c.key for c in ins.CONSTRUCTS if c.role == "exogenous")
MEDIATORS = tuple(c.key for c in ins.CONSTRUCTS if c.role == "mediator")
OUTCOMES = tuple(c.key for c in ins.CONSTRUCTS if c.role == "outcome")


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
    pairs = [(a, b) for i, a in enumerate(OUTCOMES) for b in OUTCOMES[i + 1 :]]
    for a, b in pairs:
        lines.append(f"{a} ~~ {b}" if correlated_outcomes else f"{a} ~~ 0*{b}")
    return "\n".join(lines)


def moments(n_observed: int, n_exogenous: int = 0) -> int:
    """Sample (co)variances the model is fitted to under lavaan's ``fixed.x = TRUE``:
    p(p+1)/2 minus the p_x(p_x+1)/2 of the exogenous block, which is fixed at its sample values
    and so is neither estimated nor tested."""
    return n_observed * (n_observed + 1) // 2 - n_exogenous * (n_exogenous + 1) // 2


def baseline_df(n_observed: int, n_exogenous: int = 0) -> int:
    """df of lavaan's baseline model (only the endogenous variances free): p(p-1)/2 - p_x(p_x-1)/2."""
    return moments(n_observed, n_exogenous) - (n_observed - n_exogenous)


def free_parameters(correlated_outcomes: bool = True, direct_paths: bool = False) -> dict[str, int]:
    """Free parameters as lavaan's ``sem()`` counts them: one per path, one residual variance per
    endogenous variable and (by default) the outcomes' residual covariances."""
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
    moments_left = moments(len(VARIABLES), len(EXOGENOUS))
    return moments_left - free_parameters(correlated_outcomes, direct_paths)["total"]


def degrees_of_freedom_table() -> pd.DataFrame:
    """The Figure 2 model counted by hand: moments, free parameters, df and baseline df, with the
    outcomes' residuals correlated (lavaan's and jamovi's default) and orthogonal."""
    p, p_x = len(VARIABLES), len(EXOGENOUS)
    rows = []
    for label, correlated in (("correlated outcomes", True), ("orthogonal outcomes", False)):
        counts = free_parameters(correlated)
        total = counts.pop("total")
        rows.append(
            {
                "model": label,
                "observed": p,
                "exogenous (fixed.x)": p_x,
                "moments": moments(p, p_x),
                **counts,
                "free parameters": total,
                "df": moments(p, p_x) - total,
                "baseline df": baseline_df(p, p_x),
            }
        )
    return pd.DataFrame(rows).set_index("model")


@dataclass
class ClosedFormFit:
    """ML estimates of a recursive path model; every array has the stack's leading shape.

    ``coefficients[..., i, j]`` is the path j -> i (B matrix); ``psi`` holds exogenous
    (co)variances and residual (co)variances; ``implied`` is the model-implied covariance.
    """

    variables: tuple[str, ...]
    coefficients: np.ndarray
    psi: np.ndarray
    implied: np.ndarray
    chi_square: np.ndarray
    n: int

    def standardized(self) -> np.ndarray:
        """std.all coefficients: B[i, j] * sd(j) / sd(i), SDs from the implied covariance."""
        sd = np.sqrt(np.diagonal(self.implied, axis1=-2, axis2=-1))
        return self.coefficients * sd[..., None, :] / sd[..., :, None]

    def r_squared(self) -> np.ndarray:
        """R² per variable as lavaan reports it: 1 - residual variance / implied variance."""
        residual = np.diagonal(self.psi, axis1=-2, axis2=-1)
        total = np.diagonal(self.implied, axis1=-2, axis2=-1)
        return 1.0 - residual / total

    def path(self, predictor: str, outcome: str, standardized: bool = True) -> np.ndarray:
        matrix = self.standardized() if standardized else self.coefficients
        return matrix[..., self.variables.index(outcome), self.variables.index(predictor)]


def closed_form_fit(
    covariance: np.ndarray,
    n: int,
    correlated_outcomes: bool = True,
    direct_paths: bool = False,
) -> ClosedFormFit:
    """Fit the paper's model by ML to a covariance matrix (or a stack ``(..., 6, 6)``).

    ``covariance`` must be the ML covariance (divided by N) of the construct scores in
    ``VARIABLES`` order. The chi-square is lavaan's: N times the ML discrepancy.
    """
    s = np.asarray(covariance, dtype=float)
    p = len(VARIABLES)
    index = {v: i for i, v in enumerate(VARIABLES)}
    stack = s.shape[:-2]
    b = np.zeros(stack + (p, p))
    psi = np.zeros(stack + (p, p))
    for x in EXOGENOUS:
        for x2 in EXOGENOUS:
            psi[..., index[x], index[x2]] = s[..., index[x], index[x2]]
    for y, xs in equations(direct_paths).items():
        iy, ix = index[y], [index[x] for x in xs]
        sxx = s[..., ix, :][..., :, ix]
        sxy = s[..., ix, iy]
        coef = np.linalg.solve(sxx, sxy[..., None])[..., 0]
        b[..., iy, ix] = coef
        psi[..., iy, iy] = s[..., iy, iy] - np.sum(coef * sxy, axis=-1)
    if correlated_outcomes:
        _outcome_residual_covariances(s, b, psi, index, direct_paths)
    inverse = np.linalg.inv(np.eye(p) - b)
    implied = inverse @ psi @ np.swapaxes(inverse, -1, -2)
    chi_square = n * _ml_discrepancy(s, implied)
    return ClosedFormFit(VARIABLES, b, psi, implied, chi_square, n)


def _outcome_residual_covariances(s, b, psi, index, direct_paths) -> None:
    eqs = equations(direct_paths)
    for k, y1 in enumerate(OUTCOMES):
        for y2 in OUTCOMES[k + 1 :]:
            if eqs[y1] != eqs[y2]:
                # The closed form is exact ML only when correlated outcomes share predictors.
                raise ValueError(f"{y1} and {y2} have different predictors; use semopy instead")
            i1, i2 = index[y1], index[y2]
            ix = [index[x] for x in eqs[y1]]
            coef1 = b[..., i1, ix]
            cov = s[..., i1, i2] - np.sum(coef1 * s[..., ix, i2], axis=-1)
            psi[..., i1, i2] = cov
            psi[..., i2, i1] = cov


def _ml_discrepancy(s: np.ndarray, implied: np.ndarray) -> np.ndarray:
    """F_ML = log|Σ| - log|S| + tr(S Σ⁻¹) - p."""
    p = s.shape[-1]
    _, logdet_implied = np.linalg.slogdet(implied)
    _, logdet_sample = np.linalg.slogdet(s)
    trace = np.trace(np.linalg.solve(implied, s), axis1=-2, axis2=-1)
    return logdet_implied - logdet_sample + trace - p


def ml_covariance(scores) -> np.ndarray:
    """Covariance of the construct scores in ``VARIABLES`` order, divided by N (ML)."""
    values = np.asarray(scores[list(VARIABLES)], dtype=float)
    centred = values - values.mean(axis=0)
    return centred.T @ centred / len(values)
