"""Missing answers: blanks made at random (MAR), listwise deletion beside full-information ML, and
a simulation of what each does to the path coefficients.

    incomplete = answers_missing_at_random(scores, share=0.2, depends_on="market_reach",
                                           columns=["international_trade", "global_logistics"])
    listwise_and_fiml(paper_model.model_syntax(), incomplete)      # estimates side by side
    missing_answers_simulation(replications=200)                    # bias of each, by simulation

*Missing at random* (MAR; Rubin, 1976) means the chance that an answer is blank may depend on
other answers the firm gave, but not on the blank answer itself once those are known. Listwise
deletion is then biased whenever the blanks depend on something the model's equation does not
condition on (e.g. blanks in a mediator that depend on an outcome); full-information ML (FIML,
``fit_sem(..., missing="ml")``) uses every answer a firm gave and is consistent under MAR
(Enders & Bandalos, 2001).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd

from helpers import paper_model, settings
from helpers.sem import ConvergenceError, DataError, NotIdentifiedError, fit_sem
from helpers.sem.fiml_fit import fit_fiml
from helpers.survey import load_survey, score_constructs

REFERENCES = (
    "Rubin, D. B. (1976). Inference and missing data. Biometrika, 63(3), 581–592.",
    "Enders, C. K., & Bandalos, D. L. (2001). The relative performance of full information maximum "
    "likelihood estimation for missing data in structural equation models. Structural Equation "
    "Modeling, 8(3), 430–457.",
    "Arbuckle, J. L. (1996). Full information estimation in the presence of incomplete data. In "
    "G. A. Marcoulides & R. E. Schumacker (Eds.), Advanced structural equation modeling (pp. 243–277). "
    "Erlbaum.",
)


MECHANISMS = ("gradual", "lower half")


def blank_chance(rank: np.ndarray, share: float, mechanism: str) -> np.ndarray:
    """Each case's chance of a blank in each blanked column, from its rank on the always-answered
    variable (1 = highest of n): ``"gradual"`` 2 · share · rank / (n + 1), ``"lower half"``
    2 · share below the median and 0 above it (``answers_missing_at_random``'s rule, in one place)."""
    rank = np.asarray(rank, dtype=float)
    if mechanism == "gradual":
        return 2 * share * rank / (len(rank) + 1)
    return np.where(rank > len(rank) / 2, 2 * share, 0.0)


def answers_missing_at_random(
    data: pd.DataFrame,
    share: float = 0.2,
    *,
    depends_on: str,
    columns: Sequence[str] | None = None,
    mechanism: str = "gradual",
    seed: int = settings.SEED,
) -> pd.DataFrame:
    """A copy of ``data`` with answers in ``columns`` (default: every other column) blanked at
    random, more often for cases low on ``depends_on``, which is never blanked (so the blanks are
    missing at random, not completely at random). ``mechanism``: ``"gradual"`` gives a case a
    chance 2 · share · r / (n + 1) of a blank in each column, r its rank from the highest value of
    ``depends_on`` (1) to the lowest (n); ``"lower half"`` gives the cases below the median a
    chance 2 · share and the others none. Either way the expected share of blanks is ``share``.
    ``data`` itself is not changed."""
    if depends_on not in data.columns:
        raise KeyError(
            f"depends_on = {depends_on!r} is not a column; the columns are {', '.join(data.columns)}"
        )
    if not 0 < share < 0.5:
        raise ValueError(f"share = {share!r}: expected a share of blanks above 0 and below 0.5")
    columns = [c for c in data.columns if c != depends_on] if columns is None else list(columns)
    unknown = [c for c in columns if c not in data.columns]
    if unknown or depends_on in columns:
        raise ValueError(
            f"columns must be other columns of the data than depends_on ({depends_on}); "
            f"not columns: {', '.join(unknown) or 'none'}"
        )
    if mechanism not in MECHANISMS:
        raise ValueError(f"mechanism = {mechanism!r}: expected one of {', '.join(map(repr, MECHANISMS))}")
    chance = blank_chance(data[depends_on].rank(method="first", ascending=False).to_numpy(), share, mechanism)
    rng = np.random.default_rng(seed)
    blank = rng.random((len(data), len(columns))) < chance[:, None]
    incomplete = data.copy()
    for k, column in enumerate(columns):
        incomplete[column] = incomplete[column].astype(float).mask(blank[:, k])
    incomplete.attrs = dict(data.attrs)
    return incomplete


def listwise_and_fiml(syntax: str, data: pd.DataFrame, complete: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every free parameter estimated after listwise deletion and by FIML, side by side (with
    their SEs), and from ``complete`` data when given. ``attrs["firms"]`` says how many cases
    each used. When listwise deletion leaves too few firms to fit the model, its columns are NaN
    and ``attrs["not_fitted"]`` says why (FIML, which keeps every firm, may still fit)."""
    fits, not_fitted = {}, {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # the counts are reported in attrs instead
        try:
            fits["listwise"] = fit_sem(syntax, data, missing="listwise")
        except (DataError, NotIdentifiedError, ConvergenceError) as error:
            not_fitted["listwise"] = str(error)
        fits["FIML"] = fit_sem(syntax, data, missing="ml")
        if complete is not None:
            fits["complete data"] = fit_sem(syntax, complete)
    tables = {}
    for name, fit in fits.items():
        table = fit.parameter_estimates()
        table = table[(table["se"] > 0) & (table["op"] != "~1")]
        tables[name] = table.set_index(["lhs", "op", "rhs"])[["est", "se"]]
    if not_fitted:
        tables = {"listwise": tables["FIML"] * np.nan, **tables}
    side_by_side = pd.concat(tables, axis=1)
    firms = {name: fit.n for name, fit in fits.items()}
    if not_fitted:
        firms = {"listwise": int(data[fits["FIML"].observed].notna().all(axis=1).sum()), **firms}
    side_by_side.attrs["firms"] = firms
    side_by_side.attrs["not_fitted"] = not_fitted
    return side_by_side


def missing_answers_simulation(
    replications: int = 100,
    share: float = 0.3,
    n_firms: int = 190,
    *,
    blank: Sequence[str] = ("international_trade", "global_logistics"),
    depends_on: str = "market_reach",
    mechanism: str = "lower half",
    seed: int = settings.SEED,
) -> pd.DataFrame:
    """What listwise deletion and FIML do to the paper's eight paths when answers are missing at
    random: ``replications`` surveys of ``n_firms`` firms drawn from a normal population whose
    covariances and means are the paper's model fitted to the kit's shipped scores (so the true
    paths are known), the ``blank`` scores blanked with chance ``share`` on average, more often
    for firms low on ``depends_on`` (``answers_missing_at_random`` with ``mechanism``: by default
    only firms in the lower half of market reach leave trade and logistics answers blank). Each
    survey is fitted three ways: before blanking (complete data), after listwise deletion, and by
    FIML (estimates only: no standard errors are needed here, which saves most of the time).

    Returns one row per path and method: the population value, the mean estimate, bias, relative
    bias, the SD of the estimates (their spread from survey to survey) and the mean number of
    firms used."""
    if int(replications) != replications or replications < 2:
        raise ValueError(f"replications = {replications!r}: expected a whole number of at least 2")
    if int(n_firms) != n_firms or n_firms < 30:
        raise ValueError(f"n_firms = {n_firms!r}: expected a whole number of at least 30 firms")
    syntax = paper_model.model_syntax(correlated_outcomes=True)
    scores = score_constructs(load_survey())
    population = fit_sem(syntax, scores)
    truth = _paths(population)
    columns = list(population.observed)
    rng = np.random.default_rng(seed)
    rows = []
    for replication in range(int(replications)):
        values = rng.multivariate_normal(scores[columns].mean().to_numpy(), population.implied_cov, n_firms)
        complete = pd.DataFrame(values, columns=columns)
        incomplete = answers_missing_at_random(
            complete,
            share,
            depends_on=depends_on,
            columns=list(blank),
            mechanism=mechanism,
            seed=int(rng.integers(2**32)),
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            fits = {
                "complete data": fit_sem(syntax, complete),
                "listwise deletion": fit_sem(syntax, incomplete, missing="listwise"),
                "FIML": fit_fiml(syntax, incomplete, standard_errors=False),
            }
        for method, fit in fits.items():
            for path, estimate in _paths(fit).items():
                rows.append((replication, method, path, estimate, fit.n))
    draws = pd.DataFrame(rows, columns=["replication", "method", "path", "estimate", "firms"])
    summary = draws.groupby(["path", "method"], sort=False).agg(
        mean_estimate=("estimate", "mean"), sd=("estimate", "std"), firms_used=("firms", "mean")
    )
    summary = summary.reset_index()
    summary.insert(2, "population_value", summary["path"].map(truth))
    summary["bias"] = summary["mean_estimate"] - summary["population_value"]
    summary["relative_bias"] = summary["bias"] / summary["population_value"]
    summary.attrs.update(
        replications=int(replications),
        share=share,
        n_firms=n_firms,
        depends_on=depends_on,
        mechanism=mechanism,
    )
    summary.attrs["blank"] = list(blank)
    return summary


def _paths(fit) -> dict[str, float]:
    """The paper's eight paths ("PCDP → IT", ...) as unstandardized estimates, read from the
    estimates themselves (the full table would compute every standard error)."""
    free = {(p.lhs, p.rhs): p.free for p in fit.spec.parameters if p.op == "~" and p.free}
    return {
        hypothesis.short_path: float(fit.theta[free[(hypothesis.outcome, hypothesis.predictor)] - 1])
        for hypothesis in paper_model.HYPOTHESES
    }


def missing_answers_summary(table: pd.DataFrame) -> str:
    """Sentences computed from ``missing_answers_simulation``'s table: how many firms each method
    used; by how much each method's paths missed the true ones, summed over the eight paths
    (Σ bias / Σ |true value|: small, noisy paths cannot dominate it); and the range of the
    per-path relative biases, set beside the complete data's, which is the simulation's own noise."""
    required = {"path", "method", "population_value", "bias", "relative_bias", "firms_used"}
    if not required <= set(table.columns):
        raise ValueError(
            f"expected missing_answers_simulation's table with columns {', '.join(sorted(required))}"
        )
    methods = ("complete data", "listwise deletion", "FIML")
    missing = [m for m in methods if m not in set(table["method"])]
    if missing:
        raise ValueError(f"the table has no rows for {', '.join(missing)}")
    rows = {m: table[table["method"] == m] for m in methods}
    firms = {m: rows[m]["firms_used"].mean() for m in methods}
    off = {m: rows[m]["bias"].sum() / rows[m]["population_value"].abs().sum() for m in methods}
    spread = {m: (rows[m]["relative_bias"].min(), rows[m]["relative_bias"].max()) for m in methods}

    def percent(share: float) -> str:
        return f"{share:.1%}".replace("%", " %").replace("-", "−")

    def described(share: float) -> str:
        if round(abs(share) * 1000) == 0:
            return "within 0.05 % of the true values"
        return f"{percent(abs(share))} {'smaller' if share < 0 else 'larger'} than the true values"

    def span(method: str) -> str:
        low, high = spread[method]
        return f"from {percent(low)} to {percent(high)}"

    noise = max(abs(v) for v in spread["complete data"])
    fiml_widest = max(abs(v) for v in spread["FIML"])
    fiml_verdict = (
        "about as wide as that noise"
        if fiml_widest <= 1.5 * noise
        else "wider than that noise: FIML's own error shows at these settings"
    )
    return (
        f"Over {table.attrs.get('replications', 'the')} simulated surveys of {firms['complete data']:.0f} "
        f"firms, listwise deletion analysed {firms['listwise deletion']:.0f} firms on average and FIML "
        f"{firms['FIML']:.0f}. Summed over the eight paths, listwise estimates were on average "
        f"{described(off['listwise deletion'])}, FIML's {described(off['FIML'])} and the complete data's "
        f"{described(off['complete data'])}. Path by path, the complete data's average error ran "
        f"{span('complete data')}: that is the simulation's own noise at this number of surveys, a larger "
        f"share of a smaller path. FIML's ran {span('FIML')}, "
        f"{fiml_verdict}; listwise deletion's ran {span('listwise deletion')}."
    )
