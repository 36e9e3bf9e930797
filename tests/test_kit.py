"""The README's commands are what CI runs, and the task runner reports notebook failures."""

import os
import re
import subprocess
import sys

import nbformat
from nbformat.v4 import new_code_cell, new_notebook

from helpers import settings
from tools import notebook_runner as runner

ROOT = settings.REPO_ROOT


def test_ci_runs_exactly_the_readme_test_command():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text()
    commands = re.findall(r"^python3 kit\.py (\w+)", readme, flags=re.MULTILINE)
    assert commands[:2] == ["replicate", "test"]
    assert re.search(r"^exec python3 kit\.py test$", ci, flags=re.MULTILINE)


def test_lesson_notebooks_are_numbered_in_order():
    names = [path.name for path in runner.lesson_notebooks()]
    assert names == sorted(names) and names[0].startswith("00_")
    assert all(re.match(r"\d\d_[a-z0-9_]+\.ipynb$", name) for name in names)


def notebook_with(tmp_path, name, source):
    path = tmp_path / name
    notebook = new_notebook(cells=[new_code_cell(source)])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(notebook, path)
    return path


def test_runner_executes_a_notebook_and_keeps_its_output(tmp_path):
    source = notebook_with(tmp_path, "good.ipynb", "print(6 * 7)")
    status, seconds, _ = runner.execute_notebook(source, tmp_path / "out.ipynb")
    executed = nbformat.read(tmp_path / "out.ipynb", as_version=4)
    assert status == "ok" and seconds > 0
    assert executed.cells[0].outputs[0]["text"] == "42\n"


def test_runner_reports_a_failing_notebook(tmp_path, capsys):
    good = notebook_with(tmp_path, "a_good.ipynb", "1 + 1")
    bad = notebook_with(tmp_path, "b_bad.ipynb", "raise ValueError('planted failure')")
    output = tmp_path / "executed"
    output.mkdir()
    ran = runner.run_notebooks([good, bad], output, workers=1)
    assert [result["status"] for result in ran] == ["ok", "FAILED"] and not runner.all_ran(ran)
    printed = capsys.readouterr().out
    assert re.search(r"a_good\.ipynb\s+ok", printed) and re.search(r"b_bad\.ipynb\s+FAILED", printed)
    # the failing cell's first lines and the error's last line, without colour codes
    assert "--- b_bad.ipynb stopped at cell 1:\n    raise ValueError('planted failure')\n" in printed
    assert "  ValueError: planted failure" in printed and "\x1b[" not in printed


def test_replicate_refuses_a_data_file_that_does_not_exist(tmp_path):
    result = subprocess.run(
        [sys.executable, str(ROOT / "kit.py"), "replicate", "--data", str(tmp_path / "none.csv")],
        capture_output=True,
        text=True,
        env={**os.environ, "KIT_NO_VENV": "1"},
    )
    assert result.returncode == 2
    assert f"there is no file {tmp_path / 'none.csv'}" in result.stderr
    assert "columns as in data/codebook.csv" in result.stderr


def test_a_reused_kernel_starts_each_notebook_as_a_fresh_one_would(tmp_path):
    """replicate and refresh reuse one kernel per worker; nothing may carry over between notebooks."""
    first_folder, second_folder = tmp_path / "first", tmp_path / "second"
    first_folder.mkdir()
    second_folder.mkdir()
    first = notebook_with(
        first_folder,
        "a_changes_everything.ipynb",
        "import os, warnings\n"
        "import matplotlib.pyplot as plt\n"
        "import pandas as pd\n"
        "left_behind = 1\n"
        "pd.set_option('display.precision', 1)\n"
        "plt.rcParams['lines.linewidth'] = 9\n"
        "plt.figure()\n"
        "warnings.simplefilter('ignore')\n"
        "warnings.warn('shown once', UserWarning)\n"
        "os.chdir(os.path.expanduser('~'))",
    )
    second = notebook_with(
        second_folder,
        "b_expects_a_fresh_kernel.ipynb",
        "import os, warnings\n"
        "import matplotlib.pyplot as plt\n"
        "import pandas as pd\n"
        "print('left_behind' in globals(), pd.get_option('display.precision'),\n"
        "      plt.rcParams['lines.linewidth'], len(plt.get_fignums()), os.path.basename(os.getcwd()))\n"
        "warnings.warn('shown once', UserWarning)",
    )
    output = tmp_path / "executed"
    output.mkdir()
    with runner.KernelSession() as session:
        assert [session.run(path, output / path.name)[0] for path in (first, second)] == ["ok", "ok"]
        process_id = "import os\nos.getpid()"
        pid_a = notebook_with(tmp_path, "pid_a.ipynb", process_id)
        pid_b = notebook_with(tmp_path, "pid_b.ipynb", process_id)
        session.run(pid_a, output / "pid_a.ipynb")
        session.run(pid_b, output / "pid_b.ipynb")
    outputs = nbformat.read(output / second.name, as_version=4).cells[0].outputs
    assert outputs[0]["text"] == "False 6 1.5 0 second\n"
    assert any(o.get("name") == "stderr" and "shown once" in o["text"] for o in outputs)
    results = [
        nbformat.read(output / name, as_version=4).cells[0].outputs[0]
        for name in ("pid_a.ipynb", "pid_b.ipynb")
    ]
    assert results[0]["data"] == results[1]["data"]  # one kernel process ran both: reuse really happened
    assert [result["execution_count"] for result in results] == [1, 1]  # Out[1] in each, as if fresh
    assert session.kernel_manager is None


