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

from helpers import settings
from helpers.sem import fit_sem

REFERENCES = (
    "Rubin, D. B. (1976). Inference and missing data. Biometrika, 63(3), 581–592.",
    "Enders, C. K., & Bandalos, D. L. (2001). The relative performance of full information maximum "
    "likelihood estimation for missing data in structural equation models. Structural Equation "
    "Modeling, 8(3), 430–457.",
    "Arbuckle, J. L. (1996). Full information estimation in the presence of incomplete data. In "
    "G. A. Marcoulides & R. E. Schumacker (Eds.), Advanced structural equation modeling (pp. 243–277). "
    "Erlbaum.",
)


def answers_missing_at_random(
    data: pd.DataFrame,
    share: float = 0.2,
    *,
    depends_on: str,
    columns: Sequence[str] | None = None,
    seed: int = settings.SEED,
) -> pd.DataFrame:
    """A copy of ``data`` with answers in ``columns`` (default: every other column) blanked at
    random, more often for cases low on ``depends_on``, which is never blanked (so the blanks are
    missing at random, not completely at random). A case's chance of a blank in each column is
    2 · share · r / (n + 1), r its rank from the highest value of ``depends_on`` (1) to the lowest
    (n), so the expected share of blanks is ``share``. ``data`` itself is not changed."""
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
    rank = data[depends_on].rank(method="first", ascending=False).to_numpy()
    chance = 2 * share * rank / (len(data) + 1)
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
    each used."""
    fits = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # the counts are reported in attrs instead
        fits["listwise"] = fit_sem(syntax, data, missing="listwise")
        fits["FIML"] = fit_sem(syntax, data, missing="ml")
        if complete is not None:
            fits["complete data"] = fit_sem(syntax, complete)
    tables = {}
    for name, fit in fits.items():
        table = fit.parameter_estimates()
        table = table[(table["se"] > 0) & (table["op"] != "~1")]
        tables[name] = table.set_index(["lhs", "op", "rhs"])[["est", "se"]]
    side_by_side = pd.concat(tables, axis=1)
    side_by_side.attrs["firms"] = {name: fit.n for name, fit in fits.items()}
    return side_by_side
