-- rifwatch warehouse, version 1: the raw ledger, paper revisions, machine decisions, curations,
-- pooled estimates, flags, runs and digests. Tables live in schema `store`; the documented,
-- stable interface is the views in `main` (warehouse/views.sql, docs/data_dictionary.md).

CREATE SCHEMA IF NOT EXISTS store;

-- One row per surveillance cycle, import or curation recomputation.
CREATE TABLE store.runs (
    run_id        VARCHAR PRIMARY KEY,
    started_at    TIMESTAMP NOT NULL,
    finished_at   TIMESTAMP,
    status        VARCHAR NOT NULL,            -- running | succeeded | partial | failed
    source        VARCHAR NOT NULL,            -- pubmed | snapshot | import | curation | baseline
    query         VARCHAR,
    window_start  DATE,
    window_end    DATE,
    n_fetched     INTEGER DEFAULT 0,
    n_new         INTEGER DEFAULT 0,
    n_updated     INTEGER DEFAULT 0,
    n_deleted     INTEGER DEFAULT 0,
    n_rct_new     INTEGER DEFAULT 0,
    error         VARCHAR,
    code_version  VARCHAR,
    config_sha256 VARCHAR,
    model_version VARCHAR
);

-- Every response or file as received: gzip'ed bytes, checksummed. Append-only.
CREATE TABLE store.raw_inputs (
    input_id      VARCHAR PRIMARY KEY,         -- sha256 of the raw bytes
    first_run_id  VARCHAR NOT NULL,
    kind          VARCHAR NOT NULL,            -- esearch | efetch | import
    request       VARCHAR NOT NULL,            -- endpoint + parameters (never the API key) or file path
    http_status   INTEGER,
    received_at   TIMESTAMP NOT NULL,
    n_bytes       BIGINT NOT NULL,
    body_gzip     BLOB NOT NULL
);

-- Which runs used which raw input (a response can recur: an unchanged file imported twice).
CREATE TABLE store.run_inputs (
    run_id        VARCHAR NOT NULL,
    input_id      VARCHAR NOT NULL,
    PRIMARY KEY (run_id, input_id)
);

-- Every distinct version of a PubMed record. A record that arrives unchanged adds no revision.
CREATE TABLE store.paper_revisions (
    pmid               VARCHAR NOT NULL,
    revision           INTEGER NOT NULL,
    content_sha256     VARCHAR NOT NULL,
    run_id             VARCHAR NOT NULL,
    input_id           VARCHAR,
    title              VARCHAR NOT NULL,
    abstract           VARCHAR NOT NULL,
    sections           VARCHAR,                -- JSON list of {label, category, start, end}
    journal            VARCHAR,
    year               INTEGER,
    entry_date         DATE,
    create_date        DATE,
    revised_date       DATE,
    publication_types  VARCHAR[],
    mesh_terms         VARCHAR[],
    keywords           VARCHAR[],
    authors            VARCHAR[],
    doi                VARCHAR,
    language           VARCHAR,
    indexing_status    VARCHAR,
    pmid_version       INTEGER,
    comments_corrections VARCHAR,              -- JSON list of {ref_type, pmid, text}
    source_format      VARCHAR,
    is_retracted       BOOLEAN,
    PRIMARY KEY (pmid, revision)
);

-- Current state of each PMID: its latest revision, when first and last seen, deletion.
CREATE TABLE store.paper_index (
    pmid              VARCHAR PRIMARY KEY,
    current_revision  INTEGER NOT NULL,
    first_seen_run    VARCHAR NOT NULL,
    last_seen_run     VARCHAR NOT NULL,
    deleted_run       VARCHAR                   -- set when PubMed withdrew the record
);

-- The machine's classification of one revision by one classifier version.
CREATE SEQUENCE store.classification_seq;
CREATE TABLE store.classifications (
    classification_id  BIGINT PRIMARY KEY DEFAULT nextval('store.classification_seq'),
    pmid               VARCHAR NOT NULL,
    revision           INTEGER NOT NULL,
    run_id             VARCHAR NOT NULL,
    model_version      VARCHAR NOT NULL,
    rules_version      VARCHAR NOT NULL,
    rct_probability    DOUBLE,
    is_rct             BOOLEAN,
    operating_point    VARCHAR,
    design             VARCHAR,
    therapies          VARCHAR[],
    primary_therapy    VARCHAR,
    therapy_route      VARCHAR,
    therapy_evidence   VARCHAR,                -- JSON list of {therapy, route, text, start, end, rule_id}
    population         VARCHAR,
    rif_min_failures   INTEGER,
    rif_count_unit     VARCHAR,
    rif_age_max        INTEGER,
    rif_immune_selection VARCHAR[],
    rif_definition_text VARCHAR,
    rif_char_start     INTEGER,
    rif_char_end       INTEGER,
    rif_rule_id        VARCHAR,
    created_at         TIMESTAMP NOT NULL
);

