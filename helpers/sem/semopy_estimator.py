"""The general estimator: semopy minimizes the ML fit function for any model of the table.

semopy reads lavaan-like syntax but applies defaults of its own (it frees no covariances among
latent outcomes, for one). So the kit does not hand semopy the user's syntax: it writes out the
*whole* parameter table that ``helpers.sem.specification`` built with lavaan's defaults, every
parameter explicit (free ones labelled ``kitp1``, ``kitp2``, ...; fixed ones with their values;
the covariates' block at its sample values), turns semopy's own defaults off
(``cov_diag=True``) and checks that semopy parametrized exactly that table. semopy is then only
the optimiser (its ``MLW`` objective, ``mimic_lavaan=True``: covariances divided by N); every
statistic is computed by the kit from the estimates. semopy's bounds on variances are dropped:
lavaan does not bound them either (a negative variance, a Heywood case, is reported, not hidden).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.sem.errors import ConvergenceError
from helpers.sem.specification import Specification

# semopy's default tolerance stops about 1e-4 from the optimum; this one about 1e-6 (as lavaan).
FTOL = 1e-12
LABEL_PREFIX = "kitp"


def semopy_description(spec: Specification, sample_cov: np.ndarray) -> str:
    """The parameter table as semopy syntax, every parameter written out."""
    observed = list(spec.names.observed)
    lines = []
    for p in spec.parameters:
        if p.exo:
            i, j = observed.index(p.lhs), observed.index(p.rhs)
            modifier = _number(sample_cov[i, j])
        elif p.free:
            modifier = f"{LABEL_PREFIX}{p.free}"
        else:
            modifier = _number(p.value)
        lines.append(f"{p.lhs} {p.op} {modifier}*{p.rhs}")
    return "\n".join(lines)


def estimates(
    spec: Specification, data: pd.DataFrame, sample_cov: np.ndarray, max_iterations: int, ftol: float = FTOL
) -> np.ndarray:
    """ML estimates of the free parameters (in the table's order), found by semopy (``ftol``:
    its stopping rule; a looser one when the estimates are only a start, as for FIML)."""
    import semopy  # ~1.5 s to import; only models outside the closed form need it

    model = semopy.Model(semopy_description(spec, sample_cov), mimic_lavaan=True, cov_diag=True)
    _check_parametrization(spec, model)
    for parameter in model.parameters.values():
        parameter.bound = (None, None)
    observed = list(spec.names.observed)
    covariance = pd.DataFrame(sample_cov, index=observed, columns=observed)
    result = model.fit(data[observed], cov=covariance, options={"ftol": ftol, "maxiter": max_iterations})
    if not result.success:
        raise ConvergenceError(
            f"the optimiser did not converge ({result.message}; {result.n_it} iterations). Check the "
            "model syntax, rescale variables with very different variances, or raise max_iterations."
        )
    active = [name for name, parameter in model.parameters.items() if parameter.active]
    values = dict(zip(active, model.param_vals))
    return np.array([values[f"{LABEL_PREFIX}{k}"] for k in range(1, spec.n_free + 1)])


def _check_parametrization(spec: Specification, model) -> None:
    """semopy must hold exactly the table's free parameters, each in as many cells."""
    ours = {f"{LABEL_PREFIX}{k}" for k in range(1, spec.n_free + 1)}
    theirs = {name for name, parameter in model.parameters.items() if parameter.active}
    if ours != theirs:
        extra, lacking = sorted(theirs - ours), sorted(ours - theirs)
        raise RuntimeError(f"semopy parametrized the model differently (extra: {extra}; missing: {lacking})")
    cells = {}
    for p in spec.parameters:
        if p.free:
            cells[f"{LABEL_PREFIX}{p.free}"] = cells.get(f"{LABEL_PREFIX}{p.free}", 0) + 1
    for name, count in cells.items():
        if len(model.parameters[name].locations) != count:
            raise RuntimeError(
                f"semopy placed {name} in {len(model.parameters[name].locations)} cells, not {count}"
            )


def _number(value: float) -> str:
    """A float semopy's parser reads back exactly ("1e+16" has a plus sign it would split at)."""
    return repr(float(value)).replace("e+", "e")
