# Reference values from R lavaan for tests/test_sem_lavaan.py (and tests/test_paper_tables.py).
#
# Usage:  Rscript tools/lavaan_reference.R JOBS.json OUTPUT_DIR
#
# JOBS.json is a list of jobs, each {"name", "csv", "syntax", "meta", "function"} and, for
# full-information ML, "missing": "ml" (lavaan's argument; the CSV then has empty cells);
# tools/make_lavaan_fixtures.py writes it (with the data as CSV files, so that R and Python fit
# exactly the same numbers) and calls this script. For every job the script fits the model with
# lavaan's sem() (or cfa(), when "function" says so) and its defaults, as jamovi does: ML,
# fixed.x = TRUE, likelihood "normal" (N, not N - 1), expected information, standard SEs and
# test. It writes OUTPUT_DIR/<name>.json with every parameter estimate, SE, z, p, 95% CI and
# std.all (defined parameters := included), the R-squares, the fit measures the kit reports
# (lavaan's names), the residual correlations, the parameter table lavaan built from the syntax
# (which parameters its defaults add, free or fixed) and the modification indices, plus the
# lavaan and R versions.

suppressPackageStartupMessages({
  library(lavaan)
  library(jsonlite)
})

FIT_MEASURES <- c(
  "npar", "ntotal", "chisq", "df", "pvalue",
  "baseline.chisq", "baseline.df", "baseline.pvalue",
  "cfi", "tli", "rni", "nfi",
  "logl", "unrestricted.logl", "aic", "bic", "bic2",
  "rmsea", "rmsea.ci.lower", "rmsea.ci.upper", "rmsea.pvalue",
  "srmr", "gfi", "agfi"
)

reference <- function(job) {
  data <- read.csv(job$csv)
  fit_function <- if (is.null(job$`function`)) "sem" else job$`function`
  arguments <- list(model = job$syntax, data = data)
  # "missing": "ml" fits by full-information ML (the fixtures in tests/fixtures/lavaan/fiml)
  if (!is.null(job$missing)) arguments$missing <- job$missing
  fit <- do.call(fit_function, arguments)
  if (!lavInspect(fit, "converged")) stop("lavaan did not converge for ", job$name)

  pe <- parameterEstimates(fit, standardized = TRUE)
  parameters <- data.frame(
    lhs = pe$lhs, op = pe$op, rhs = pe$rhs,
    est = pe$est, se = pe$se, z = pe$z, pvalue = pe$pvalue,
    ci_lower = pe$ci.lower, ci_upper = pe$ci.upper, std_all = pe$std.all
  )
  residual_cor <- residuals(fit, type = "cor")$cov
  pt <- parTable(fit)
  partable <- data.frame(
    lhs = pt$lhs, op = pt$op, rhs = pt$rhs, free = pt$free, ustart = pt$ustart,
    exo = pt$exo, label = pt$label, user = pt$user
  )
  mi <- tryCatch(modindices(fit), error = function(e) NULL)
  modification <- if (is.null(mi)) NULL else data.frame(
    lhs = mi$lhs, op = mi$op, rhs = mi$rhs, mi = mi$mi, epc = mi$epc, sepc_all = mi$sepc.all
  )

  list(
    name = job$name,
    lavaan_version = as.character(packageVersion("lavaan")),
    r_version = R.version.string,
    call = paste0(
      fit_function, "(syntax, data = data",
      if (is.null(job$missing)) "" else paste0(", missing = '", job$missing, "'"),
      ")  # ML, fixed.x = TRUE, likelihood = 'normal'"
    ),
    syntax = job$syntax,
    meta = job$meta,
    observed = lavNames(fit, "ov"),
    parameters = parameters,
    r2 = as.list(lavInspect(fit, "r2")),
    fit_measures = as.list(fitMeasures(fit, FIT_MEASURES)),
    residual_correlations = list(
      names = rownames(residual_cor),
      matrix = unclass(as.matrix(residual_cor))
    ),
    partable = partable,
    modindices = modification
  )
}

main <- function() {
  args <- commandArgs(trailingOnly = TRUE)
  if (length(args) != 2) stop("usage: Rscript tools/lavaan_reference.R JOBS.json OUTPUT_DIR")
  jobs <- fromJSON(args[1], simplifyVector = FALSE)
  dir.create(args[2], showWarnings = FALSE, recursive = TRUE)
  for (job in jobs) {
    out <- reference(job)
    path <- file.path(args[2], paste0(job$name, ".json"))
    # digits = NA writes the full double precision; NA (e.g. z of a fixed parameter) -> null.
    write_json(out, path, digits = NA, auto_unbox = TRUE, pretty = TRUE, na = "null",
               dataframe = "rows", matrix = "rowmajor")
    cat("wrote", path, "\n")
  }
}

main()
