"""Tables 2-5 in the paper's layout, beside the published numbers, and Figure 2."""

import io
import json
import math
from functools import cache
from pathlib import Path

import matplotlib.pyplot as plt
import pytest
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch
from semopy.examples import holzinger39

from helpers import figures, paper_model, published, settings
from helpers import paper_tables as pt
from helpers.sem import fit_sem
from helpers.survey import load_survey, score_constructs

FIXTURES = Path(__file__).parent / "fixtures" / "lavaan"
TOLERANCE = 1e-4


@cache
def reference(name: str) -> dict:
    return json.loads((FIXTURES / f"{name}.json").read_text())


@cache
def fitted(correlated: bool = True):
    return paper_model.fit(
        score_constructs(load_survey(settings.SHIPPED_SURVEY_FILE)), correlated_outcomes=correlated
    )


def test_kit_fixtures_are_for_the_current_survey_and_model():
    import hashlib

    digest = hashlib.sha256(settings.SHIPPED_SURVEY_FILE.read_bytes()).hexdigest()
    for name, correlated in (("kit_paper_model_correlated", True), ("kit_paper_model_orthogonal", False)):
        assert reference(name)["meta"]["survey_sha256"] == digest, (
            "data/sme_kerala_survey.csv changed after the lavaan fixtures were made; "
            "regenerate them: python tools/make_lavaan_fixtures.py kit (needs R + lavaan)"
        )
        assert reference(name)["syntax"] == paper_model.model_syntax(correlated_outcomes=correlated)


def test_orthogonal_outcomes_cost_three_degrees_of_freedom():
    correlated, orthogonal = fitted(True).fit_measures(), fitted(False).fit_measures()
    assert orthogonal["df"] - correlated["df"] == 3
    assert correlated["npar"] - orthogonal["npar"] == 3
    assert orthogonal["chisq"] > correlated["chisq"]
    assert orthogonal["baseline_chisq"] == pytest.approx(correlated["baseline_chisq"])  # not the user model's
    # lavaan: 6 variables, PCDP's variance fixed (fixed.x), 16 free parameters -> df = 20 - 16
    assert correlated["df"] == 4
    assert correlated["baseline_df"] == 15


def test_table2_has_the_published_layout():
    table = pt.table2_model_tests(fitted())
    paper = published.table2()
    assert list(table.columns) == [c for c in paper.columns if c != "source"]
    assert list(table["model"]) == list(paper["model"])


@pytest.mark.parametrize(
    ("make", "paper"), [(pt.table3_fit_indices, published.table3), (pt.table4_fit_indices, published.table4)]
)
def test_fit_index_tables_follow_the_published_rows(make, paper):
    table = make(fitted())
    assert list(table["measure"]) == list(paper()["measure"])
    lavaan = reference("kit_paper_model_correlated")["fit_measures"]
    for row in table.itertuples(index=False):
        assert row.value == pytest.approx(lavaan[row.lavaan_name], abs=TOLERANCE)


def test_table5_gives_beta_p_and_decision_per_hypothesis():
    table = pt.table5_paths(fitted())
    assert list(table["hypothesis"]) == list(published.table5()["hypothesis"])
    assert {"path", "beta", "p", "decision"} <= set(table.columns)
    lavaan = {
        (r["rhs"], r["lhs"]): r
        for r in reference("kit_paper_model_correlated")["parameters"]
        if r["op"] == "~"
    }
    for row in table.itertuples(index=False):
        ref = lavaan[(row.predictor, row.outcome)]
        assert row.beta == pytest.approx(ref["std_all"], abs=TOLERANCE)
        assert row.p == pytest.approx(ref["pvalue"], abs=TOLERANCE)
        assert row.decision == ("Supported" if ref["pvalue"] < 0.05 else "Not supported")
    assert table.loc[0, "path"] == "PCDP → IT"


def test_decision_follows_alpha():
    p = pt.table5_paths(fitted())["p"]
    strict = pt.table5_paths(fitted(), alpha=float(p.min()))  # no p is below its own minimum
    assert (strict["decision"] == "Not supported").all()


