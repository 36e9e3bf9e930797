"""Every lesson that reads the survey runs on a class of 40 firms with only 2 Medium firms, and
says only what that class shows."""

import survey_battery
from battery_lessons import check_lessons, run_lessons

LESSONS = [
    "01_questionnaire_and_data.ipynb",
    "02_descriptives.ipynb",
    "03_diagnostics.ipynb",
    "04_path_analysis.ipynb",
    "05_robustness.ipynb",
    "06_reporting_audit.ipynb",
    "07_power_and_simulation.ipynb",
    "08_measurement_model.ipynb",
]


def test_every_lesson_runs_on_a_class_of_40_with_two_medium_firms(tmp_path):
    member = next(m for m in survey_battery.MEMBERS if m.name == "class_40_two_medium")
    executed = run_lessons(survey_battery.write(member, tmp_path), LESSONS, tmp_path)
    check_lessons(executed)
    groups = " ".join(map(str, executed["02_descriptives.ipynb"].cells))
    assert "With only 2 medium-sized firms no test was run" in groups
