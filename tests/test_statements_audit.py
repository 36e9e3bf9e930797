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


# --- Table 5's p-values and marks (lesson 06) -------------------------------------------------------


def table5_inputs(values):
    report = audit.audit(values)
    chisq = values["chisq"].value if values.get("chisq") is not None else None
    return audit.path_pvalue_table(values["paths"], values["n"], chisq), report


def test_the_papers_path_p_values_are_sorted_by_where_their_range_lies():
    paths, report = table5_inputs(audit.published_values())
    text = say.path_pvalues(paths, report)
    verdicts = {h: report.loc[f"T5-p-{h}", "verdict"] for h in paths.index}
    outside = [h for h, v in verdicts.items() if v != audit.CONSISTENT]
    assert text.startswith(f"{say._count_word(len(outside), len(paths))} printed p-values lie outside")
    assert verdicts["H2b"] == audit.INCONSISTENT
    assert "For H1a, H1b and H3b" in text and "*likely misprints*" in text
    assert "For H2b the β allows p = .027 to .052, a range that straddles .05" in text
    assert "decision error" not in text
    brief = say.path_pvalues_in_brief(paths, report)
    assert "H1a, H1b and H3b are likely misprints" in brief and "H2b is an unsettled inconsistency" in brief
    survive = say.hypotheses_that_survive(paths)
    below = [h for h in paths.index if paths.loc[h, "p high"] < 0.05]
    assert f"{say._count_word(len(below), len(paths)).lower()} paths" in survive
    assert "H2b's β allows p = .027 to .052" in survive
    marks = say.table5_marks(report)
    assert marks.startswith("The marks of H2a, H2c, H3a and H3c contradict the note")
    assert "and the note itself are likely misprints" in marks


def test_a_path_p_on_the_other_side_of_alpha_is_called_a_decision_error():
    values = audit.published_values()
    paths = values["paths"].copy()
    paths.loc[paths["hypothesis"] == "H3b", "p"] = 0.200  # β = .20 allows only p < .01
    values["paths"] = paths
    paths_table, report = table5_inputs(values)
    text = say.path_pvalues(paths_table, report)
    assert report.loc["T5-p-H3b", "verdict"] == audit.DECISION_ERROR
    assert "For H3b the printed p is on the other side of .05" in text
    assert "H3b is a decision error" in say.path_pvalues_in_brief(paths_table, report)


def test_a_real_fit_has_no_path_p_outside_its_range(analysed):
    values = audit.values_like_published(analysed.fit.fit_measures(), analysed.table5, n=analysed.fit.n)
    paths, report = table5_inputs(values)
    assert say.path_pvalues(paths, report).startswith("Every printed p of Table 5 is one its β allows")
    assert say.path_pvalues_in_brief(paths, report) == "All eight of Table 5's p-values fit their β."
    survive = say.hypotheses_that_survive(paths)
    assert survive.startswith("With the p-values recomputed from Table 5's β, ")
    for h in paths.index:  # every hypothesis is placed by where its range lies
        side = (paths.loc[h, "p high"] < 0.05, paths.loc[h, "p low"] >= 0.05)
        if not any(side):
            assert f"{h}'s β allows" in survive
    if (paths["p high"] < 0.05).all():
        assert "all eight paths are significant at .05" in survive
