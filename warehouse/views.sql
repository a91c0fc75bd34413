-- The public, documented views (CONTRACT.md; docs/data_dictionary.md). Re-created on every
-- migration run, so they always match the code. Names and columns in CONTRACT.md are fixed; new
-- columns may be appended.

-- Latest maintainer decision per paper field ('status' for confirm/reject, else a column name).
CREATE OR REPLACE VIEW main.paper_decisions AS
SELECT pmid, field, action, new_value, reason, curator, decided_at, decision_id
FROM store.decisions
WHERE target = 'paper'
QUALIFY row_number() OVER (PARTITION BY pmid, field ORDER BY decided_at DESC, decision_id DESC) = 1;

-- Latest maintainer decision per effect field.
CREATE OR REPLACE VIEW main.effect_decisions AS
SELECT pmid, target_key AS effect_key, field, action, new_value, reason, curator, decided_at, decision_id
FROM store.decisions
WHERE target = 'effect'
QUALIFY row_number() OVER (PARTITION BY pmid, target_key, field ORDER BY decided_at DESC, decision_id DESC) = 1;

-- The machine's latest classification of each paper's current revision.
CREATE OR REPLACE VIEW main.machine_classifications AS
SELECT c.*
FROM store.classifications c
JOIN store.paper_index i ON i.pmid = c.pmid AND i.current_revision = c.revision
QUALIFY row_number() OVER (PARTITION BY c.pmid ORDER BY c.created_at DESC, c.classification_id DESC) = 1;

-- papers: one row per PubMed record (current version), machine decisions overridden by curation.
CREATE OR REPLACE VIEW main.papers AS
WITH cur AS (
    SELECT pmid,
           max(new_value) FILTER (WHERE field = 'design')            AS design,
           max(new_value) FILTER (WHERE field = 'is_rct')            AS is_rct,
           max(new_value) FILTER (WHERE field = 'therapies')         AS therapies,
           max(new_value) FILTER (WHERE field = 'primary_therapy')   AS primary_therapy,
           max(new_value) FILTER (WHERE field = 'population')        AS population,
           max(new_value) FILTER (WHERE field = 'rif_min_failures')  AS rif_min_failures,
           max(new_value) FILTER (WHERE field = 'rif_definition_text') AS rif_definition_text,
           max(new_value) FILTER (WHERE field = 'status')            AS status,
           max(reason)    FILTER (WHERE field = 'status')            AS status_reason,
           count(*) FILTER (WHERE field <> 'status')                 AS n_corrections
    FROM main.paper_decisions
    GROUP BY pmid
)
SELECT
    r.pmid,
    r.title,
    r.journal,
    r.year,
    r.entry_date,
    r.publication_types,
    CASE WHEN cur.is_rct IS NOT NULL THEN cur.is_rct::BOOLEAN ELSE c.is_rct END            AS is_rct,
    c.rct_probability,
    coalesce(cur.design, c.design)                                                          AS design,
    CASE WHEN cur.therapies IS NOT NULL THEN string_split(cur.therapies, ',') ELSE c.therapies END AS therapies,
    coalesce(cur.primary_therapy, c.primary_therapy)                                        AS primary_therapy,
    coalesce(cur.population, c.population)                                                  AS population,
    CASE WHEN cur.rif_min_failures IS NOT NULL THEN nullif(cur.rif_min_failures, '')::INTEGER
         ELSE c.rif_min_failures END                                                        AS rif_min_failures,
    coalesce(cur.rif_definition_text, c.rif_definition_text)                                AS rif_definition_text,
    i.first_seen_run,
    i.last_seen_run,
    -- additions beyond CONTRACT.md
    r.revision,
    r.abstract,
    r.indexing_status,
    r.is_retracted,
    r.doi,
    r.authors,
    c.therapy_route,
    c.rif_count_unit,
    c.rif_char_start,
    c.rif_char_end,
    c.operating_point,
    c.model_version,
    c.rules_version,
    r.source_format,
    CASE WHEN cur.status LIKE 'rejected%' THEN 'rejected'
         WHEN cur.status = 'confirmed' THEN 'confirmed'
         WHEN coalesce(cur.n_corrections, 0) > 0 THEN 'corrected'
         ELSE 'machine' END                                                                 AS curation_status,
    cur.status_reason                                                                       AS curation_reason