@pytest.mark.parametrize(
    ("reproduced", "paper", "decimals", "verdict"),
    [
        (0.5189, 0.52, 2, pt.MATCHES),
        (0.514, 0.52, 2, pt.DIFFERS),
        (2e-22, 0.0, 3, pt.MATCHES),  # printed as 0.000
        (3.6478, 3.64, 2, pt.DIFFERS),  # rounds to 3.65
        (0.2003, 0.2, 1, pt.MATCHES),
        (4.0, 14.0, 0, pt.DIFFERS),
    ],
)
def test_verdict_compares_at_the_printed_precision(reproduced, paper, decimals, verdict):
    assert pt.verdict(reproduced, paper, decimals) == verdict


def test_comparison_puts_each_published_number_beside_ours():
    table = pt.compare_with_published(fitted())
    assert list(table.columns) == [
        "table", "quantity", "reproduced", "published", "decimals", "difference", "verdict",
    ]  # fmt: skip
    # Table 2: 2 models x 3 numbers; Table 3: 8; Table 4: 5; Table 5: 8 hypotheses x (beta, p)
    assert table["table"].value_counts().to_dict() == {
        "Table 2": 6, "Table 3": 8, "Table 4": 5, "Table 5": 16,
    }  # fmt: skip
    rows = table.set_index(["table", "quantity"])
    assert rows.loc[("Table 4", "cfi"), "published"] == published.table4()["value"].iloc[0]
    assert rows.loc[("Table 5", "H3b: beta"), "decimals"] == 1  # printed "0.2"
    assert rows.loc[("Table 5", "H2a: p"), "decimals"] == 3  # printed "0.000"
    chisq = rows.loc[("Table 2", "User Model: chi_square")]
    lavaan_chisq = reference("kit_paper_model_correlated")["fit_measures"]["chisq"]
    assert chisq["reproduced"] == pytest.approx(lavaan_chisq, abs=TOLERANCE)
    assert chisq["difference"] == pytest.approx(chisq["reproduced"] - chisq["published"])
    assert set(table["verdict"]) <= {pt.MATCHES, pt.DIFFERS}


# --- Figure 2 --------------------------------------------------------------------------------


def _png(figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=60)
    return buffer.getvalue()


def test_path_diagram_draws_boxes_arrows_and_labels():
    fit = fitted()
    figure = figures.path_diagram(fit)
    ax = figure.axes[0]
    boxes = [p for p in ax.patches if isinstance(p, FancyBboxPatch)]
    arrows = [p for p in ax.patches if isinstance(p, FancyArrowPatch)]
    assert len(boxes) == 6
    assert len(arrows) == 8 + 3  # eight paths, three outcome residual correlations
    texts = " ".join(t.get_text() for t in ax.texts)
    for beta in pt.table5_paths(fit)["beta"]:
        assert f"{beta:.2f}" in texts
    assert f"R² = {fit.r_squared()['market_reach']:.2f}" in texts
    assert "PCDP" in texts and "β" in ax.get_title(loc="left")
    plt.close(figure)


def test_path_diagram_unstandardized_and_orthogonal():
    fit = fitted(False)
    figure = figures.path_diagram(fit, standardized=False)
    ax = figure.axes[0]
    assert len([p for p in ax.patches if isinstance(p, FancyArrowPatch)]) == 8
    texts = " ".join(t.get_text() for t in ax.texts)
    estimates = fit.parameter_estimates()
    for b in estimates.loc[estimates["op"] == "~", "est"]:
        assert f"{b:.2f}" in texts
    assert "B (unstandardized)" in ax.get_title(loc="left")
    assert "Curved arrows" not in texts  # no residual covariances to explain
    plt.close(figure)


def outcome_covariances(fit):
    estimates = fit.parameter_estimates()
    outcomes = set(paper_model.OUTCOMES)
    pairs = (estimates["op"] == "~~") & (estimates["lhs"] != estimates["rhs"])
    return estimates[pairs & estimates["lhs"].isin(outcomes) & estimates["rhs"].isin(outcomes)]


