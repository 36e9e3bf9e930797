"""The reporting audit: every published number that can be checked against the paper's others.

In the spirit of statcheck (Nuijten et al., 2016, *Behavior Research Methods* 48, 1205-1226),
which recomputes p-values from reported test statistics, but wider: degrees of freedom are
counted from the model of Figure 2, fit indices recomputed from the chi-square values with
lavaan's formulas (``fitMeasures``, lavaan 0.6, as ``helpers.sem.fit_measures`` writes them),
the parameter count recovered from AIC and BIC, each path's p-value bounded from its
standardized coefficient, percentages checked against counts, and significance marks read
against the table note and the text.

The one rule behind every check: **a printed number stands for an interval.** A value printed
with d decimals can be anything within ±½·10⁻ᵈ of it. A check recomputes a quantity from the
intervals of its inputs and calls the published value *consistent* when its own interval
overlaps the recomputed one. A check that fails gets one of three verdicts (``VERDICTS``,
explained in ``VERDICT_MEANINGS``):

- a *decision error* (statcheck's term, applied to every verdict the paper prints or states):
  a test verdict, significant or not at alpha, that the paper's own numbers reverse: a path's
  p or mark, the user model's χ² test, the test of close fit, the text's reading of them. It
  counts even when the conclusion drawn from the verdict would not change (the text calling a
  non-significant χ² significant, yet concluding "good fit" as the right verdict would allow).
  The baseline model's test decides nothing (it is the yardstick of CFI, TLI and RNI), so it
  never makes a decision error;
- a *likely misprint* when a slip in printing one value explains it and correcting it changes
  no verdict: a path's p that its β cannot give, on the same side of alpha as every p the β
  allows; marks that disagree with the table's note but follow the levels the text names; a
  percentage off its count by less than a point; a number the text copies differently from
  the table;
- an *unsettled inconsistency* otherwise: no dataset could give all the printed numbers, and
  the paper alone cannot say which are wrong, nor whether a verdict would change once they are
  corrected (Tables 2-4 as a whole; a path's p whose recomputed range straddles alpha).

Published numbers are never typed in here: ``published_values()`` reads them from
``data/published`` with the decimals the paper prints. ``audit(values)`` accepts any numbers in
the same layout, e.g. our own fit rounded like the paper (``values_like_published``), and
``audit_published_values()`` runs every check on the paper's numbers.

The package, by concern (everything public is importable from ``helpers.audit``):

- ``printed``: printed numbers as intervals (``Reported``), the report's row (``Check``), verdicts;
- ``fit_checks``: Tables 2-4 recomputed (model test p, df, RMSEA, CFI/TLI/RNI, AIC/BIC);
- ``relations``: relations the fit indices must satisfy among themselves;
- ``path_checks``: Table 5 (each path's p from its β, the marks, the legend, the decisions);
- ``percentages``: Table 1 and the platform shares against the counts;
- ``text_checks``: the text's claims about fit;
- ``report``: the numbers audited, the whole audit and its summaries.
"""

from helpers.audit.fit_checks import (
    CLOSE_FIT_RMSEA,
    INCREMENTAL_INDICES,
    RMSEA_CI_LEVELS,
    baseline_df,
    check_df_search,
    check_incremental_indices,
    check_information_criteria,
    check_model_degrees_of_freedom,
    check_model_test_pvalue,
    check_rmsea,
    degrees_of_freedom_by_variables,
    df_search,
    incremental_fit,
    information_criteria_penalties,
    moments,
    parameter_count_from_criteria,
    variables_for_baseline_df,
)
from helpers.audit.path_checks import (
    check_decisions,
    check_legend_against_text,
    check_marks,
    check_marks_against_text,
    check_path_pvalues,
    check_table5,
    expected_mark,
    implied_path_tests,
    mark_interval,
    misfit_partial_correlation,
    path_pvalue_table,
    path_test_statistics,
    text_reading,
    traced_correlations,
)
from helpers.audit.percentages import check_percentages, check_platform_percentages
from helpers.audit.printed import (
    COLUMNS,
    CONSISTENT,
    DECISION_ERROR,
    DEFAULT_ALPHA,
    EPS,
    INCONSISTENT,
    MISPRINT,
    VERDICT_MEANINGS,
    VERDICTS,
    Check,
    Reported,
    overlaps,
)
from helpers.audit.relations import baseline_chisq_floor, check_index_relations
from helpers.audit.report import (
    FIT_KEYS,
    LAVAAN_ALIASES,
    TABLE3_NAMES,
    TABLE4_NAMES,
    audit,
    audit_published_values,
    flagged,
    published_decimals,
    published_values,
    section,
    values_like_published,
    verdict_counts,
    verdict_summary,
)
from helpers.audit.text_checks import check_text_claims, text_claims
from helpers.sem.fit_measures import chisq_pvalue, rmsea, rmsea_ci, rmsea_pvalue

__all__ = [
    # printed numbers and verdicts
    "CONSISTENT",
    "MISPRINT",
    "INCONSISTENT",
    "DECISION_ERROR",
    "VERDICTS",
    "VERDICT_MEANINGS",
    "DEFAULT_ALPHA",
    "EPS",
    "COLUMNS",
    "Reported",
    "Check",
    "overlaps",
    # lavaan's formulas and counting, as the audit uses them
    "chisq_pvalue",
    "rmsea",
    "rmsea_ci",
    "rmsea_pvalue",
    "incremental_fit",
    "INCREMENTAL_INDICES",
    "moments",
    "baseline_df",
    "CLOSE_FIT_RMSEA",
    "RMSEA_CI_LEVELS",
    # Tables 2-4
    "degrees_of_freedom_by_variables",
    "variables_for_baseline_df",
    "information_criteria_penalties",
    "parameter_count_from_criteria",
    "df_search",
    "check_model_test_pvalue",
    "check_model_degrees_of_freedom",
    "check_df_search",
    "check_rmsea",
    "check_incremental_indices",
    "check_information_criteria",
    # relations among the indices
    "check_index_relations",
    "baseline_chisq_floor",
    # Table 5
    "traced_correlations",
    "path_test_statistics",
    "misfit_partial_correlation",
    "implied_path_tests",
    "path_pvalue_table",
    "expected_mark",
    "mark_interval",
    "check_table5",
    "check_path_pvalues",
    "check_marks",
    "check_legend_against_text",
    "check_marks_against_text",
    "text_reading",
    "check_decisions",
    # Table 1, platform shares, text
    "check_percentages",
    "check_platform_percentages",
    "text_claims",
    "check_text_claims",
    # the whole audit
    "TABLE3_NAMES",
    "TABLE4_NAMES",
    "LAVAAN_ALIASES",
    "FIT_KEYS",
    "published_values",
    "published_decimals",
    "values_like_published",
    "audit",
    "audit_published_values",
    "section",
    "verdict_summary",
    "verdict_counts",
    "flagged",
]