FROM store.paper_index i
JOIN store.paper_revisions r ON r.pmid = i.pmid AND r.revision = i.current_revision
LEFT JOIN main.machine_classifications c ON c.pmid = i.pmid
LEFT JOIN cur ON cur.pmid = i.pmid
WHERE i.deleted_run IS NULL;

-- The machine's latest extraction of each paper's current revision.
CREATE OR REPLACE VIEW main.machine_effects AS
WITH latest AS (
    SELECT e.pmid, max(e.created_at) AS created_at
    FROM store.extracted_effects e
    JOIN store.paper_index i ON i.pmid = e.pmid AND i.current_revision = e.revision
    GROUP BY e.pmid
)
SELECT e.*
FROM store.extracted_effects e
JOIN store.paper_index i ON i.pmid = e.pmid AND i.current_revision = e.revision
JOIN latest l ON l.pmid = e.pmid AND l.created_at = e.created_at;

-- effect_mentions: every effect statement the extractor found (a comparison may have a row from
-- its counts and one per printed ratio); curated values override the machine's (a correction to
-- the empty string clears a value the machine found).
CREATE OR REPLACE VIEW main.effect_mentions AS
WITH cur AS (
    SELECT pmid, effect_key,
           bool_or(action = 'reject' AND field = 'status')                        AS rejected,
           bool_or(action = 'confirm' AND field = 'status')                       AS confirmed,
           max(new_value) FILTER (WHERE field = 'outcome')                        AS outcome,
           max(new_value) FILTER (WHERE field = 'treat_events')                   AS treat_events,
           max(new_value) FILTER (WHERE field = 'treat_total')                    AS treat_total,
           max(new_value) FILTER (WHERE field = 'ctrl_events')                    AS ctrl_events,
           max(new_value) FILTER (WHERE field = 'ctrl_total')                     AS ctrl_total,
           max(new_value) FILTER (WHERE field = 'measure')                        AS measure,
           max(new_value) FILTER (WHERE field = 'estimate')                       AS estimate,
           max(new_value) FILTER (WHERE field = 'ci_low')                         AS ci_low,
           max(new_value) FILTER (WHERE field = 'ci_high')                        AS ci_high,
           max(new_value) FILTER (WHERE field = 'p_value')                        AS p_value,
           count(*) FILTER (WHERE action = 'correct')                             AS n_corrections
    FROM main.effect_decisions
    GROUP BY pmid, effect_key
)
SELECT
    e.pmid,
    coalesce(cur.outcome, e.outcome)                                               AS outcome,
    CASE WHEN cur.treat_events IS NOT NULL THEN nullif(cur.treat_events, '')::INTEGER ELSE e.treat_events END AS treat_events,
    CASE WHEN cur.treat_total IS NOT NULL THEN nullif(cur.treat_total, '')::INTEGER ELSE e.treat_total END AS treat_total,
    CASE WHEN cur.ctrl_events IS NOT NULL THEN nullif(cur.ctrl_events, '')::INTEGER ELSE e.ctrl_events END AS ctrl_events,
    CASE WHEN cur.ctrl_total IS NOT NULL THEN nullif(cur.ctrl_total, '')::INTEGER ELSE e.ctrl_total END AS ctrl_total,
    coalesce(cur.measure, e.measure)                                               AS measure,
    CASE WHEN cur.estimate IS NOT NULL THEN nullif(cur.estimate, '')::DOUBLE ELSE e.estimate END AS estimate,
    CASE WHEN cur.ci_low IS NOT NULL THEN nullif(cur.ci_low, '')::DOUBLE ELSE e.ci_low END AS ci_low,
    CASE WHEN cur.ci_high IS NOT NULL THEN nullif(cur.ci_high, '')::DOUBLE ELSE e.ci_high END AS ci_high,
    CASE WHEN cur.p_value IS NOT NULL THEN nullif(cur.p_value, '')::DOUBLE ELSE e.p_value END AS p_value,
    CASE WHEN coalesce(cur.n_corrections, 0) > 0 THEN 'curated' ELSE e.source END  AS source,
    e.evidence_text,
    e.char_start,
    e.char_end,
    -- additions beyond CONTRACT.md
    e.effect_key,
    e.treat_arm,
    e.ctrl_arm,
    e.denominator_unit,
    e.p_operator,
    e.rule_id,
    e.extractor_version,
    e.revision,
    e.run_id,
    e.check_failures,
    CASE WHEN cur.rejected THEN 'rejected'
         WHEN coalesce(cur.n_corrections, 0) > 0 THEN 'corrected'
         WHEN cur.confirmed THEN 'confirmed'
         ELSE 'machine' END                                                        AS curation_status,
    e.qualifiers,
    e.treat_percent,
    e.ctrl_percent,
    coalesce(e.preferred, FALSE)                                                   AS preferred
