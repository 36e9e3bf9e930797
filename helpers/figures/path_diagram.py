"""Figure 2: the path model as a diagram, drawn with matplotlib alone (no graphviz).

Boxes are the six constructs in causal order (PCDP on the left, the two mediators IT and GL in
the middle, the three outcomes on the right). Each arrow is a regression path labelled with its
standardized coefficient β (lavaan's std.all) or, with ``standardized=False``, its unstandardized
estimate B. Endogenous boxes show their R². Curved two-headed arrows on the right are the
residual correlations of the outcomes, when the model frees them. Nothing is random: the same fit
always gives the same figure.
"""

from __future__ import annotations

import textwrap

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

from helpers import instrument as ins
from helpers import paper_model

BOX_WIDTH, BOX_HEIGHT = 1.5, 0.78
COLUMN_X = {"exogenous": 0.0, "mediator": 2.6, "outcome": 5.2}
ROW_Y = {"exogenous": (0.0,), "mediator": (1.15, -1.15), "outcome": (1.9, 0.0, -1.9)}
BOX_COLOUR = {"exogenous": "#dbe9f6", "mediator": "#fde7c8", "outcome": "#d9f0d3"}
# Labels sit this far along an arrow: near the tail, where arrows from one box are still apart.
LABEL_POSITION = 0.25


def box_positions() -> dict[str, tuple[float, float]]:
    """Centre of each construct's box, from the instrument's roles, in ``VARIABLES`` order."""
    positions = {}
    for role, x in COLUMN_X.items():
        keys = [c.key for c in ins.CONSTRUCTS if c.role == role]
        for key, y in zip(keys, ROW_Y[role], strict=True):
            positions[key] = (x, y)
    return positions


def path_diagram(fit, standardized: bool = True) -> Figure:
    """Draw Figure 2 for a fit of the paper's model (``helpers.paper_model.fit``).

    ``standardized=True`` labels the paths with β (std.all), ``False`` with B (the estimates).
    """
    missing = set(paper_model.VARIABLES) - set(fit.observed)
    if missing:
        raise ValueError(f"not a fit of the paper's model: {', '.join(sorted(missing))} missing")
    estimates = fit.parameter_estimates()
    column = "std_all" if standardized else "est"
    positions = box_positions()

    fig, ax = plt.subplots(figsize=(11, 6.4))
    for key, r2 in _r_squared(fit).items():
        _draw_box(ax, key, positions[key], r2)
    for row in estimates[estimates["op"] == "~"].itertuples(index=False):
        _draw_path(ax, positions[row.rhs], positions[row.lhs], f"{getattr(row, column):.2f}")
    for row in _outcome_correlations(estimates).itertuples(index=False):
        _draw_correlation(ax, positions[row.lhs], positions[row.rhs], row.std_all)

    symbol = "β (standardized)" if standardized else "B (unstandardized)"
    ax.set_title(f"Figure 2. Path model: coefficients {symbol} and R²", loc="left")
    ax.set_xlim(-1.0, 6.9)
    ax.set_ylim(-2.5, 2.5)
    ax.set_aspect("equal")
    ax.axis("off")
    return fig


def conceptual_diagram() -> Figure:
    """The model before any data: the six constructs and the eight hypothesised paths (H1a-H3c)."""
    positions = box_positions()
    fig, ax = plt.subplots(figsize=(11, 6.4))
    for key in paper_model.VARIABLES:
        _draw_box(ax, key, positions[key], None)
    for hypothesis in paper_model.HYPOTHESES:
        _draw_path(ax, positions[hypothesis.predictor], positions[hypothesis.outcome], hypothesis.code)
    ax.set_title("The conceptual model: hypotheses H1a-H3c (after the paper's Figure 2)", loc="left")
    ax.set_xlim(-1.0, 6.9)
    ax.set_ylim(-2.5, 2.5)
    ax.set_aspect("equal")
    ax.axis("off")
    return fig


def _r_squared(fit) -> dict[str, float | None]:
    """R² per construct in ``VARIABLES`` order; None for the exogenous PCDP."""
    r2 = fit.r_squared()
    return {key: (float(r2[key]) if key in r2.index else None) for key in paper_model.VARIABLES}