@pytest.mark.parametrize("standardized", [True, False])
def test_curved_arrows_show_correlations_only_in_the_standardized_diagram(standardized):
    fit = fitted()
    ax = figures.path_diagram(fit, standardized=standardized).axes[0]
    texts = [t.get_text() for t in ax.texts]
    covariances = outcome_covariances(fit)
    assert len(covariances) == 3
    for row in covariances.itertuples(index=False):
        expected = f"r = {row.std_all:.2f}" if standardized else f"{row.est:.2f}"
        assert expected in texts
    assert any(t.startswith("r = ") for t in texts) == standardized
    legend = next(t for t in texts if t.startswith("Curved arrows"))
    assert ("correlations r" in legend) == standardized and ("covariances" in legend) != standardized
    plt.close("all")


def path_labels(ax) -> dict[str, tuple[float, float]]:
    return {t.get_gid(): t.get_position() for t in ax.texts if (t.get_gid() or "").startswith("path:")}


@pytest.mark.parametrize("variant", ["paper", "direct"])
@pytest.mark.parametrize("standardized", [True, False])
def test_each_path_label_sits_on_its_own_arrow_clear_of_the_others(variant, standardized):
    """No label sits where two arrows cross (the 0.23 and 0.33 labels once did)."""
    from helpers.figures.path_diagram import box_positions, distance_to_arrow, path_between

    v = paper_model.VARIANTS[variant]
    scores = score_constructs(load_survey(settings.SHIPPED_SURVEY_FILE))
    fit = paper_model.fit(scores, v.correlated_outcomes, v.direct_paths)
    ax = figures.path_diagram(fit, standardized=standardized).axes[0]
    estimates = fit.parameter_estimates()
    arrows = {
        f"path:{r.rhs}->{r.lhs}": path_between(r.rhs, r.lhs, "", box_positions())
        for r in estimates[estimates["op"] == "~"].itertuples(index=False)
    }
    labels = path_labels(ax)
    assert set(labels) == set(arrows)
    assert {p.get_gid() for p in ax.patches if isinstance(p, FancyArrowPatch) and p.get_gid()} == set(arrows)
    for gid, point in labels.items():
        assert distance_to_arrow(point, arrows[gid]) < 1e-6
        nearest_other = min(
            distance_to_arrow(point, arrow) for other, arrow in arrows.items() if other != gid
        )
        assert nearest_other > 0.3, (gid, nearest_other)
        for other, elsewhere in labels.items():
            if other != gid:
                assert math.dist(point, elsewhere) > 0.3, (gid, other)
    plt.close("all")


def test_the_conceptual_diagram_places_its_hypothesis_labels_clear_of_crossings():
    from helpers.figures.path_diagram import box_positions, distance_to_arrow, path_between

    ax = figures.conceptual_diagram().axes[0]
    labels = {t.get_text(): t.get_position() for t in ax.texts if (t.get_gid() or "").startswith("path:")}
    assert sorted(labels) == sorted(h.code for h in paper_model.HYPOTHESES)
    arrows = {
        h.code: path_between(h.predictor, h.outcome, h.code, box_positions()) for h in paper_model.HYPOTHESES
    }
    for code, point in labels.items():
        assert distance_to_arrow(point, arrows[code]) < 1e-6
        assert min(distance_to_arrow(point, a) for other, a in arrows.items() if other != code) > 0.3, code
    plt.close("all")


def test_path_diagram_is_deterministic():
    first, second = figures.path_diagram(fitted()), figures.path_diagram(fitted())
    assert _png(first) == _png(second)
    plt.close("all")


def test_path_diagram_needs_the_papers_model():
    other = fit_sem(reference("holzinger_swineford_1939")["syntax"], holzinger39.get_data())
    with pytest.raises(ValueError, match="not a fit of the paper's model"):
        figures.path_diagram(other)