FROM main.machine_effects e
JOIN store.paper_index i ON i.pmid = e.pmid AND i.deleted_run IS NULL
LEFT JOIN cur ON cur.pmid = e.pmid AND cur.effect_key = e.effect_key;

-- effects: one row per paper, outcome and comparison (CONTRACT.md): the row pooling reads —
-- counts before a reported ratio, never a pooled, subgroup or failing row. A row a maintainer
-- corrected or confirmed stands in for a comparison the machine had no usable row for (a failed
-- check, a rejected row); it never displaces the preferred row, and a pooled or subgroup estimate
-- never enters by being confirmed (confirming a paper confirms every mention of it).
CREATE OR REPLACE VIEW main.effects AS
SELECT m.* FROM main.effect_mentions m
WHERE m.preferred
   OR (m.curation_status IN ('corrected', 'confirmed')
       AND NOT list_has_any(coalesce(m.qualifiers, []), ['pooled', 'subgroup'])
       AND NOT EXISTS (SELECT 1 FROM main.effect_mentions o
                       WHERE o.pmid = m.pmid AND o.outcome = m.outcome AND o.effect_key <> m.effect_key
                         AND o.preferred AND o.curation_status <> 'rejected'
                         AND o.treat_arm IS NOT DISTINCT FROM m.treat_arm
                         AND o.ctrl_arm IS NOT DISTINCT FROM m.ctrl_arm));

-- What pooling may use: randomized trials (not rejected), effects that passed their checks (or
-- that a maintainer corrected or confirmed), never rejected ones.
CREATE OR REPLACE VIEW main.poolable_effects AS
SELECT e.*, p.primary_therapy AS therapy, p.population, p.rif_min_failures, p.entry_date,
       p.design, p.title
FROM main.effects e
JOIN main.papers p USING (pmid)
WHERE p.is_rct
  AND p.design = 'rct'
  AND p.curation_status <> 'rejected'
  AND p.primary_therapy IS NOT NULL AND p.primary_therapy <> 'none'
  AND NOT coalesce(p.is_retracted, FALSE)
  AND e.curation_status <> 'rejected'
  AND (len(coalesce(e.check_failures, [])) = 0 OR e.curation_status IN ('corrected', 'confirmed'))
  -- a 2023-baseline trial steps aside once its own PubMed record is in (same first author, year
  -- and therapy), so the trial is never counted twice (flows/baseline.py)
  AND NOT (p.source_format = 'baseline' AND EXISTS (
        SELECT 1 FROM main.papers q
        WHERE q.source_format <> 'baseline' AND q.is_rct AND q.year = p.year
          AND q.primary_therapy = p.primary_therapy
          AND lower(regexp_extract(coalesce(q.authors[1], ''), '^([^ ]+)', 1)) = lower(p.authors[1])));

