/**
 * Table shapes as Kysely sees them. Portable across SQLite and PostgreSQL: ids are text (ULIDs), times are
 * ISO-8601 text, booleans are 0/1 integers, structured values are JSON text.
 */
export interface UsersTable {
  id: string;
  subject: string;
  name: string;
  email: string;
  groups: string;
  created_at: string;
}

export interface ApiTokensTable {
  id: string;
  user_id: string;
  name: string;
  token_hash: string;
  created_at: string;
  expires_at: string | null;
  last_used_at: string | null;
  revoked_at: string | null;
}

export interface ProjectsTable {
  id: string;
  name: string;
  display_name: string;
  storage_kind: 'managed' | 'external';
  storage_state: 'provisioning' | 'ready' | 'failed';
  storage_settings: string;
  storage_secret: string | null;
  storage_error: string | null;
  created_by: string;
  created_at: string;
}

export interface ProjectMembersTable {
  project_id: string;
  subject_kind: 'user' | 'group';
  subject: string;
  role: 'view' | 'edit' | 'admin';
  created_at: string;
}

export interface GithubLinksTable {
  user_id: string;
  github_user_id: number;
  login: string;
  installation_ids: string;
  host: string;
  refresh_token_enc: string | null;
  refresh_expires_at: string | null;
  updated_at: string;
}

export interface WorkspacesTable {
  id: string;
  project_id: string;
  slug: string;
  name: string;
  upstream_host: string;
  upstream_owner: string;
  upstream_repo: string;
  canonical_branch: string;
  feature_slug: string | null;
  storage_prefix: string;
  created_by: string;
  created_at: string;
}

export interface WorkspaceStatusTable {
  workspace_id: string;
  status: string;
  synced_at: string;
}

export interface RepoSubmodulesTable {
  workspace_id: string;
  path: string;
  url: string;
  owner: string;
  repo: string;
  branch: string | null;
  required: number;
  last_resolved_sha: string | null;
}

export interface SessionsTable {
  id: string;
  project_id: string;
  workspace_id: string;
  user_id: string;
  kind: 'session' | 'specify';
  adapter: string;
  prompt: string;
  input_repo: string;
  input_branch: string;
  output_repo: string | null;
  output_branch: string;
  direct_push: number;
  status: 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';
  flags: string;
  error: string | null;
  remediation: string | null;
  /** Machine-readable reason of a failure (`budget_exceeded`), when there is one. */
  error_code?: string | null;
  /** JSON list of {path, repo, reason} for optional submodules the session skipped. */
  skipped_submodules?: string;
  /** Given at start, else the prompt's first line (migration 0009); '' on rows from before it. */
  title?: string;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  /** Lifecycle (migration 0005): see db/session-lifecycle.ts. */
  deadline_at?: string | null;
  launcher_handle?: string | null;
  acted_seq?: number;
  result_seq?: number | null;
  runner_exit?: string | null;
  worker_id?: string | null;
  worker_until?: string | null;
  restarts?: number;
}

export interface PrLinksTable {
  id: string;
  session_id: string;
  repo: string;
  head: string;
  base: string;
  number: number;
  url: string;
  status: 'open' | 'merged' | 'closed';
  role: 'umbrella' | 'submodule';
  created_at: string;
  updated_at: string;
}

export interface MessageLogsTable {
  session_id: string;
  location: string;
  message_count: number;
  last_seq: number;
  segments: number;
  last_updated: string;
}

export interface AuditEventsTable {
  id: string;
  time: string;
  actor: string;
  action: string;
  project_id: string | null;
  target: string;
  outcome: 'success' | 'failure' | 'denied';
  details: string;
}

export interface WebhookDeliveriesTable {
  delivery_id: string;
  event: string;
  received_at: string;
}

/** A project's model provider and limits (migration 0007); the key is sealed with the project id as context. */
export interface ProjectModelSettingsTable {
  project_id: string;
  endpoint: string | null;
  api_key_sealed: string | null;
  default_model: string | null;
  session_budget_micro_usd: number | null;
  session_budget_tokens: number | null;
  max_turns: number | null;
  monthly_budget_micro_usd: number | null;
  key_updated_at: string | null;
  updated_by: string;
  updated_at: string;
}

/** One model request the gateway forwarded: what the provider reported it used, and what that cost. */
export interface ModelRequestsTable {
  id: string;
  session_id: string;
  project_id: string;
  workspace_id: string;
  model: string;
  status: number;
  input_tokens: number;
  output_tokens: number;
  cache_read_tokens: number;
  cache_write_tokens: number;
  cost_micro_usd: number;
  latency_ms: number;
  created_at: string;
}

export interface SessionCredentialPlansTable {
  session_id: string;
  /** JSON: repositories read and pushed, and the installation of each; no secret. */
  plan: string;
  created_at: string;
}

export interface SessionTokensTable {
  id: string;
  session_id: string;
  /** The installation token, sealed with the server's key (context `session-token:{session_id}`). */
  token_sealed: string;
  installation_id: number;
  purpose: string;
  /** JSON list of owner/name. */
  repositories: string;
  /** JSON object permission → level. */
  permissions: string;
  expires_at: string;
}

/** The instance writing a session's message log (messaging/writer-lease.ts). */
export interface LogWriterLeasesTable {
  session_id: string;
  instance: string;
  /** ISO time; renewed by the holder every third of the lease. */
  expires_at: string;
}

export interface Database {
  users: UsersTable;
  api_tokens: ApiTokensTable;
  projects: ProjectsTable;
  project_members: ProjectMembersTable;
  github_links: GithubLinksTable;
  workspaces: WorkspacesTable;
  workspace_status: WorkspaceStatusTable;
  repo_submodules: RepoSubmodulesTable;
  sessions: SessionsTable;
  pr_links: PrLinksTable;
  message_logs: MessageLogsTable;
  audit_events: AuditEventsTable;
  webhook_deliveries: WebhookDeliveriesTable;
  project_model_settings: ProjectModelSettingsTable;
  model_requests: ModelRequestsTable;
  session_credential_plans: SessionCredentialPlansTable;
  session_tokens: SessionTokensTable;
  log_writer_leases: LogWriterLeasesTable;
}