def test_a_kernel_that_dies_is_reported_and_replaced(tmp_path):
    dies = notebook_with(tmp_path, "a_dies.ipynb", "import os\nos._exit(1)")
    after = notebook_with(tmp_path, "b_after.ipynb", "print('still running')")
    output = tmp_path / "executed"
    output.mkdir()
    with runner.KernelSession() as session:
        status_dies, _, detail = session.run(dies, output / dies.name)
        status_after, _, _ = session.run(after, output / after.name)
    assert status_dies == "FAILED" and "DeadKernelError" in detail, detail
    assert status_after == "ok"
    assert nbformat.read(output / after.name, as_version=4).cells[0].outputs[0]["text"] == "still running\n"


def test_parameters_are_written_into_a_cell_after_the_parameters_cell(tmp_path):
    notebook = new_notebook(cells=[new_code_cell("survey_file = None"), new_code_cell("print(survey_file)")])
    notebook.cells[0].metadata["tags"] = ["parameters"]
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(notebook, tmp_path / "lesson.ipynb")
    status, _, _ = runner.execute_notebook(
        tmp_path / "lesson.ipynb", tmp_path / "out.ipynb", {"survey_file": "/x.csv"}
    )
    executed = nbformat.read(tmp_path / "out.ipynb", as_version=4)
    assert status == "ok" and executed.cells[1].metadata["tags"] == ["injected-parameters"]
    assert executed.cells[-1].outputs[0]["text"] == "/x.csv\n"
    assert len(nbformat.read(tmp_path / "lesson.ipynb", as_version=4).cells) == 2  # the source is untouched


def test_a_notebook_without_a_parameters_cell_takes_no_parameters():
    notebook = new_notebook(cells=[new_code_cell("1")])
    runner.inject_parameters(notebook, {"survey_file": "/x.csv"})
    assert len(notebook.cells) == 1


def test_kernels_running_side_by_side_use_one_blas_thread_each(tmp_path):
    source = "import os\nprint(os.environ.get('OMP_NUM_THREADS'), os.environ.get('OPENBLAS_NUM_THREADS'))"
    paths = [notebook_with(tmp_path, f"n{k}.ipynb", source) for k in range(2)]
    output = tmp_path / "executed"
    output.mkdir()
    assert runner.run_notebooks(paths, output, workers=2)
    for path in paths:
        assert nbformat.read(output / path.name, as_version=4).cells[0].outputs[0]["text"] == "1 1\n"


def test_notebooks_start_longest_first_by_last_runs_times(tmp_path):
    paths = [tmp_path / name for name in ("a.ipynb", "b.ipynb", "c.ipynb", "new.ipynb")]
    timings = tmp_path / "notebook_seconds.json"
    assert runner.longest_first(paths, timings) == [0, 1, 2, 3]  # no record yet: as given
    timings.write_text('{"a.ipynb": 1.0, "b.ipynb": 5.0, "c.ipynb": 2.5}')
    assert runner.longest_first(paths, timings) == [3, 1, 2, 0]  # unknown first, then longest


def test_a_print_split_into_two_stream_messages_is_stored_as_one_output():
    from nbformat.v4 import new_output

    cell = new_code_cell("print('✓ Right.')")
    cell.outputs = [
        new_output("stream", name="stdout", text="✓ Right."),
        new_output("stream", name="stdout", text="\n"),
        new_output("stream", name="stderr", text="a warning\n"),
        new_output("execute_result", data={"text/plain": "1"}, execution_count=1),
        new_output("stream", name="stdout", text="after\n"),
    ]
    notebook = new_notebook(cells=[cell])
    runner.coalesce_streams(notebook)
    outputs = notebook.cells[0].outputs
    assert [(o.output_type, o.get("name"), o.get("text")) for o in outputs] == [
        ("stream", "stdout", "✓ Right.\n"),
        ("stream", "stderr", "a warning\n"),
        ("execute_result", None, None),
        ("stream", "stdout", "after\n"),
    ]
    nbformat.validate(notebook)
