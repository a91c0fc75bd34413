-- rifwatch warehouse, version 3: what a maintainer's decision came from and what it set off.
-- The decisions table stays append-only; these columns are written once, with the row.

-- Where the decision was made: `cli`, `web`, or `auto` (written by the triage service as a
-- consequence of another decision: values derived from corrected counts, flag moves).
ALTER TABLE store.decisions ADD COLUMN via VARCHAR;
-- The decision this one follows from (for `auto` rows); NULL for a maintainer's own decision.
ALTER TABLE store.decisions ADD COLUMN cause_id BIGINT;
-- The `curation` run that pooled and flagged again with this decision in force.
ALTER TABLE store.decisions ADD COLUMN run_id VARCHAR;
