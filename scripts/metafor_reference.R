# Reference values for models/pooling, computed with R metafor.
#
#   Rscript scripts/metafor_reference.R INPUT.json OUTPUT.json
#
# INPUT.json is written by scripts/metafor_reference.py (which chooses the cases); this script
# fits every case with metafor and writes each number beside the R call that produced it.
# CI never runs R: tests read tests/models/pooling/metafor_reference.json.
#
# Conventions the calls make explicit (docs/statistics.md gives the reasons):
# - RR and OR: escalc's add = 1/2, to = "only0" (0.5 added to every cell of a study with a zero
#   cell) and drop00 = TRUE (a study with no events, or only events, in both arms is left out).
# - RD: to = "none" (the risk difference from the raw proportions), as models/effect_sizes.py;
#   a study with a zero cell takes the variance of its 0.5-corrected cells, as RevMan does.
# - Mantel-Haenszel: rma.mh with its defaults (raw tables for the MH estimate).
suppressPackageStartupMessages({
  library(metafor)
  library(jsonlite)
})

args <- commandArgs(trailingOnly = TRUE)
if (length(args) != 2) stop("usage: Rscript scripts/metafor_reference.R INPUT.json OUTPUT.json")
input <- fromJSON(args[1], simplifyVector = FALSE)

methods <- c("FE", "DL", "REML", "PM")
tests <- c("z", "knha", "adhoc")
num <- function(x) if (is.null(x) || length(x) == 0 || is.na(x[1])) NULL else unname(as.numeric(x[1]))

# Per-study effects of one case on one measure: counts through escalc, reported ones as given.
# RD follows models/effect_sizes.py and RevMan: the raw difference, and a study with a zero cell
# takes its variance from the 0.5-corrected cells.
study_effects <- function(studies, measure) {
  rows <- lapply(studies, function(s) {
    if (!is.null(s$ai)) {
      if (measure == "RD") {
        e <- escalc(measure = "RD", ai = s$ai, n1i = s$n1i, ci = s$ci, n2i = s$n2i, to = "none")
        vi <- as.numeric(e$vi)
        if (min(s$ai, s$n1i - s$ai, s$ci, s$n2i - s$ci) == 0)
          vi <- as.numeric(escalc(measure = "RD", ai = s$ai, n1i = s$n1i, ci = s$ci,
                                  n2i = s$n2i, add = 1/2, to = "all")$vi)
        return(data.frame(id = s$id, yi = as.numeric(e$yi), vi = vi))
      }
      e <- escalc(measure = measure, ai = s$ai, n1i = s$n1i, ci = s$ci, n2i = s$n2i,
                  add = 1/2, to = "only0", drop00 = TRUE)
      data.frame(id = s$id, yi = as.numeric(e$yi), vi = as.numeric(e$vi))
    } else if (!is.null(s$measure) && s$measure == measure) {
      data.frame(id = s$id, yi = s$yi, vi = s$vi)
    } else {
      data.frame(id = s$id, yi = NA_real_, vi = NA_real_)
    }
  })
  do.call(rbind, rows)
}

escalc_call <- function(measure) {
  if (measure == "RD") paste('escalc(measure="RD", ai, n1i=n1i, ci=ci, n2i=n2i, to="none");',
                             'where a cell is 0: vi from escalc(..., add=1/2, to="all"), yi kept')
  else sprintf('escalc(measure="%s", ai, n1i=n1i, ci=ci, n2i=n2i, add=1/2, to="only0", drop00=TRUE)', measure)
}

uni_fit <- function(eff, measure, method, test) {
  call <- sprintf('res <- rma.uni(yi, vi, data=dat, method="%s", test="%s"); predict(res)%s',
                  method, test, if (method == "FE") "" else '; confint(res, type="QP")')
  out <- list(call = call, method = method, test = test)
  fit <- tryCatch(suppressWarnings(rma.uni(eff$yi, eff$vi, method = method, test = test)),
                  error = function(e) e)
  if (inherits(fit, "error")) return(c(out, list(error = conditionMessage(fit))))
  pred <- predict(fit)
  out <- c(out, list(k = fit$k, beta = num(fit$beta), se = num(fit$se), zval = num(fit$zval),
                     pval = num(fit$pval), ci.lb = num(fit$ci.lb), ci.ub = num(fit$ci.ub),
                     tau2 = num(fit$tau2), I2 = num(fit$I2), H2 = num(fit$H2), QE = num(fit$QE),
                     QEp = num(fit$QEp), ddf = num(fit$ddf), pi.lb = num(pred$pi.lb),
                     pi.ub = num(pred$pi.ub)))
  if (method != "FE" && fit$k > 1) {
    ci <- tryCatch(suppressWarnings(confint(fit, type = "QP")), error = function(e) NULL)
    if (!is.null(ci)) out <- c(out, list(tau2.lb = num(ci$random["tau^2", "ci.lb"]),
                                         tau2.ub = num(ci$random["tau^2", "ci.ub"])))
  }
  out
}

