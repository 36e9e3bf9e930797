"""Defined parameters (``name := expression``) and their delta-method standard errors.

An expression is arithmetic on labels of free parameters and earlier definitions: ``a*b``,
``c + a*b``, ``a1*b1 - a2*b2``, ``a/b``, ``a^2`` (``+ - * / ^`` and parentheses, numbers). As in
lavaan (``lav_model_vcov_se``), the standard error of a defined parameter g(θ) is the delta
method's sqrt(J V Jᵀ), J = ∂g/∂θ at the estimates and V the covariance of the free estimates;
J is taken by complex-step differentiation, exact to rounding for such expressions (lavaan's
``lav_func_jacobian_complex``). Standardized values apply the expression to the standardized
estimates, as lavaan's ``std.all`` does for defined parameters.
"""

from __future__ import annotations

import ast
import operator
from collections.abc import Mapping, Sequence

import numpy as np

_BINARY = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv}


def _tree(expression: str) -> ast.expr:
    try:
        return ast.parse(expression.replace("^", "**"), mode="eval").body
    except SyntaxError:
        raise ValueError(f"cannot read the defined parameter's expression {expression!r}") from None


def names_in(expression: str) -> list[str]:
    """The labels an expression uses."""
    return [node.id for node in ast.walk(_tree(expression)) if isinstance(node, ast.Name)]


def evaluate(expression: str, values: Mapping[str, complex | float]):
    """The expression's value for the given label values (real or complex)."""

    def value(node: ast.expr):
        if isinstance(node, ast.Constant) and isinstance(node.value, int | float):
            return node.value
        if isinstance(node, ast.Name):
            return values[node.id]
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
            inner = value(node.operand)
            return -inner if isinstance(node.op, ast.USub) else inner
        if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
            return _BINARY[type(node.op)](value(node.left), value(node.right))
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Pow):
            return value(node.left) ** value(node.right)
        raise ValueError(f"{expression!r}: only + - * / ^, numbers and labels are allowed")

    return value(_tree(expression))


def defined_values(
    definitions: Sequence[tuple[str, str]], labels: Mapping[str, int], theta: np.ndarray
) -> np.ndarray:
    """Each definition's value at the free parameters ``theta`` (labels -> position from 1)."""
    values: dict[str, complex | float] = {label: theta[k - 1] for label, k in labels.items()}
    out = []
    for name, expression in definitions:
        values[name] = evaluate(expression, values)
        out.append(values[name])
    return np.array(out, dtype=theta.dtype if np.iscomplexobj(theta) else float)


def jacobian(
    definitions: Sequence[tuple[str, str]], labels: Mapping[str, int], theta: np.ndarray
) -> np.ndarray:
    """∂(definitions)/∂θ by the complex step: Im g(θ + i h e_k) / h with h = machine epsilon."""
    h = np.finfo(float).eps
    columns = []
    for k in range(len(theta)):
        stepped = theta.astype(complex)
        stepped[k] += 1j * h
        columns.append(np.imag(defined_values(definitions, labels, stepped)) / h)
    return np.column_stack(columns) if columns else np.zeros((len(definitions), 0))


def delta_method_se(
    definitions: Sequence[tuple[str, str]], labels: Mapping[str, int], theta: np.ndarray, vcov: np.ndarray
) -> np.ndarray:
    """sqrt(diag(J V Jᵀ)): lavaan's standard errors of defined parameters."""
    j = jacobian(definitions, labels, theta)
    return np.sqrt(np.maximum(np.einsum("ik,kl,il->i", j, vcov, j), 0.0))
