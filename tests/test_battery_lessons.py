"""The lessons each battery survey exercises run on it and say only what it shows: a class of 60,
a rejected model, weak and negative paths, answers far from normal."""

import pytest
import survey_battery
from battery_lessons import check_lessons, run_lessons, said

EXERCISED = {
    "class_60": ["02_descriptives.ipynb", "03_diagnostics.ipynb"],
    "model_rejected": [
        "04_path_analysis.ipynb",
        "05_robustness.ipynb",
        "06_reporting_audit.ipynb",
        "08_measurement_model.ipynb",
    ],
    "weak_paths": ["04_path_analysis.ipynb", "05_robustness.ipynb"],
    "non_normal": ["03_diagnostics.ipynb", "05_robustness.ipynb"],
}
EXPECTED = {  # the sentences each survey must make its lessons say
    "model_rejected": [
        ("04_path_analysis.ipynb", "the data reject the four restrictions"),
        ("08_measurement_model.ipynb", "The criterion fails for PCDP"),
    ],
    "weak_paths": [("04_path_analysis.ipynb", "Not supported: ")],
    "non_normal": [("03_diagnostics.ipynb", "Both tests reject here")],
    "class_60": [("02_descriptives.ipynb", "The frequency columns agree in")],
}


@pytest.mark.parametrize("name", sorted(EXERCISED))
def test_the_lessons_a_survey_exercises_run_on_it_and_say_what_it_shows(name, tmp_path):
    member = next(m for m in survey_battery.MEMBERS if m.name == name)
    executed = run_lessons(survey_battery.write(member, tmp_path), EXERCISED[name], tmp_path)
    check_lessons(executed)
    for lesson, phrase in EXPECTED[name]:
        assert any(phrase in sentence for sentence in said(executed[lesson])), said(executed[lesson])
