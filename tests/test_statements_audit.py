"""Lessons 01 and 06: the data-origin sentence and the audit of the kit's own fit, on every
survey of the battery."""

from __future__ import annotations

import pytest

from helpers import audit
from helpers.statements import audit as say

MEMBERS = ["shipped", "class_40_two_medium", "class_60", "model_rejected", "weak_paths", "non_normal"]


@pytest.fixture(params=MEMBERS)
def analysed(request, battery):
    return battery[request.param]


def test_the_data_origin_says_synthetic_only_for_the_shipped_file(analysed):
    text = say.data_origin(analysed.source)
    assert text.startswith("The data themselves are synthetic") == analysed.source.shipped
    if not analysed.source.shipped:
        assert f"your own survey ({analysed.source.n_firms} firms)" in text


def test_the_own_fit_audit_counts_the_flags_and_names_the_fit(analysed):
    values = audit.values_like_published(analysed.fit.fit_measures(), analysed.table5, n=analysed.fit.n)
    report = audit.audit(values)
    text = say.own_fit_audit(report, analysed.fit.fit_measures(), analysed.source)
    flagged = int((report["verdict"] != "consistent").sum())
    assert text.startswith("Every check passes") == (flagged == 0)
    if flagged:
        assert text.startswith(f"{flagged} of {len(report)} checks are flagged")
    if analysed.source.shipped:
        assert "The synthetic data were built to match" in text
    else:
        assert f"χ² = {analysed.fit.fit_measures()['chisq']:.2f} on 4 df" in text


def test_a_flagged_check_in_the_own_fit_audit_is_named(battery):
    analysed = battery["shipped"]
    report = audit.audit(
        audit.values_like_published(analysed.fit.fit_measures(), analysed.table5, n=analysed.fit.n)
    )
    report.loc[report.index[0], "verdict"] = "inconsistent"
    text = say.own_fit_audit(report, analysed.fit.fit_measures(), analysed.source)
    assert text.startswith(f"1 of {len(report)} checks are flagged ({report['item'].iloc[0]})")


def test_the_verdict_counts_add_up_and_name_the_decision_errors(analysed):
    values = audit.values_like_published(analysed.fit.fit_measures(), analysed.table5, n=analysed.fit.n)
    for report in (audit.audit(values), audit.audit_published_values()):
        text = say.verdict_counts(report)
        counts = audit.verdict_counts(report)
        assert text.startswith(f"Of the {len(report)} checks, ")
        for verdict, count in counts.items():
            one, several = say.VERDICT_PHRASES[verdict]
            expected = f"none {one}" if count == 0 else f"{count} {one if count == 1 else several}"
            assert expected in text, (verdict, text)
        errors = report.index[report["verdict"] == audit.DECISION_ERROR]
        assert ("Decision error" in text) == (len(errors) > 0)
        assert all(check in text for check in errors)
