"""The parameter table of a model: every parameter lavaan's ``sem()`` and ``cfa()`` would have.

``specify(syntax)`` does what lavaan's ``lavaanify()`` does for a single group without mean
structure (lavaan 0.6, ``lav_partable_flat``): the rows written in the syntax come first, then
the defaults lavaan adds, each free or fixed as lavaan makes it:

* ``auto.var``: a (residual) variance for every observed variable that is not an exogenous
  covariate, and for every latent variable;
* ``auto.fix.first``: the first loading of each latent variable fixed at 1 (``NA*x`` frees it);
* ``auto.fix.single``: the residual variance of a latent variable's only indicator fixed at 0;
* ``auto.cov.lv.x``: covariances among the exogenous latent variables;
* ``auto.cov.y``: covariances among the "pure" outcomes, latent and observed (dependent
  variables that predict nothing and indicate nothing);
* ``fixed.x``: the variances and covariances of the observed exogenous covariates fixed at their
  sample values (flagged ``exo``; a covariate named in a ``~~`` formula becomes random instead).

Shared labels, and ``a == b`` between labels, make one free parameter of several rows (lavaan's
simple equality constraints: the same estimates, SEs and df). ``:=`` rows are kept apart as
defined parameters. Variable names are grouped as lavaan groups them (``VariableNames``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from itertools import combinations

from helpers.sem.syntax import Formula, ModelSyntaxError, parse


@dataclass(frozen=True)
class Parameter:
    """One row of the parameter table. ``free`` numbers the free parameters from 1 (0: fixed,
    at ``value``; with ``exo``, at the sample value of a fixed.x covariate)."""

    lhs: str
    op: str
    rhs: str
    free: int
    value: float | None
    label: str = ""
    user: bool = True
    exo: bool = False


@dataclass(frozen=True)
class DefinedParameter:
    """``name := expression``: a function of labelled parameters (and earlier definitions)."""

    name: str
    expression: str


@dataclass(frozen=True)
class VariableNames:
    """lavaan's groups of variable names (``lavNames``), in lavaan's order."""

    observed: tuple[str, ...]  # ov: indicators, then dependent, then exogenous, then others
    latent: tuple[str, ...]  # lv
    exogenous_observed: tuple[str, ...]  # ov.x: covariates whose (co)variances fixed.x fixes
    exogenous_latent: tuple[str, ...]  # lv.x
    pure_outcomes: tuple[str, ...]  # lv.y then ov.y: dependent, predicting nothing
    indicators: tuple[str, ...]  # ov.ind

    @property
    def modelled_observed(self) -> tuple[str, ...]:
        """ov.nox: the observed variables whose (residual) variances the model estimates."""
        return tuple(v for v in self.observed if v not in self.exogenous_observed)


@dataclass(frozen=True)
class Specification:
    """A model ready to fit: its parameter table, definitions and variable names."""

    syntax: str
    parameters: tuple[Parameter, ...]
    defined: tuple[DefinedParameter, ...]
    names: VariableNames
    labels: dict[str, int] = field(repr=False)  # label -> free parameter number

    @property
    def n_free(self) -> int:
        """Distinct free parameters (lavaan's npar: equal labels count once)."""
        return max((p.free for p in self.parameters), default=0)

    @cached_property
    def free_rows(self) -> tuple[int, ...]:
        """For each free parameter (in order), the first row of the table that holds it."""
        first: dict[int, int] = {}
        for row, parameter in enumerate(self.parameters):
            if parameter.free and parameter.free not in first:
                first[parameter.free] = row
        return tuple(first[k] for k in range(1, self.n_free + 1))

    @property
    def has_equality_constraints(self) -> bool:
        return sum(p.free > 0 for p in self.parameters) > self.n_free

    def free_parameter_names(self) -> list[str]:
        """``lhs op rhs`` of each free parameter (its first row)."""
        return [f"{p.lhs} {p.op} {p.rhs}" for p in (self.parameters[r] for r in self.free_rows)]


def specify(syntax: str, meanstructure: bool = False) -> Specification:
    """The parameter table lavaan's ``sem()`` builds from ``syntax`` (see the module docstring).

    ``meanstructure=True`` adds lavaan's mean structure (as ``missing = "ml"`` does): a free
    intercept ``~1`` for every observed variable that is not a fixed.x covariate (whose mean is
    fixed at its sample value, flagged ``exo``), and every latent mean fixed at 0."""
    formulas = parse(syntax)
    structural = [f for f in formulas if f.op in ("=~", "~", "~~")]
    if not structural:
        raise ModelSyntaxError("the model has no =~, ~ or ~~ formula")
    _check_duplicates(structural)
    names = variable_names(structural)
    rows = [_user_row(f) for f in structural]
    written = {_key(r.lhs, r.op, r.rhs) for r in rows}
    rows += [r for r in _default_rows(names) if _key(r.lhs, r.op, r.rhs) not in written]
    rows = _fix_scales(rows, structural, names)
    if meanstructure:
        rows += _intercept_rows(names)
    labels = _equal_labels(formulas)
    rows, free_of_label = _number_free(rows, labels)
    defined = tuple(DefinedParameter(f.lhs, f.rhs) for f in formulas if f.op == ":=")
    _check_defined(defined, free_of_label)
    return Specification(syntax, tuple(rows), defined, names, free_of_label)


def variable_names(formulas: list[Formula]) -> VariableNames:
    """lavaan's classification of the model's variables (``lav_partable_vnames``, 0.6)."""

    def unique(values):
        return list(dict.fromkeys(values))

    latent = unique(f.lhs for f in formulas if f.op == "=~")
    eqs_y = unique(f.lhs for f in formulas if f.op == "~")
    eqs_x = unique(f.rhs for f in formulas if f.op == "~")
    v_ind = unique(f.rhs for f in formulas if f.op == "=~")
    ov_ind = [v for v in v_ind if v not in latent]
    ov_y = [v for v in eqs_y if v not in latent and v not in ov_ind]
    ov_x = [v for v in eqs_x if v not in latent and v not in ov_ind and v not in ov_y]
    orphans = unique(v for f in formulas if f.op == "~~" for v in (f.lhs, f.rhs) if v not in latent)
    observed = ov_ind + ov_y + ov_x + [v for v in orphans if v not in ov_ind + ov_y + ov_x]
    # a covariate whose variance or covariance is written in the syntax is random, not fixed.x
    ov_x = [v for v in ov_x if v not in orphans]
    exogenous_latent = [v for v in latent if v not in v_ind and v not in eqs_y]
    lv_y = [v for v in latent if v in eqs_y and v not in v_ind and v not in eqs_x]
    pure_y = [v for v in observed if v in eqs_y and v not in v_ind and v not in eqs_x]
    return VariableNames(
        tuple(observed),
        tuple(latent),
        tuple(ov_x),
        tuple(exogenous_latent),
        tuple(lv_y + pure_y),
        tuple(ov_ind),
    )


def _key(lhs: str, op: str, rhs: str) -> tuple[str, str, str]:
    if op == "~~":
        lhs, rhs = sorted((lhs, rhs))
    return lhs, op, rhs


def _check_duplicates(formulas: list[Formula]) -> None:
    seen: dict[tuple, Formula] = {}
    for f in formulas:
        key = _key(f.lhs, f.op, f.rhs)
        if key in seen:
            raise ModelSyntaxError(
                f"line {f.line}: '{f.lhs} {f.op} {f.rhs}' is written twice (also on line {seen[key].line})"
            )
        seen[key] = f
    for f in formulas:
        if f.op == "~" and f.lhs == f.rhs:
            raise ModelSyntaxError(f"line {f.line}: '{f.lhs} ~ {f.rhs}' regresses a variable on itself")


def _user_row(f: Formula) -> Parameter:
    if f.fixed is not None:
        return Parameter(f.lhs, f.op, f.rhs, free=0, value=f.fixed, label=f.label)
    return Parameter(f.lhs, f.op, f.rhs, free=-1 if f.free else 1, value=None, label=f.label)


def _default_rows(names: VariableNames) -> list[Parameter]:
    """lavaan's default rows, in its order: variances, lv.x covariances, y covariances, x block."""
    rows = [Parameter(v, "~~", v, 1, None, user=False) for v in names.modelled_observed + names.latent]
    rows += [Parameter(a, "~~", b, 1, None, user=False) for a, b in combinations(names.exogenous_latent, 2)]
    rows += [Parameter(a, "~~", b, 1, None, user=False) for a, b in combinations(names.pure_outcomes, 2)]
    x = names.exogenous_observed
    rows += [
        Parameter(x[j], "~~", x[i], 0, None, user=False, exo=True)
        for j in range(len(x))
        for i in range(j, len(x))
    ]
    return rows


def _intercept_rows(names: VariableNames) -> list[Parameter]:
    """lavaan's intercepts, after every other row: observed variables in lavaan's order, then latent."""
    rows = [
        Parameter(v, "~1", "", 0, None, user=False, exo=True)
        if v in names.exogenous_observed
        else Parameter(v, "~1", "", 1, None, user=False)
        for v in names.observed
    ]
    return rows + [Parameter(v, "~1", "", 0, 0.0, user=False) for v in names.latent]


def _fix_scales(rows: list[Parameter], formulas: list[Formula], names: VariableNames) -> list[Parameter]:
    """auto.fix.first (first loading = 1 unless written NA*) and auto.fix.single."""
    result, scaled = [], set()
    for row in rows:
        if row.op == "=~" and row.lhs not in scaled:
            scaled.add(row.lhs)
            if row.free == 1:  # not fixed by the user, not freed with NA*
                row = Parameter(row.lhs, row.op, row.rhs, 0, 1.0, row.label, row.user)
        result.append(row)
    loadings = [f for f in formulas if f.op == "=~"]
    counts = {lv: sum(f.lhs == lv for f in loadings) for lv in names.latent}
    indicated = [f.rhs for f in loadings]
    single = {
        f.rhs for f in loadings if counts[f.lhs] == 1 and indicated.count(f.rhs) == 1 and f.rhs != f.lhs
    }
    return [
        Parameter(r.lhs, r.op, r.rhs, 0, 0.0, r.label, r.user)
        if r.op == "~~" and r.lhs == r.rhs and r.lhs in single and not r.user
        else r
        for r in result
    ]


def _equal_labels(formulas: list[Formula]) -> dict[str, str]:
    """label -> the label it is made equal to by ``a == b`` (a union of labels)."""
    parent: dict[str, str] = {}

    def root(label: str) -> str:
        while parent.get(label, label) != label:
            label = parent[label]
        return label

    labels = {f.label for f in formulas if f.label}
    for f in formulas:
        if f.op != "==":
            continue
        if f.lhs not in labels or f.rhs not in labels:
            raise ModelSyntaxError(
                f"line {f.line}: '{f.lhs} == {f.rhs}': the kit's engine handles equality constraints "
                "between two labels of free parameters only"
            )
        parent[root(f.lhs)] = root(f.rhs)
    return {label: root(label) for label in labels}


def _number_free(rows: list[Parameter], labels: dict[str, str]) -> tuple[list[Parameter], dict[str, int]]:
    numbered, of_label, count = [], {}, 0
    for row in rows:
        if row.free == 0:
            numbered.append(row)
            continue
        group = labels.get(row.label) if row.label else None
        if group is not None and group in of_label:
            free = of_label[group]
        else:
            count += 1
            free = count
            if group is not None:
                of_label[group] = free
        numbered.append(Parameter(row.lhs, row.op, row.rhs, free, None, row.label, row.user, row.exo))
    for label, group in labels.items():
        if group in of_label:
            of_label[label] = of_label[group]
    fixed_labels = {r.label for r in rows if r.free == 0 and r.label}
    return numbered, {k: v for k, v in of_label.items() if k not in fixed_labels}


def _check_defined(defined: tuple[DefinedParameter, ...], labels: dict[str, int]) -> None:
    from helpers.sem.defined import names_in  # the expression reader lives with the evaluation

    known = set(labels)
    for parameter in defined:
        unknown = sorted(set(names_in(parameter.expression)) - known)
        if unknown:
            raise ModelSyntaxError(
                f"'{parameter.name} := {parameter.expression}': {', '.join(unknown)} is not the label of "
                "a free parameter or an earlier definition"
            )
        known.add(parameter.name)
