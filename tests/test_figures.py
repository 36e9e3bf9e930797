"""Tests of the figure functions in helpers.figures: each returns a Figure with the expected
bars, panels, labels and markings, built from small tables written out here. The root
conftest.py selects the Agg backend, so no screen is needed."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.container import ErrorbarContainer
from matplotlib.figure import Figure

from helpers import figures, settings
from helpers import instrument as ins
from helpers.figures import theme
from helpers.survey import SurveySource

SHIPPED = SurveySource(settings.SHIPPED_SURVEY_FILE, "0" * 64, 190, shipped=True)


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def tick_labels(labels) -> list[str]:
    return [label.get_text() for label in labels]


def bars_of(ax) -> list:
    return [patch for container in ax.containers for patch in getattr(container, "patches", [])]


def platform_table() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "platform": ["Website", "WhatsApp", "YouTube", "LinkedIn"],
            "firms_using": [190, 175, 148, 91],
            "percentage": [100.0, 92.1, 77.9, 47.9],
            "share_reported_in_paper": [True, True, False, False],
            "published_percentage": [100.0, 92.0, np.nan, np.nan],
        }
    )


def test_platform_use_figure_sorted_labelled_and_marks_assumed_shares():
    fig = figures.platform_use_figure(platform_table(), SHIPPED)
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    bars = bars_of(ax)
    assert len(bars) == 4
    # barh draws bottom-up: the least used platform first, the most used on top.
    assert tick_labels(ax.get_yticklabels()) == ["LinkedIn", "YouTube", "WhatsApp", "Website"]
    assert [bar.get_width() for bar in bars] == pytest.approx([47.9, 77.9, 92.1, 100.0])
    assert [bool(bar.get_hatch()) for bar in bars] == [True, True, False, False]
    texts = {t.get_text() for t in ax.texts}
    assert {"48%", "78%", "92%", "100%"} <= texts
    legend = tick_labels(ax.get_legend().get_texts())
    assert any("assumed" in label for label in legend)
    # one published-value marker per platform whose share the paper states
    assert len(ax.collections[0].get_offsets()) == 2


def likert_table() -> pd.DataFrame:
    shares = {"oe_1": [10, 20, 30, 25, 15], "oe_3": [40, 30, 10, 10, 10]}
    rows = [
        {
            "item": item,
            "text": item,
            "reverse_worded": item == "oe_3",
            "answer": answer,
            "answer_label": ins.LIKERT_SCALE[answer],
            "count": share,
            "percentage": float(share),
        }
        for item, values in shares.items()
        for answer, share in zip(ins.LIKERT_SCALE, values, strict=True)
    ]
    return pd.DataFrame(rows)


def test_likert_diverging_figure_centres_bars_on_the_neutral_answer():
    fig = figures.likert_diverging_figure(likert_table(), "Operational Efficiency")
    ax = fig.axes[0]
    assert ax.get_title() == "Operational Efficiency"
    assert tick_labels(ax.get_yticklabels()) == ["oe_3 (R)", "oe_1"]  # first item on top
    containers = [c for c in ax.containers if hasattr(c, "patches")]
    assert len(containers) == 5 and all(len(c.patches) == 2 for c in containers)
    neutral = containers[2].patches
    # oe_3 is drawn at the bottom (index 0): neutral 10% centred on zero
    assert neutral[0].get_x() == pytest.approx(-5) and neutral[0].get_width() == pytest.approx(10)
    strongly_disagree = containers[0].patches
    assert strongly_disagree[1].get_x() == pytest.approx(-(10 + 20 + 15))  # oe_1
    assert strongly_disagree[0].get_x() == pytest.approx(-(40 + 30 + 5))  # oe_3
    assert tick_labels(ax.get_legend().get_texts()) == list(ins.LIKERT_SCALE.values())


def group_table() -> pd.DataFrame:
    rows = []
    for group, n, shift in (("Small", 174, 0.0), ("Medium", 16, 0.3), ("Tiny", 2, 1.0)):
        for key in ins.construct_keys():
            rows.append(
                {
                    "characteristic": "Firm Size",
                    "group": group,
                    "construct": key,
                    "n": n,
                    "mean": 3.2 + shift,
                    "ci_lower": 3.0 + shift,
                    "ci_upper": 3.4 + shift,
                }
            )
    return pd.DataFrame(rows)


def test_construct_by_group_figure_one_series_per_group_and_notes_left_out_groups():
    fig = figures.construct_by_group_figure(group_table())
    ax = fig.axes[0]
    series = [c for c in ax.containers if isinstance(c, ErrorbarContainer)]
    assert len(series) == 2  # "Tiny" (n = 2) is below the default minimum of 5
    assert tick_labels(ax.get_xticklabels()) == [c.abbreviation for c in ins.CONSTRUCTS]
    assert tick_labels(ax.get_legend().get_texts()) == ["Small (n = 174)", "Medium (n = 16)"]
    assert any("Tiny (n = 2)" in t.get_text() for t in fig.texts)
    means = series[1].lines[0].get_ydata()
    assert means == pytest.approx([3.5] * 6)
    every_group = figures.construct_by_group_figure(group_table(), min_group_size=1)
    assert len(every_group.axes[0].containers) == 3


def test_qq_figure_one_panel_per_construct():
    rng = np.random.default_rng(0)
    scores = pd.DataFrame(rng.normal(3, 0.8, size=(40, 6)), columns=ins.construct_keys())
    fig = figures.qq_figure(scores)
    assert len(fig.axes) == 6
    assert [ax.get_title() for ax in fig.axes] == [c.abbreviation for c in ins.CONSTRUCTS]
    for ax in fig.axes:
        assert len(ax.collections[0].get_offsets()) == 40
        assert len(ax.lines) == 1  # the reference line
    assert len(figures.qq_figure(scores.iloc[:, :4]).axes) == 4  # unused panels are removed


def test_correlation_heatmap_lower_triangle_with_stars():
    keys = ins.construct_keys()
    values = np.full((6, 6), 0.3)
    np.fill_diagonal(values, 1.0)
    corr = pd.DataFrame(values, index=keys, columns=keys)
    corr.loc["market_reach", "partnership_collaboration"] = corr.loc[
        "partnership_collaboration", "market_reach"
    ] = -0.45
    p = pd.DataFrame(0.2, index=keys, columns=keys)
    p.loc["market_reach", "partnership_collaboration"] = 0.0004
    fig = figures.correlation_heatmap(corr, p)
    ax = fig.axes[0]
    texts = [t.get_text() for t in ax.texts]
    assert len(texts) == 15  # the 6 x 6 matrix's lower triangle without the diagonal
    assert "-0.45***" in texts and texts.count("0.30") == 14
    assert tick_labels(ax.get_xticklabels()) == ["PCDP", "IT", "GL", "MR", "IA"]
    assert tick_labels(ax.get_yticklabels()) == ["IT", "GL", "MR", "IA", "OE"]


def test_save_figure_writes_png_and_any_other_format_asked_for(tmp_path):
    fig, ax = plt.subplots(figsize=(4, 3))
    ax.plot([0, 1], [0, 1])
    figures.save_figure(fig, "line", folder=tmp_path / "figures")
    figures.save_figure(fig, "line_vector", formats=("png", "svg"), folder=tmp_path / "figures")
    saved = sorted(p.name for p in (tmp_path / "figures").iterdir())
    assert saved == ["line.png", "line_vector.png", "line_vector.svg"]
    png = (tmp_path / "figures" / "line.png").read_bytes()
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    # the header's width is what the notebook display is scaled from
    saved_dpi = plt.rcParams["savefig.dpi"]
    saved_dpi = fig.dpi if saved_dpi == "figure" else saved_dpi
    assert theme._png_width(png) == pytest.approx(4 * saved_dpi, rel=0.1)
    assert plt.fignum_exists(fig.number)  # outside a notebook nothing is shown or closed
    plt.close(fig)
