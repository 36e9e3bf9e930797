"""Modification indices: the score test of freeing one fixed parameter (lavaan's ``modindices``).

For a parameter the model fixes (a missing path, loading or covariance), with g = ∂F/∂θ at the
estimates and V its expected information given the model's free parameters
(I₁₁ - I₁₂ I₂₂⁻¹ I₂₁; Saris, Satorra & Sörbom, 1987):

    MI = N g² / V      (≈ the drop in χ² if the parameter were freed; χ² with 1 df under H0)
    EPC = -g / V       (the expected value of the freed parameter; ``sepc_all`` in std.all units)

The candidates are lavaan's (``lav_partable_full``): a loading of every latent variable on every
observed variable outside the regressions, a covariance between every pair of non-covariate
observed variables and of latent variables, and a regression between every ordered pair of
variables that take part in regressions; minus the model's free parameters and its fixed.x
block. Candidates that cannot be identified beside the model's parameters (V below lavaan's
threshold, sqrt of machine epsilon) are left out, as lavaan does. For a model of observed
variables this lists residual covariances too, which lavaan's ``modindices()`` leaves out but
its ``lavTestScore(fit, add = ...)`` computes, with the same values.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
from scipy import stats

from helpers.sem import information, likelihood
from helpers.sem.representation import ram
from helpers.sem.specification import Parameter, Specification
from helpers.sem.standardize import std_all

SMALL_INFORMATION = np.sqrt(np.finfo(float).eps)


def candidates(spec: Specification) -> list[Parameter]:
    """The parameters the model fixes that lavaan would test, in lavaan's order."""
    names = spec.names
    in_regressions = list(dict.fromkeys(v for p in spec.parameters if p.op == "~" for v in (p.lhs, p.rhs)))
    nox, latent = names.modelled_observed, names.latent
    rows = [(f, "=~", x) for f in latent for x in nox if x not in in_regressions]
    rows += [(nox[j], "~~", nox[i]) for j in range(len(nox)) for i in range(j, len(nox))]
    rows += [(latent[j], "~~", latent[i]) for j in range(len(latent)) for i in range(j, len(latent))]
    rows += [
        (y, "~", x)
        for y in in_regressions
        for x in in_regressions
        if y != x and not (y in names.indicators and x in latent)
    ]
    # free parameters, the fixed.x block and parameters fixed at a non-zero value (a marker
    # loading: freeing it alone is not identified) are not tested
    taken = {_key(p) for p in spec.parameters if p.free or p.exo or p.value}
    return [
        Parameter(lhs, op, rhs, free=1, value=0.0)
        for lhs, op, rhs in rows
        if _key_of(lhs, op, rhs) not in taken
    ]


def _key_of(lhs: str, op: str, rhs: str) -> tuple[str, str, str]:
    return (*sorted((lhs, rhs)), op) if op == "~~" else (lhs, rhs, op)


def _key(p: Parameter) -> tuple[str, str, str]:
    return _key_of(p.lhs, p.op, p.rhs)


def modification_indices(fit, tested: list[Parameter] | None = None) -> pd.DataFrame:
    """MI, its p (χ² with 1 df), EPC and standardized EPC of every candidate (lavaan's order)."""
    if fit.estimator == "fiml":
        raise NotImplementedError(
            "modification indices are computed from complete-data ML; for a FIML fit they are not "
            "implemented (lavaan's differ)"
        )
    spec = fit.spec
    tested = candidates(spec) if tested is None else tested
    extended = _extended(spec, tested)
    model = ram(extended)
    a, s = fit.matrices
    derivatives = model.derivatives(model.implied(a, s))
    gradient = likelihood.gradient(fit.sample_cov, fit.implied_cov, derivatives)
    # with fixed.x the covariates' moments carry no weight in lavaan's expected information
    x = fit.fixed_x_positions
    derivatives[:, np.ix_(x, x)[0], np.ix_(x, x)[1]] = 0.0
    info = information.expected_information(fit.implied_cov, derivatives)
    k = spec.n_free
    i12 = info[k:, :k]
    conditional = np.diag(info[k:, k:]) - np.einsum("ij,jk,ik->i", i12, np.linalg.inv(info[:k, :k]), i12)
    total = dict(zip(fit.ram.variables, np.diag(fit.implied.all_cov)))
    residual = dict(zip(fit.ram.variables, np.diag(s)))
    rows = []
    for parameter, v, g in zip(tested, conditional, gradient[k:]):
        if v < SMALL_INFORMATION:
            continue
        mi, epc = fit.n * g**2 / v, -g / v
        rows.append(
            {
                "lhs": parameter.lhs,
                "op": parameter.op,
                "rhs": parameter.rhs,
                "mi": mi,
                "pvalue": stats.chi2.sf(mi, 1),
                "epc": epc,
                "sepc_all": std_all(parameter, epc, total, residual),
            }
        )
    return pd.DataFrame(rows, columns=["lhs", "op", "rhs", "mi", "pvalue", "epc", "sepc_all"])


def _extended(spec: Specification, tested: list[Parameter]) -> Specification:
    """The specification with the tested parameters freed, numbered after the model's own (a
    tested parameter the model fixes at 0 leaves its row; the fitted A and S hold 0 there)."""
    keys = {_key(t) for t in tested}
    kept = [p for p in spec.parameters if _key(p) not in keys]
    added = [
        replace(t, free=spec.n_free + j + 1, value=None, label="", user=False) for j, t in enumerate(tested)
    ]
    return replace(spec, parameters=tuple(kept + added), labels={})