def _draw_box(ax, key: str, centre: tuple[float, float], r2: float | None) -> None:
    construct = ins.construct(key)
    x, y = centre
    ax.add_patch(
        FancyBboxPatch(
            (x - BOX_WIDTH / 2, y - BOX_HEIGHT / 2),
            BOX_WIDTH,
            BOX_HEIGHT,
            boxstyle="round,pad=0.02,rounding_size=0.08",
            facecolor=BOX_COLOUR[construct.role],
            edgecolor="#333333",
            linewidth=1.2,
            zorder=3,
        )
    )
    name = textwrap.fill(construct.label, 24)
    lines = [f"$\\bf{{{construct.abbreviation}}}$", name]
    if r2 is not None:
        lines.append(f"R² = {r2:.2f}")
    ax.text(x, y, "\n".join(lines), ha="center", va="center", fontsize=8.5, zorder=4)


def _draw_path(ax, start: tuple[float, float], end: tuple[float, float], label: str) -> None:
    """A one-headed arrow from the right edge of the predictor to the left edge of the outcome."""
    # Arrows leave and enter a little towards each other, so two arrows never share an end.
    shift = 0.12 * _sign(end[1] - start[1])
    tail = (start[0] + BOX_WIDTH / 2, start[1] + shift)
    head = (end[0] - BOX_WIDTH / 2, end[1] - shift)
    # A direct path (PCDP -> outcome, not in the paper's model) skips the mediator column:
    # dashed, and bent above IT or below GL (a level one passes between them).
    direct = end[0] - start[0] > COLUMN_X["mediator"] + 0.1
    rad = -0.5 * _sign(end[1] - start[1]) if direct else 0.0
    ax.add_patch(
        FancyArrowPatch(
            tail,
            head,
            arrowstyle="-|>",
            mutation_scale=14,
            linewidth=1.3,
            color="#333333",
            connectionstyle=f"arc3,rad={rad}",
            linestyle="--" if direct else "-",
            zorder=2,
        )
    )
    label_x, label_y = _point_on_arc(tail, head, rad, 0.5 if direct else LABEL_POSITION)
    ax.text(
        label_x,
        label_y,
        label,
        ha="center",
        va="center",
        fontsize=9,
        zorder=5,
        bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none"},
    )


def _point_on_arc(tail, head, rad: float, t: float) -> tuple[float, float]:
    """The point a fraction t along matplotlib's "arc3" curve (a quadratic Bézier)."""
    dx, dy = head[0] - tail[0], head[1] - tail[1]
    control = ((tail[0] + head[0]) / 2 + rad * dy, (tail[1] + head[1]) / 2 - rad * dx)
    weights = ((1 - t) ** 2, 2 * (1 - t) * t, t**2)
    points = (tail, control, head)
    return tuple(sum(w * p[k] for w, p in zip(weights, points, strict=True)) for k in (0, 1))


def _sign(value: float) -> int:
    return (value > 1e-9) - (value < -1e-9)


def _outcome_correlations(estimates: pd.DataFrame) -> pd.DataFrame:
    """Free residual covariances among the outcomes (none when they are fixed to zero)."""
    outcomes = set(paper_model.OUTCOMES)
    mask = (
        (estimates["op"] == "~~")
        & (estimates["lhs"] != estimates["rhs"])
        & estimates["lhs"].isin(outcomes)
        & estimates["rhs"].isin(outcomes)
        & (estimates["se"] > 0)
    )
    return estimates[mask]


def _draw_correlation(ax, first: tuple[float, float], second: tuple[float, float], r: float) -> None:
    """A curved two-headed arrow on the right of two outcome boxes, labelled with r."""
    top, bottom = sorted((first, second), key=lambda point: -point[1])
    start = (top[0] + BOX_WIDTH / 2, top[1] - 0.12)
    end = (bottom[0] + BOX_WIDTH / 2, bottom[1] + 0.12)
    span = top[1] - bottom[1]
    # Wider arcs for pairs further apart, so the MR-OE arc runs outside the two short ones.
    rad = -0.35 if span < 2.5 else -0.45
    ax.add_patch(
        FancyArrowPatch(
            start,
            end,
            arrowstyle="<|-|>",
            mutation_scale=10,
            linewidth=1.0,
            color="#777777",
            connectionstyle=f"arc3,rad={rad}",
            zorder=1,
        )
    )
    bulge = -rad * span / 2  # a quadratic arc bends half as far as its control point
    ax.text(
        start[0] + bulge + 0.05,
        (start[1] + end[1]) / 2,
        f"r = {r:.2f}",
        ha="left",
        va="center",
        fontsize=8,
        color="#555555",
        zorder=5,
        # a white patch keeps the label readable where the long MR-OE arc passes behind it
        bbox={"boxstyle": "round,pad=0.1", "facecolor": "white", "edgecolor": "none"},
    )