-- The machine's effects for one revision by one extractor version.
CREATE SEQUENCE store.effect_seq;
CREATE TABLE store.extracted_effects (
    effect_id        BIGINT PRIMARY KEY DEFAULT nextval('store.effect_seq'),
    pmid             VARCHAR NOT NULL,
    revision         INTEGER NOT NULL,
    run_id           VARCHAR NOT NULL,
    extractor_version VARCHAR NOT NULL,
    effect_key       VARCHAR NOT NULL,         -- stable within a paper: outcome|treat_arm|ctrl_arm|measure|source
    outcome          VARCHAR NOT NULL,
    treat_arm        VARCHAR,
    ctrl_arm         VARCHAR,
    denominator_unit VARCHAR,
    treat_events     INTEGER,
    treat_total      INTEGER,
    ctrl_events      INTEGER,
    ctrl_total       INTEGER,
    measure          VARCHAR,
    estimate         DOUBLE,
    ci_low           DOUBLE,
    ci_high          DOUBLE,
    p_value          DOUBLE,
    p_operator       VARCHAR,
    source           VARCHAR NOT NULL,         -- reported | computed
    evidence_text    VARCHAR,
    char_start       INTEGER,
    char_end         INTEGER,
    rule_id          VARCHAR,
    check_failures   VARCHAR[],
    created_at       TIMESTAMP NOT NULL
);

-- Maintainers' decisions (triage). Append-only audit trail; the latest decision per target wins.
CREATE SEQUENCE store.decision_seq;
CREATE TABLE store.decisions (
    decision_id  BIGINT PRIMARY KEY DEFAULT nextval('store.decision_seq'),
    pmid         VARCHAR NOT NULL,
    target       VARCHAR NOT NULL,             -- paper | effect | flag
    target_key   VARCHAR,                      -- effect_key for effects, flag_id for flags
    action       VARCHAR NOT NULL,             -- confirm | correct | reject | add
    field        VARCHAR,                      -- corrected field (therapy, population, treat_events ...)
    old_value    VARCHAR,
    new_value    VARCHAR,
    reason       VARCHAR NOT NULL,
    curator      VARCHAR NOT NULL,
    decided_at   TIMESTAMP NOT NULL
);

-- Pooled estimates per run, stratum, measure, method and interval.
CREATE TABLE store.pooled (
    run_id        VARCHAR NOT NULL,
    therapy       VARCHAR NOT NULL,
    outcome       VARCHAR NOT NULL,
    rif_stratum   VARCHAR NOT NULL,
    measure       VARCHAR NOT NULL,
    method        VARCHAR NOT NULL,
    ci_method     VARCHAR NOT NULL,
    is_lead       BOOLEAN NOT NULL,
    k             INTEGER NOT NULL,
    n_patients    INTEGER,
    estimate      DOUBLE,
    ci_low        DOUBLE,
    ci_high       DOUBLE,
    p_value       DOUBLE,
    tau2          DOUBLE,
    i2            DOUBLE,
    pi_low        DOUBLE,
    pi_high       DOUBLE,
    information_fraction DOUBLE,
    z             DOUBLE,
    z_boundary    DOUBLE,
    significant   BOOLEAN,
    significant_sequential BOOLEAN,
    pmids         VARCHAR[],
    label         VARCHAR,                     -- e.g. 'single study' when k = 1
    computed_at   TIMESTAMP NOT NULL,
    PRIMARY KEY (run_id, therapy, outcome, rif_stratum, measure, method, ci_method)
);

-- Cumulative meta-analysis (lead estimate) in entry-date order, per run, so any past week's
-- estimate can be drawn again.
CREATE TABLE store.cumulative (
    run_id        VARCHAR NOT NULL,
    therapy       VARCHAR NOT NULL,
    outcome       VARCHAR NOT NULL,
    rif_stratum   VARCHAR NOT NULL,
    step          INTEGER NOT NULL,
    pmid          VARCHAR NOT NULL,            -- the study added at this step
    entry_date    DATE,
    measure       VARCHAR NOT NULL,
    k             INTEGER NOT NULL,
    estimate      DOUBLE,
    ci_low        DOUBLE,
    ci_high       DOUBLE,
    p_value       DOUBLE,
    z             DOUBLE,
    information_fraction DOUBLE,
    z_boundary    DOUBLE,
    PRIMARY KEY (run_id, therapy, outcome, rif_stratum, step)
);

-- One row per change of a stratum's state.
CREATE SEQUENCE store.flag_seq;
CREATE TABLE store.flags (
    flag_id      BIGINT PRIMARY KEY DEFAULT nextval('store.flag_seq'),
    run_id       VARCHAR NOT NULL,
    therapy      VARCHAR NOT NULL,
    outcome      VARCHAR NOT NULL,
    rif_stratum  VARCHAR NOT NULL,
    kind         VARCHAR NOT NULL,
    pmids        VARCHAR[],
    details      VARCHAR,
    created_at   TIMESTAMP NOT NULL,
    status       VARCHAR NOT NULL DEFAULT 'open'
);

-- Each rendered digest, archived with its run, and each attempt to send it.
CREATE TABLE store.digests (
    run_id       VARCHAR NOT NULL,
    format       VARCHAR NOT NULL,             -- md | html | txt
    content      VARCHAR NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    PRIMARY KEY (run_id, format)
);
CREATE TABLE store.deliveries (
    run_id       VARCHAR NOT NULL,
    attempt      INTEGER NOT NULL,
    attempted_at TIMESTAMP NOT NULL,
    recipients   VARCHAR[],
    status       VARCHAR NOT NULL,             -- sent | failed
    error        VARCHAR,
    message_id   VARCHAR,
    PRIMARY KEY (run_id, attempt)
);
