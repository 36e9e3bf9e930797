"""The kit's figures, in one place: one seaborn theme (``set_theme``), ``save_figure`` (writes the
file and shows it in a notebook), and every figure function the lessons call:

* the survey: ``platform_use_figure`` (Figure 1), ``likert_diverging_figure``,
  ``construct_by_group_figure``, ``qq_figure``, ``correlation_heatmap``;
* the model: ``path_diagram`` (Figure 2), ``conceptual_diagram``;
* beyond the paper: ``bootstrap_figure``, ``bollen_stine_figure``, ``power_curve_figure``.

Each returns a matplotlib Figure; nothing is random, so the same input gives the same figure.
"""

from __future__ import annotations

from helpers.figures.path_diagram import conceptual_diagram, path_diagram
from helpers.figures.simulation_figures import bollen_stine_figure, bootstrap_figure, power_curve_figure
from helpers.figures.survey_figures import (
    LIKERT_COLOURS,
    construct_by_group_figure,
    correlation_heatmap,
    likert_diverging_figure,
    platform_use_figure,
    qq_figure,
)
from helpers.figures.theme import PALETTE, save_figure, set_theme

__all__ = [
    "LIKERT_COLOURS",
    "PALETTE",
    "bollen_stine_figure",
    "bootstrap_figure",
    "conceptual_diagram",
    "construct_by_group_figure",
    "correlation_heatmap",
    "likert_diverging_figure",
    "path_diagram",
    "platform_use_figure",
    "power_curve_figure",
    "qq_figure",
    "save_figure",
    "set_theme",
]