-- pooled: one row per run, therapy, outcome, RIF stratum, measure and method (ci_method added).
CREATE OR REPLACE VIEW main.pooled AS
SELECT run_id, therapy, outcome, rif_stratum, measure, method, k, n_patients, estimate, ci_low,
       ci_high, p_value, tau2, i2, pi_low, pi_high, information_fraction, z, z_boundary,
       significant, significant_sequential, computed_at,
       ci_method, is_lead, pmids, label
FROM store.pooled;

CREATE OR REPLACE VIEW main.pooled_latest AS
SELECT p.*
FROM main.pooled p
WHERE p.run_id = (
    SELECT r.run_id FROM store.runs r
    WHERE r.status IN ('succeeded', 'partial') AND r.run_id IN (SELECT DISTINCT run_id FROM store.pooled)
    ORDER BY r.started_at DESC, r.run_id DESC LIMIT 1
);

CREATE OR REPLACE VIEW main.cumulative AS
SELECT * FROM store.cumulative;

-- flags: one row per change of a stratum's state; status follows maintainers' decisions.
CREATE OR REPLACE VIEW main.flags AS
WITH d AS (
    SELECT target_key, new_value, reason, curator, decided_at
    FROM store.decisions
    WHERE target = 'flag'
    QUALIFY row_number() OVER (PARTITION BY target_key ORDER BY decided_at DESC, decision_id DESC) = 1
)
SELECT f.flag_id, f.run_id, f.therapy, f.outcome, f.rif_stratum, f.kind, f.pmids, f.details,
       f.created_at,
       coalesce(d.new_value, f.status) AS status,
       d.reason AS status_reason, d.curator AS status_by, d.decided_at AS status_at
FROM store.flags f
LEFT JOIN d ON d.target_key = CAST(f.flag_id AS VARCHAR);

CREATE OR REPLACE VIEW main.runs AS
SELECT run_id, started_at, finished_at, status, source, query, window_start, window_end,
       n_fetched, n_new, n_updated, n_rct_new, error,
       n_deleted, code_version, config_sha256, model_version
FROM store.runs;

-- The raw ledger without its bytes (use warehouse.ledger.read_raw to get them back).
CREATE OR REPLACE VIEW main.raw_ledger AS
SELECT input_id, first_run_id, kind, request, http_status, received_at, n_bytes
FROM store.raw_inputs;

-- The audit trail of maintainers' decisions.
CREATE OR REPLACE VIEW main.decisions AS
SELECT * FROM store.decisions;

-- Maintainers' effect decisions that no longer apply: the paper's current extraction has no
-- effect with their key (a new revision or extractor version found the statement differently).
-- Such a decision overrides nothing until a maintainer decides again; `reviewed_since` says
-- whether someone has decided on the paper after the extraction that orphaned it.
CREATE OR REPLACE VIEW main.orphaned_decisions AS
WITH machine_at AS (
    SELECT i.pmid,
           greatest(coalesce((SELECT max(e.created_at) FROM store.extracted_effects e
                              WHERE e.pmid = i.pmid AND e.revision = i.current_revision), TIMESTAMP '1970-01-01'),
                    coalesce((SELECT max(c.created_at) FROM store.classifications c
                              WHERE c.pmid = i.pmid AND c.revision = i.current_revision), TIMESTAMP '1970-01-01'))
               AS machine_at
    FROM store.paper_index i
    WHERE i.deleted_run IS NULL
)
SELECT d.decision_id, d.pmid, d.effect_key, d.field, d.action, d.new_value, d.reason, d.curator,
       d.decided_at, m.machine_at,
       EXISTS (SELECT 1 FROM store.decisions later
               WHERE later.pmid = d.pmid AND later.target IN ('paper', 'effect')
                 AND later.decided_at > m.machine_at) AS reviewed_since
FROM main.effect_decisions d
JOIN machine_at m ON m.pmid = d.pmid
WHERE NOT EXISTS (SELECT 1 FROM main.machine_effects e WHERE e.pmid = d.pmid AND e.effect_key = d.effect_key);
