# The paper's path model (Figure 2, Table 5) in R lavaan, the engine under jamovi's SEM modules.
#
# Usage, from the kit's folder:
#   Rscript r/paper_model.R                             # the kit's data/sme_kerala_survey.csv
#   Rscript r/paper_model.R my_class_survey.csv         # a survey with the same columns (data/codebook.csv)
#   Rscript r/paper_model.R my_class_survey.csv OUT     # also writes CSV files into the folder OUT
#
# Needs R and lavaan (install.packages("lavaan"), or on Debian/Ubuntu apt-get install r-cran-lavaan).
# It prints what lavaan prints; notebooks/appendix/lavaan_and_jamovi.ipynb puts those numbers next to
# the kit's Python engine and explains which jamovi options give the same ones. With OUT it also
# writes scores.csv, estimates.csv, fit_measures.csv, r_squared.csv and jamovi_defaults.csv
# there (the kit's tests compare them with its own values; never give data/ as OUT).

suppressPackageStartupMessages(library(lavaan))
options(width = 110)  # summary() keeps each table's columns on one line

# --- 1. The survey -------------------------------------------------------------------------------

arguments <- commandArgs(trailingOnly = TRUE)
script_file <- sub("^--file=", "", grep("^--file=", commandArgs(), value = TRUE))
kit_folder <- if (length(script_file) == 1) file.path(dirname(script_file), "..") else "."  # "." in RStudio
survey_file <- if (length(arguments) >= 1) arguments[1] else file.path(kit_folder, "data", "sme_kerala_survey.csv")
output_folder <- if (length(arguments) >= 2) arguments[2] else NA
survey <- read.csv(survey_file)

# --- 2. The six construct scores, as the kit computes them (helpers/survey.py score_constructs) ---
# Each score is the mean of its construct's Likert items (1-5). The two reverse-worded items
# (data/codebook.csv, column notes) are recoded first as 6 - answer, so that 5 becomes 1.

constructs <- list(
  partnership_collaboration = c("pcdp_1", "pcdp_2", "pcdp_3", "pcdp_4", "pcdp_5"),
  international_trade       = c("it_1", "it_2", "it_3", "it_4"),
  global_logistics          = c("gl_1", "gl_2", "gl_3", "gl_4"),
  market_reach              = c("mr_1", "mr_2", "mr_3", "mr_4"),
  innovation_agility        = c("ia_1", "ia_2", "ia_3", "ia_4"),
  operational_efficiency    = c("oe_1", "oe_2", "oe_3", "oe_4")
)
reverse_items <- c("pcdp_5", "oe_3")

items <- unlist(constructs)
missing_columns <- setdiff(items, names(survey))
if (length(missing_columns) > 0) stop("the survey has no column(s) ", paste(missing_columns, collapse = ", "))
answers <- survey[items]
# Like the kit's default, refuse blank or out-of-scale answers instead of dropping firms silently.
if (anyNA(answers) || any(!as.matrix(answers) %in% 1:5)) {
  stop("every Likert answer must be a whole number from 1 to 5 (the kit's loader lists each problem)")
}
answers[reverse_items] <- 6 - answers[reverse_items]
scores <- as.data.frame(lapply(constructs, function(columns) rowMeans(answers[columns])))

# --- 3. The model: helpers/paper_model.py model_syntax(), in lavaan syntax -----------------------
# "~" is a regression (outcome ~ predictors), "~~" a residual covariance.

model <- "
international_trade ~ partnership_collaboration
global_logistics ~ partnership_collaboration
market_reach ~ international_trade + global_logistics
innovation_agility ~ international_trade + global_logistics
operational_efficiency ~ international_trade + global_logistics
market_reach ~~ innovation_agility
market_reach ~~ operational_efficiency
innovation_agility ~~ operational_efficiency
"

