/** `PRAGMA application_id` of a wflo store: "wflo" in ASCII. Never changes (migration 4 writes it). */
export const WFLO_APPLICATION_ID = 0x77666c6f;

/**
 * Schema migrations, applied in order; PRAGMA user_version records how many have run.
 * Never edit a migration that has shipped: add a new one.
 */
export const MIGRATIONS: readonly string[] = [
  `CREATE TABLE runs (
     id TEXT PRIMARY KEY,
     script TEXT NOT NULL,
     args TEXT NOT NULL,
     cwd TEXT NOT NULL,
     status TEXT NOT NULL,
     exit_code INTEGER,
     budget_nano INTEGER,
     spent_nano INTEGER NOT NULL DEFAULT 0,
     on_budget TEXT NOT NULL,
     simulated INTEGER NOT NULL DEFAULT 0,
     supervisor_pid INTEGER NOT NULL,
     error TEXT,
     started_at INTEGER NOT NULL,
     ended_at INTEGER
   );
   CREATE INDEX runs_started ON runs (started_at DESC);
   -- Keyed by (run, seq) without a rowid: each call writes one b-tree, not two.
   CREATE TABLE llm_calls (
     run_id TEXT NOT NULL REFERENCES runs (id),
     seq INTEGER NOT NULL,
     pid INTEGER NOT NULL,
     provider TEXT NOT NULL,
     model TEXT NOT NULL,
     response_model TEXT,
     endpoint TEXT NOT NULL,
     stream INTEGER NOT NULL,
     status TEXT NOT NULL,
     estimated INTEGER NOT NULL DEFAULT 0,
     priced INTEGER NOT NULL DEFAULT 1,
     input_tokens INTEGER NOT NULL DEFAULT 0,
     cached_input_tokens INTEGER NOT NULL DEFAULT 0,
     cache_write_tokens INTEGER NOT NULL DEFAULT 0,
     output_tokens INTEGER NOT NULL DEFAULT 0,
     reasoning_tokens INTEGER NOT NULL DEFAULT 0,
     reserved_nano INTEGER NOT NULL DEFAULT 0,
     cost_nano INTEGER NOT NULL DEFAULT 0,
     http_status INTEGER,
     latency_ms REAL,
     agent TEXT,
     error TEXT,
     started_at INTEGER NOT NULL,
     ended_at INTEGER,
     PRIMARY KEY (run_id, seq)
   ) WITHOUT ROWID;`,
  `ALTER TABLE runs ADD COLUMN attempts INTEGER NOT NULL DEFAULT 1;
   ALTER TABLE runs ADD COLUMN journal INTEGER NOT NULL DEFAULT 1;
   ALTER TABLE llm_calls ADD COLUMN attempt INTEGER NOT NULL DEFAULT 1;
   ALTER TABLE llm_calls ADD COLUMN after_checkpoint_seq INTEGER NOT NULL DEFAULT 0;
   ALTER TABLE llm_calls ADD COLUMN superseded INTEGER NOT NULL DEFAULT 0;
   -- Keyed by (run, seq) without a rowid: one b-tree fewer to write per checkpoint.
   -- The head of a run is its last checkpoint not superseded.
   CREATE TABLE checkpoints (
     run_id TEXT NOT NULL REFERENCES runs (id),
     seq INTEGER NOT NULL,
     id TEXT NOT NULL UNIQUE,
     name TEXT NOT NULL,
     state_hash TEXT NOT NULL,
     size_bytes INTEGER NOT NULL,
     base_id TEXT,
     deflated INTEGER NOT NULL,
     payload BLOB NOT NULL,
     spent_nano INTEGER NOT NULL,
     attempt INTEGER NOT NULL,
     superseded INTEGER NOT NULL DEFAULT 0,
     created_at INTEGER NOT NULL,
     PRIMARY KEY (run_id, seq)
   ) WITHOUT ROWID;
   CREATE TABLE journal (
     id INTEGER PRIMARY KEY,
     run_id TEXT NOT NULL REFERENCES runs (id),
     call_seq INTEGER NOT NULL,
     request_key TEXT NOT NULL,
     after_checkpoint_seq INTEGER NOT NULL,
     attempt INTEGER NOT NULL,
     superseded INTEGER NOT NULL DEFAULT 0,
     http_status INTEGER NOT NULL,
     content_type TEXT NOT NULL,
     deflated INTEGER NOT NULL,
     body BLOB NOT NULL,
     created_at INTEGER NOT NULL
   );`,
  // Calls fitted to the budget (output limit lowered) and calls that waited for budget held by others.
  `ALTER TABLE llm_calls ADD COLUMN output_cap INTEGER;
   ALTER TABLE llm_calls ADD COLUMN waited_ms REAL;
   -- Tokens a stored response (or one of its output items) can bring into a later request that refers to it.
   CREATE TABLE response_context (
     run_id TEXT NOT NULL REFERENCES runs (id),
     ref TEXT NOT NULL,
     tokens INTEGER NOT NULL,
     PRIMARY KEY (run_id, ref)
   ) WITHOUT ROWID;`,
  // Marks the file as a wflo store, so commands can refuse other SQLite files without touching them.
  `PRAGMA application_id = ${WFLO_APPLICATION_ID};`,
  // Guards: retried attempts, tool calls, circuit breakers that outlive a run, calls given up on.
  `ALTER TABLE runs ADD COLUMN agent_budgets TEXT NOT NULL DEFAULT '{}';
   ALTER TABLE llm_calls ADD COLUMN retry_of INTEGER;
   ALTER TABLE llm_calls ADD COLUMN try_number INTEGER NOT NULL DEFAULT 1;
   CREATE TABLE tool_calls (
     id INTEGER PRIMARY KEY,
     run_id TEXT NOT NULL REFERENCES runs (id),
     -- model: a tool call a response asked for (call_seq is that call); wrapped: a run of a tool() function.
     source TEXT NOT NULL,
     call_seq INTEGER,
     agent TEXT,
     name TEXT NOT NULL,
     args TEXT,
     ok INTEGER,
     duration_ms REAL,
     error TEXT,
     created_at INTEGER NOT NULL
   );
   CREATE INDEX tool_calls_run ON tool_calls (run_id, name);
   CREATE TABLE circuits (
     name TEXT PRIMARY KEY,
     kind TEXT NOT NULL,
     state TEXT NOT NULL,
     snapshot TEXT NOT NULL,
     retry_at INTEGER,
     last_error TEXT,
     run_id TEXT,
     updated_at INTEGER NOT NULL
   );
   CREATE TABLE dead_letters (
     id INTEGER PRIMARY KEY,
     run_id TEXT NOT NULL REFERENCES runs (id),
     first_seq INTEGER NOT NULL,
     last_seq INTEGER NOT NULL,
     attempts INTEGER NOT NULL,
     provider TEXT NOT NULL,
     model TEXT NOT NULL,
     endpoint TEXT NOT NULL,
     agent TEXT,
     summary TEXT NOT NULL,
     http_status INTEGER,
     error TEXT NOT NULL,
     created_at INTEGER NOT NULL
   );
   CREATE INDEX dead_letters_run ON dead_letters (run_id);`,
  // A call granted from a lease names its hook's call log and number (`<nonce>:<lid>`): a log a
  // killed wflo left unread is filed by the next wflo, each call once.
  `ALTER TABLE llm_calls ADD COLUMN hook_call TEXT;`,
];