mh_fit <- function(studies, measure) {
  counts <- Filter(function(s) !is.null(s$ai), studies)
  if (length(counts) != length(studies) || length(counts) < 2) return(NULL)
  ai <- sapply(counts, `[[`, "ai"); n1i <- sapply(counts, `[[`, "n1i")
  ci <- sapply(counts, `[[`, "ci"); n2i <- sapply(counts, `[[`, "n2i")
  to <- if (measure == "RD") "none" else "only0"
  call <- sprintf('rma.mh(ai=ai, n1i=n1i, ci=ci, n2i=n2i, measure="%s", to="%s")', measure, to)
  out <- list(call = call, method = "MH", test = "z")
  fit <- tryCatch(suppressWarnings(rma.mh(ai = ai, n1i = n1i, ci = ci, n2i = n2i,
                                          measure = measure, to = to)),
                  error = function(e) e)
  if (inherits(fit, "error")) return(c(out, list(error = conditionMessage(fit))))
  het <- list(I2 = num(fit$I2), H2 = num(fit$H2), QE = num(fit$QE), QEp = num(fit$QEp))
  if (measure == "RD") {
    # rma.mh(to="none") takes Q from raw per-study variances; RevMan (and models/pooling) take
    # them from the same per-study effects as every other method: a zero-cell study's variance
    # from its 0.5-corrected cells. Q is then computed around the MH estimate, leaving out
    # studies with no events (or only events) in both arms, as rma.mh does.
    eff <- study_effects(counts, "RD")
    both <- (ai == 0 & ci == 0) | (ai == n1i & ci == n2i)
    yi <- eff$yi[!both]; vi <- eff$vi[!both]
    if (length(yi) > 1) {
      QE <- sum((yi - as.numeric(fit$beta))^2 / vi); df <- length(yi) - 1
      het <- list(I2 = max(0, 100 * (QE - df) / QE), H2 = QE / df, QE = QE,
                  QEp = pchisq(QE, df, lower.tail = FALSE))
    }
    out$call <- paste(out$call, "; QE = sum((yi - beta)^2 / vi) over study_effects(measure=\"RD\")",
                      "without double-zero studies; I2 = max(0, (QE - df) / QE); H2 = QE / df")
  }
  c(out, list(k = fit$k, k.yi = fit$k.yi, beta = num(fit$beta), se = num(fit$se),
              zval = num(fit$zval), pval = num(fit$pval), ci.lb = num(fit$ci.lb),
              ci.ub = num(fit$ci.ub)), het)
}

cumul_fits <- function(eff, measure) {
  ok <- !is.na(eff$yi)
  specs <- list(c("DL", "z"), c("REML", "knha"))
  lapply(specs, function(spec) {
    fit <- suppressWarnings(rma.uni(eff$yi[ok], eff$vi[ok], method = spec[1], test = spec[2],
                                    slab = eff$id[ok]))
    cm <- suppressWarnings(cumul(fit))
    list(call = sprintf('cumul(rma.uni(yi, vi, data=dat, method="%s", test="%s"))', spec[1], spec[2]),
         method = spec[1], test = spec[2], ids = as.list(eff$id[ok]),
         estimate = as.list(as.numeric(cm$estimate)), se = as.list(as.numeric(cm$se)),
         tau2 = as.list(as.numeric(cm$tau2)))
  })
}

bcg_case <- function() {
  studies <- lapply(seq_len(nrow(dat.bcg)), function(i) {
    r <- dat.bcg[i, ]
    list(id = sprintf("%s %d", r$author, r$year), ai = r$tpos, n1i = r$tpos + r$tneg,
         ci = r$cpos, n2i = r$cpos + r$cneg)
  })
  list(id = "dat.bcg", source = "metadat::dat.bcg (BCG vaccine trials, Colditz et al. 1994)",
       studies = studies, measures = list("RR", "OR", "RD"), cumulative = TRUE)
}

cases <- c(list(bcg_case()), input$cases)
results <- lapply(cases, function(case) {
  message("case ", case$id)
  measures <- unlist(case$measures)
  per_measure <- lapply(measures, function(measure) {
    eff <- study_effects(case$studies, measure)
    usable <- !is.na(eff$yi)
    effects <- list(call = escalc_call(measure), ids = as.list(eff$id),
                    yi = as.list(ifelse(usable, eff$yi, NA)), vi = as.list(ifelse(usable, eff$vi, NA)))
    if (sum(usable) == 0) return(list(effects = effects, fits = list()))
    fits <- list()
    for (method in methods) for (test in tests) {
      if (sum(usable) < 2 && test != "z") next
      fits[[length(fits) + 1]] <- uni_fit(eff[usable, ], measure, method, test)
    }
    mh <- mh_fit(case$studies, measure)
    if (!is.null(mh)) fits[[length(fits) + 1]] <- mh
    out <- list(effects = effects, fits = fits)
    if (isTRUE(case$cumulative) && sum(usable) >= 3) out$cumulative <- cumul_fits(eff, measure)
    out
  })
  names(per_measure) <- measures
  case$results <- per_measure
  case
})

out <- list(
  generator = "scripts/metafor_reference.R (driven by scripts/metafor_reference.py)",
  r_version = R.version.string,
  metafor_version = as.character(packageVersion("metafor")),
  cases = results
)
write_json(out, args[2], auto_unbox = TRUE, digits = NA, pretty = FALSE, null = "null", na = "null")