# --- 4. The fit, with lavaan's sem() defaults written out ----------------------------------------
# estimator = "ML": maximum likelihood.
# fixed.x = TRUE: the exogenous PCDP score's variance is taken from the sample, not estimated.
# likelihood = "normal": chi-square = N x F_ML (N, not N - 1).
# The three outcomes' residual covariances above are also what sem() frees by itself (auto.cov.y),
# so writing them out changes nothing: df = 4. Fixing them to 0 (e.g. "market_reach ~~ 0*innovation_agility")
# gives the df = 7 model of lesson 04.

fit <- sem(model, data = scores, estimator = "ML", fixed.x = TRUE, likelihood = "normal")
summary(fit, fit.measures = TRUE, standardized = TRUE, rsquare = TRUE)

# lavaan's RMSEA interval is a 90 % interval (fitMeasures' default rmsea.ci.level = 0.90), whatever
# the 95 % of the parameter confidence intervals. jamovi's SEMLj and PATHj modules show these same
# 90 % bounds under a heading built from their "Confidence level" option (95 by default).
cat("\nRMSEA and its 90 % confidence interval:\n")
print(fitMeasures(fit, c("rmsea", "rmsea.ci.lower", "rmsea.ci.upper")))

# --- 5. The same model with jamovi's defaults ---------------------------------------------------
# jamovi's PATHj (Path Analysis) and SEMLj modules also fit by ML with likelihood "normal", but by
# default they estimate intercepts (meanstructure = TRUE), and SEMLj leaves its "Fix exogenous
# covariates" box (fixed.x) unticked. These two sem() calls give what the modules' own lavaan calls
# give with their default options (read in their source: PATHj 1.1.1, SEMLj 1.2.5). Estimates, SEs,
# chi-square, df, CFI, TLI and RMSEA do not change; the number of parameters, SRMR, GFI and AGFI do,
# and with SEMLj's defaults also the log-likelihood, AIC and BIC.
fit_pathj <- sem(model, data = scores, estimator = "ML", likelihood = "normal", meanstructure = TRUE)
fit_semlj <- sem(model, data = scores, estimator = "ML", likelihood = "normal", meanstructure = TRUE, fixed.x = FALSE)
compared <- c("npar", "chisq", "df", "cfi", "tli", "rmsea", "srmr", "gfi", "agfi", "logl", "aic", "bic")
cat("\nThe same model with lavaan's sem() defaults and with jamovi's modules' defaults:\n")
jamovi_defaults <- cbind(sem = fitMeasures(fit, compared), PATHj = fitMeasures(fit_pathj, compared),
                         SEMLj = fitMeasures(fit_semlj, compared))
print(round(jamovi_defaults, 4))

# --- 6. Machine-readable copies (only when an output folder is given) ----------------------------

if (!is.na(output_folder)) {
  dir.create(output_folder, showWarnings = FALSE, recursive = TRUE)
  write_table <- function(table, name) {
    write.csv(table, file.path(output_folder, name), row.names = FALSE)
  }
  measures <- c(
    "npar", "ntotal", "chisq", "df", "pvalue", "baseline.chisq", "baseline.df", "baseline.pvalue",
    "cfi", "tli", "rni", "nfi", "logl", "unrestricted.logl", "aic", "bic", "bic2",
    "rmsea", "rmsea.ci.lower", "rmsea.ci.upper", "rmsea.pvalue", "srmr", "gfi", "agfi"
  )
  as_table <- function(values, key = "measure") setNames(data.frame(names(values), unname(values)), c(key, "value"))
  estimates <- parameterEstimates(fit, standardized = TRUE)
  write_table(cbind(firm_id = survey$firm_id, scores), "scores.csv")
  write_table(estimates[c("lhs", "op", "rhs", "est", "se", "z", "pvalue", "ci.lower", "ci.upper", "std.all")],
              "estimates.csv")
  write_table(as_table(fitMeasures(fit, measures)), "fit_measures.csv")
  write_table(as_table(lavInspect(fit, "r2"), key = "variable"), "r_squared.csv")
  defaults <- sapply(list(sem = fit, PATHj = fit_pathj, SEMLj = fit_semlj), fitMeasures, fit.measures = measures)
  write_table(data.frame(measure = measures, defaults), "jamovi_defaults.csv")
  cat("\nwrote the tables to", output_folder, "\n")
}
