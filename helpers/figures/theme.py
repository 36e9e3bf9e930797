"""The kit's one figure theme, and saving a figure where lessons can show it."""

from __future__ import annotations

import io
from pathlib import Path

import matplotlib.pyplot as plt
import seaborn as sns
from matplotlib.figure import Figure

from helpers import files, settings

PALETTE = "colorblind"


def set_theme() -> None:
    """The kit's theme: white grid, large enough type for a projector, colour-blind palette."""
    sns.set_theme(context="notebook", style="whitegrid", palette=PALETTE, font_scale=1.05)
    plt.rcParams.update(
        {
            "figure.dpi": 100,
            "savefig.dpi": 150,
            "savefig.bbox": "tight",
            "axes.titleweight": "bold",
            "svg.hashsalt": "sme-kerala-kit",  # stable SVG ids, so saved files do not churn
        }
    )


def save_figure(
    figure: Figure, name: str, formats: tuple[str, ...] = ("png",), folder: Path | None = None
) -> None:
    """Save a figure as ``<name>.png`` in ``folder`` (default: results/figures; add ``"svg"`` or
    ``"pdf"`` to ``formats`` for vector copies) and, inside a notebook, show the saved PNG as the
    cell's output.

    Showing the file itself means the reader sees exactly what was saved, and the figure is drawn
    once instead of twice (the inline backend would otherwise render it again).
    """
    folder = settings.results_dir("figures") if folder is None else Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    saved = {}
    for suffix in formats:
        buffer = io.BytesIO()
        figure.savefig(buffer, format=suffix, metadata={"Date": None} if suffix == "svg" else None)
        saved[suffix] = buffer.getvalue()
        files.write_bytes(folder / f"{name}.{suffix}", saved[suffix])
    if "png" in saved and settings.inside_a_notebook():
        from IPython.display import Image, display

        png = saved["png"]  # the very bytes written to the file
        # shown at the size the inline backend would use: saved at savefig.dpi, shown at figure.dpi
        saved_dpi = plt.rcParams["savefig.dpi"]
        saved_dpi = figure.dpi if saved_dpi == "figure" else saved_dpi
        shown_width = round(_png_width(png) * figure.dpi / saved_dpi)
        display(Image(data=png, format="png", width=shown_width))
        plt.close(figure)


def _png_width(png: bytes) -> int:
    """Pixel width from a PNG's header (the IHDR chunk starts at byte 16)."""
    return int.from_bytes(png[16:20], "big")
