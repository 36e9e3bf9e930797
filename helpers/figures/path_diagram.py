"""Figure 2: the path model as a diagram, drawn with matplotlib alone (no graphviz).

Boxes are the six constructs in causal order (PCDP on the left, the two mediators IT and GL in
the middle, the three outcomes on the right). Each arrow is a regression path labelled with its
standardized coefficient β (lavaan's std.all) or, with ``standardized=False``, its unstandardized
estimate B. Endogenous boxes show their R². Curved two-headed arrows on the right join the
outcomes whose residuals the model lets covary: labelled with the residual correlation r in the
standardized diagram and with the residual covariance in the unstandardized one. Each path's
label sits at the point of its own arrow farthest from the other arrows (``label_fractions``), so
no label sits at a crossing. Nothing is random: the same fit always gives the same figure.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

from helpers import instrument as ins
from helpers import paper_model

BOX_WIDTH, BOX_HEIGHT = 1.5, 0.78
COLUMN_X = {"exogenous": 0.0, "mediator": 2.6, "outcome": 5.2}
ROW_Y = {"exogenous": (0.0,), "mediator": (1.15, -1.15), "outcome": (1.9, 0.0, -1.9)}
BOX_COLOUR = {"exogenous": "#dbe9f6", "mediator": "#fde7c8", "outcome": "#d9f0d3"}
# A path's label sits at one of these fractions of its arrow (from the tail): the one farthest from
# every other arrow and label, the earliest of equally good ones.
LABEL_FRACTIONS = tuple(round(0.2 + 0.05 * k, 2) for k in range(13))  # 0.2, 0.25, ..., 0.8
DIRECT_LABEL_FRACTION = 0.5  # a bent direct path has its label at its apex


@dataclass(frozen=True)
class Path:
    """One drawn path: where its arrow starts and ends, how it bends, and its label."""

    predictor: str
    outcome: str
    tail: tuple[float, float]
    head: tuple[float, float]
    rad: float
    label: str
    direct: bool = False  # a path the paper's model leaves out (PCDP -> outcome): dashed

    @property
    def gid(self) -> str:
        """The arrow's and its label's id in the figure, e.g. "path:global_logistics->market_reach"."""
        return f"path:{self.predictor}->{self.outcome}"


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
    paths = [
        path_between(row.rhs, row.lhs, f"{getattr(row, column):.2f}", positions)
        for row in estimates[estimates["op"] == "~"].itertuples(index=False)
    ]
    _draw_paths(ax, paths)
    covariances = _outcome_covariances(estimates)
    for row in covariances.itertuples(index=False):
        label = f"r = {row.std_all:.2f}" if standardized else f"{row.est:.2f}"
        _draw_covariance(ax, positions[row.lhs], positions[row.rhs], label)

    symbol = "β (standardized)" if standardized else "B (unstandardized)"
    ax.set_title(f"Figure 2. Path model: coefficients {symbol} and R²", loc="left")
    if len(covariances):
        kind = "correlations r" if standardized else "covariances (answer-scale points squared)"
        ax.text(
            -1.0, -2.45, f"Curved arrows: residual {kind} of the outcomes.", fontsize=8.5, color="#555555"
        )
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
    paths = [path_between(h.predictor, h.outcome, h.code, positions) for h in paper_model.HYPOTHESES]
    _draw_paths(ax, paths)
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


def path_between(predictor: str, outcome: str, label: str, positions: dict[str, tuple[float, float]]) -> Path:
    """The arrow of a path: from the right edge of the predictor's box to the left edge of the
    outcome's, both ends moved a little towards each other so that two arrows rarely share an
    end. A direct path (PCDP -> outcome, not in the paper's model) skips the mediator column and
    is bent above IT or below GL (a level one passes between them)."""
    start, end = positions[predictor], positions[outcome]
    shift = 0.12 * _sign(end[1] - start[1])
    tail = (start[0] + BOX_WIDTH / 2, start[1] + shift)
    head = (end[0] - BOX_WIDTH / 2, end[1] - shift)
    direct = end[0] - start[0] > COLUMN_X["mediator"] + 0.1
    rad = -0.5 * _sign(end[1] - start[1]) if direct else 0.0
    return Path(predictor, outcome, tail, head, rad, label, direct)


def label_fractions(paths: list[Path]) -> list[float]:
    """Where along its arrow each path's label goes (0 = tail, 1 = head).

    Each straight arrow's label takes, of ``LABEL_FRACTIONS``, the point farthest from every other
    arrow and from the labels already placed (in the order of ``paths``), so that a label never
    sits where two arrows cross and a reader cannot give it to the wrong arrow. A bent (direct)
    path has its label at its apex.
    """
    placed: list[tuple[float, float]] = []
    fractions = []
    for k, path in enumerate(paths):
        if path.rad:
            fraction = DIRECT_LABEL_FRACTION
        else:
            others = [p for j, p in enumerate(paths) if j != k]

            def room(t: float, path=path, others=others) -> float:
                point = _point_on_arc(path.tail, path.head, path.rad, t)
                to_arrows = min((distance_to_arrow(point, other) for other in others), default=np.inf)
                to_labels = min((_distance(point, label) for label in placed), default=np.inf)
                return min(to_arrows, to_labels)

            fraction = max(LABEL_FRACTIONS, key=lambda t: (round(room(t), 6), -t))
        fractions.append(fraction)
        placed.append(_point_on_arc(path.tail, path.head, path.rad, fraction))
    return fractions


def distance_to_arrow(point: tuple[float, float], path: Path, samples: int = 50) -> float:
    """Shortest distance from a point to a path's arrow (its curve sampled at ``samples`` points)."""
    if not path.rad:
        return _distance_to_segment(point, path.tail, path.head)
    curve = [_point_on_arc(path.tail, path.head, path.rad, t) for t in np.linspace(0, 1, samples + 1)]
    return min(_distance_to_segment(point, a, b) for a, b in zip(curve[:-1], curve[1:]))


def _distance(a: tuple[float, float], b: tuple[float, float]) -> float:
    return float(np.hypot(a[0] - b[0], a[1] - b[1]))


def _distance_to_segment(point, a, b) -> float:
    p, a, b = (np.asarray(v, dtype=float) for v in (point, a, b))
    ab = b - a
    t = np.clip(np.dot(p - a, ab) / np.dot(ab, ab), 0.0, 1.0)
    return float(np.linalg.norm(p - (a + t * ab)))


def _draw_paths(ax, paths: list[Path]) -> None:
    """Each path's arrow, and its label where ``label_fractions`` puts it."""
    for path, fraction in zip(paths, label_fractions(paths), strict=True):
        ax.add_patch(
            FancyArrowPatch(
                path.tail,
                path.head,
                arrowstyle="-|>",
                mutation_scale=14,
                linewidth=1.3,
                color="#333333",
                connectionstyle=f"arc3,rad={path.rad}",
                linestyle="--" if path.direct else "-",
                zorder=2,
                gid=path.gid,
            )
        )
        label_x, label_y = _point_on_arc(path.tail, path.head, path.rad, fraction)
        ax.text(
            label_x,
            label_y,
            path.label,
            ha="center",
            va="center",
            fontsize=9,
            zorder=5,
            gid=path.gid,
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


def _outcome_covariances(estimates: pd.DataFrame) -> pd.DataFrame:
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


def _draw_covariance(ax, first: tuple[float, float], second: tuple[float, float], label: str) -> None:
    """A curved two-headed arrow on the right of two outcome boxes, with its label (the residual
    correlation r, or the residual covariance)."""
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
        label,
        ha="left",
        va="center",
        fontsize=8,
        color="#555555",
        zorder=5,
        # a white patch keeps the label readable where the long MR-OE arc passes behind it
        bbox={"boxstyle": "round,pad=0.1", "facecolor": "white", "edgecolor": "none"},
    )
