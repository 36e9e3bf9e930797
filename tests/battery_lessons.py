"""Running the lessons on a battery survey, for tests/test_battery_*.py."""

from __future__ import annotations

from pathlib import Path

import nbformat

from tools.notebook_runner import KernelSession

ROOT = Path(__file__).resolve().parents[1]
SHIPPED_ONLY = ("synthetic data were built", "The data are synthetic", "simulated firms", "by construction")


def run_lessons(survey: Path, lessons: list[str], output: Path) -> dict[str, nbformat.NotebookNode]:
    """Execute ``lessons`` on ``survey`` in one reused kernel, as replicate does; fail on any error."""
    executed = {}
    with KernelSession({"survey_file": str(survey)}) as session:
        for lesson in lessons:
            status, _, detail = session.run(ROOT / "notebooks" / lesson, output / lesson)
            assert status == "ok", f"{lesson} on {survey.name}: {detail}"
            executed[lesson] = nbformat.read(output / lesson, as_version=4)
    return executed


def said(notebook: nbformat.NotebookNode) -> list[str]:
    """The computed sentences a lesson showed (``lesson.say``)."""
    return [
        output["data"]["text/plain"]
        for cell in notebook.cells
        if cell.cell_type == "code" and "lesson.say(" in cell.source
        for output in cell.outputs
        if output.get("output_type") == "display_data"
    ]


def check_lessons(executed: dict[str, nbformat.NotebookNode]) -> None:
    """Every lesson said what its cells compute, and nothing only the shipped data make true."""
    for lesson, notebook in executed.items():
        sentences = said(notebook)
        expected = sum("lesson.say(" in cell.source for cell in notebook.cells if cell.cell_type == "code")
        assert len(sentences) >= expected, lesson
        for sentence in sentences:
            assert not any(phrase in sentence for phrase in SHIPPED_ONLY), (lesson, sentence)
