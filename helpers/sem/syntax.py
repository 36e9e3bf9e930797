"""lavaan's model syntax, read into formulas: one ``lhs op rhs`` row per term, with its modifier.

The reader follows lavaan's own parser (``lavParseModelString`` in lavaan 0.6): comments start
with ``#`` or ``!``; ``;`` separates statements; a line without an operator continues the one
before; ``y1 + y2 ~ x`` has several left-hand sides; a term's modifiers come before ``*``:

    y ~ 0.5*x        fixed value          y ~ a*x          label (shared labels: equal values)
    f =~ NA*x1       free (overrides the default of fixing the first loading)
    y ~ start(0.5)*x start value          y ~ label("a")*x, equal("a")*x   label

Constraints and definitions are rows too: ``a == b`` (equality of two labelled parameters) and
``ind := a*b`` (a defined parameter; the expression is kept as text, without spaces, as lavaan
prints it). The operators the kit cannot estimate (intercepts ``~ 1``, thresholds ``|``,
formative ``<~``, inequalities, multiple groups) are refused with a message saying so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# In the order lavaan looks for them: "=~" before "~", "~~" before "~", ":=" before ":".
OPERATORS = ("=~", "<~", "~*~", "~~", "~", "==", "<", ">", ":=", ":", "|", "%")
SUPPORTED = ("=~", "~", "~~", "==", ":=")
CONSTRAINT_OPERATORS = ("==", ":=", "<", ">")
NAME = re.compile(r"^[A-Za-z.][A-Za-z0-9._]*$")
NUMBER = re.compile(r"^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$")


class ModelSyntaxError(ValueError):
    """The model syntax cannot be read; the message names the statement and what was expected."""


@dataclass(frozen=True)
class Formula:
    """One term of the syntax. ``fixed`` is a value the parameter is fixed at (``0.5*x``);
    ``free`` is True for ``NA*x``; ``label`` names the parameter (``a*x``)."""

    lhs: str
    op: str
    rhs: str
    fixed: float | None = None
    free: bool = False
    label: str = ""
    start: float | None = None
    line: int = 0


def parse(syntax: str) -> list[Formula]:
    """Every formula of a model written in lavaan syntax, in the order written."""
    statements = _statements(syntax)
    if not statements:
        raise ModelSyntaxError("the model syntax is empty (no formula with an operator such as ~ or =~)")
    formulas: list[Formula] = []
    for number, text in statements:
        formulas += _formulas(number, text)
    return formulas


def _statements(syntax: str) -> list[tuple[int, str]]:
    """(line number, statement without blanks); lines with no operator join the one before."""
    statements: list[tuple[int, str]] = []
    for number, line in enumerate(syntax.replace(";", "\n").split("\n"), start=1):
        text = re.sub(r"\s+", "", re.sub(r"[#!].*", "", line)).replace("\u02dc", "~")
        if not text:
            continue
        if _operator(text) is None:
            if not statements:
                raise ModelSyntaxError(f"line {number}: {text!r} has no operator (such as ~, =~ or ~~)")
            first, previous = statements[-1]
            statements[-1] = (first, previous + text)
        else:
            statements.append((number, text))
    return statements


def _operator(text: str) -> str | None:
    plain = re.sub(r'"[^"]*"', "LABEL", text)
    return next((op for op in OPERATORS if op in plain), None)


def _formulas(number: int, text: str) -> list[Formula]:
    op = _operator(text)
    where = f"line {number} ({text!r})"
    if op not in SUPPORTED:
        raise ModelSyntaxError(
            f"{where}: the operator {op!r} is not supported by the kit's engine; {_NOT[op]}"
        )
    lhs, _, rhs = text.partition(op)
    if op in CONSTRAINT_OPERATORS:
        lhs, rhs = lhs.replace('"', ""), rhs.replace('"', "")
        if not NAME.match(lhs) or not rhs:
            raise ModelSyntaxError(f"{where}: expected a name on the left and an expression on the right")
        return [Formula(lhs, op, rhs, line=number)]
    rhs = rhs.removeprefix("+")
    if not lhs or not rhs:
        raise ModelSyntaxError(f"{where}: expected variables on both sides of {op!r}")
    lefts = _split(lhs, "+")
    for left in lefts:
        if not NAME.match(left):
            raise ModelSyntaxError(f"{where}: {left!r} is not a variable name (modifiers go on the right)")
    return [_term(number, where, left, op, term) for left in lefts for term in _split(rhs, "+")]


def _term(number: int, where: str, lhs: str, op: str, term: str) -> Formula:
    *modifiers, variable = _split(term, "*")
    if op == "~" and variable == "1":
        raise ModelSyntaxError(
            f"{where}: intercepts (~ 1) are not supported; the kit fits covariance structures"
        )
    if not NAME.match(variable):
        raise ModelSyntaxError(f"{where}: {variable!r} is not a variable name")
    fixed, free, label, start = None, False, "", None
    for modifier in modifiers:
        if NUMBER.match(modifier):
            fixed = float(modifier)
        elif modifier == "NA":
            free = True
        elif match := re.fullmatch(r"start\(([^()]*)\)", modifier):
            start = _number(where, match.group(1))
        elif match := re.fullmatch(r'(?:label|equal)\("([^"]+)"\)|"([^"]+)"', modifier):
            label = match.group(1) or match.group(2)
        elif NAME.match(modifier):
            label = modifier
        else:
            raise ModelSyntaxError(
                f"{where}: cannot read the modifier {modifier!r} (expected a number, NA, a label, "
                'start(value), label("name") or equal("name"); c(...) is for multiple groups, '
                "which the kit does not fit)"
            )
    if fixed is not None and free:
        raise ModelSyntaxError(f"{where}: {variable!r} is both fixed and free (NA)")
    return Formula(lhs, op, variable, fixed, free, label, start, number)


def _number(where: str, text: str) -> float:
    if not NUMBER.match(text):
        raise ModelSyntaxError(f"{where}: start({text}) needs a number")
    return float(text)


def _split(text: str, separator: str) -> list[str]:
    """Split at ``separator`` outside parentheses and quotes (and not inside a number's exponent)."""
    parts, depth, quoted, current = [], 0, False, ""
    for k, char in enumerate(text):
        if char == '"':
            quoted = not quoted
        elif not quoted and char == "(":
            depth += 1
        elif not quoted and char == ")":
            depth -= 1
        exponent = separator == "+" and k >= 2 and text[k - 1] in "eE" and text[k - 2] in "0123456789."
        if char == separator and depth == 0 and not quoted and not exponent:
            parts.append(current)
            current = ""
        else:
            current += char
    parts.append(current)
    if any(part == "" for part in parts):
        raise ModelSyntaxError(f"{text!r}: an empty term (two {separator!r} in a row, or one at an end)")
    return parts


_NOT = {
    "<~": "formative (composite) variables need another estimator",
    "~*~": "scaling parameters are for categorical models",
    "<": "inequality constraints need a constrained optimiser",
    ">": "inequality constraints need a constrained optimiser",
    ":": "multilevel and multiple-group blocks are not fitted by the kit",
    "|": "thresholds are for categorical (ordered) indicators",
    "%": "group weights are for mixture models",
    None: "",
}
