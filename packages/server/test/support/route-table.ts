/**
 * Every route the server must have, written down by hand from SPEC §4 (routes) and §7 (roles), independent of
 * the implementation's capability table. The route-coverage test compares it with the live route table
 * (a route missing or extra fails), and the RBAC matrix takes its expectations from it:
 *
 * - `access`: the capability the route must declare;
 * - `min`: the weakest project role SPEC §7 lets through (project routes only);
 * - `allowed`: what a caller who is let through gets in the matrix (placeholders for ids, no body): the
 *   success status, or the named domain error the route answers for a missing object or body. Never 5xx.
 * - `spec`: true for a route SPEC §4 lists; otherwise why the product has it.
 */
export type Role = 'view' | 'edit' | 'admin';

export interface RouteRow {
  access: string;
  min?: Role;
  allowed: { status: number; code?: string };
  spec: true | string;
}

const ok = { status: 200 };
const noBody = { status: 400, code: 'invalid_request' };
const missing = { status: 404, code: 'not_found' };
const notRunner = { status: 401, code: 'unauthenticated' };

const SIGN_IN = 'sign-in and API tokens: SPEC §3 (users sign in; scripts use tokens)';
const MODEL = 'model gateway and usage: SPEC §10 (the model, per-project settings and cost)';
const WEB = 'the web UI the server serves: SPEC §1';
const WORKSPACE = 'rename / delete a workspace: SPEC §7 (create / delete workspaces: admin)';

export const ROUTES: Record<string, RouteRow> = {
  // SPEC §4, in its order.
  'GET /healthz': { access: 'public', allowed: ok, spec: true },
  'GET /readyz': { access: 'public', allowed: ok, spec: true },
  'GET /metrics': { access: 'public', allowed: ok, spec: true },
  'GET /openapi.json': { access: 'public', allowed: ok, spec: true },
  'POST /api/projects': { access: 'signed-in', allowed: noBody, spec: true },
  'GET /api/projects': { access: 'signed-in', allowed: ok, spec: true },
  'GET /api/projects/:p': { access: 'project.view', min: 'view', allowed: ok, spec: true },
  'GET /api/projects/:p/access': { access: 'project.view', min: 'view', allowed: ok, spec: true },
  'GET /api/projects/:p/members': { access: 'project.view', min: 'view', allowed: ok, spec: true },
  'PUT /api/projects/:p/members/:subject': {
    access: 'members.manage',
    min: 'admin',
    allowed: noBody,
    spec: true,
  },
  'DELETE /api/projects/:p/members/:subject': {
    access: 'members.manage',
    min: 'admin',
    allowed: missing,
    spec: true,
  },
  'GET /api/projects/:p/storage': { access: 'project.view', min: 'view', allowed: ok, spec: true },
  'PUT /api/projects/:p/storage': { access: 'storage.manage', min: 'admin', allowed: noBody, spec: true },
  'GET /api/github/install': { access: 'signed-in', allowed: { status: 302 }, spec: true }, // to the App's page
  'GET /api/github/callback': {
    access: 'signed-in',
    allowed: { status: 400, code: 'github_state_invalid' },
    spec: true,
  },
  'GET /api/github/status': { access: 'signed-in', allowed: ok, spec: true },
  'DELETE /api/github/link': { access: 'signed-in', allowed: missing, spec: true },
  'GET /api/github/forks': { access: 'signed-in', allowed: noBody, spec: true },
  'POST /api/github/forks': { access: 'signed-in', allowed: noBody, spec: true },
  'POST /api/projects/:p/workspaces': {
    access: 'workspace.manage',
    min: 'admin',
    allowed: noBody,
    spec: true,
  },
  'GET /api/projects/:p/workspaces': { access: 'project.view', min: 'view', allowed: ok, spec: true },
  'GET /api/projects/:p/workspaces/:w': { access: 'project.view', min: 'view', allowed: missing, spec: true },
  'GET /api/projects/:p/workspaces/:w/status': {
    access: 'project.view',
    min: 'view',
    allowed: missing,
    spec: true,
  },
  'POST /api/projects/:p/workspaces/:w/sync': {
    // Sync makes upstream API calls on the platform's installation: edit (issue #13), not every viewer.
    access: 'workspace.sync',
    min: 'edit',
    allowed: missing,
    spec: true,
  },
  'GET /api/projects/:p/workspaces/:w/tree': {
    access: 'project.view',
    min: 'view',
    allowed: missing,
    spec: true,
  },
  'GET /api/projects/:p/workspaces/:w/blob': {
    access: 'project.view',
    min: 'view',
    allowed: missing,
    spec: true,
  },
  'POST /api/projects/:p/workspaces/:w/specify': {
    access: 'specify.run',
    min: 'edit',
    allowed: noBody,
    spec: true,
  },
  'POST /api/projects/:p/workspaces/:w/sessions': {
    access: 'session.start',
    min: 'edit',
    allowed: noBody,
    spec: true,
  },
  'GET /api/projects/:p/sessions': { access: 'project.view', min: 'view', allowed: ok, spec: true },
  'GET /api/projects/:p/sessions/:s': { access: 'project.view', min: 'view', allowed: missing, spec: true },
  'POST /api/projects/:p/sessions/:s/cancel': {
    access: 'session.cancel.own',
    min: 'edit',
    allowed: missing,
    spec: true,
  },
  'GET /api/projects/:p/sessions/:s/messages': {
    access: 'project.view',
    min: 'view',
    allowed: missing,
    spec: true,
  },
  'POST /api/projects/:p/sessions/:s/messages': {
    access: 'session.input',
    min: 'edit',
    allowed: noBody,
    spec: true,
  },
  'GET /api/projects/:p/sessions/:s/stream': {
    access: 'project.view',
    min: 'view',
    allowed: missing,
    spec: true,
  },
  // The runner's WebSocket: with its own session's token, a plain GET (no upgrade) finds no HTTP route.
  'GET /api/runner/sessions/:s': { access: 'runner', allowed: { status: 404 }, spec: true },
  'POST /api/runner/sessions/:s/git-credentials': {
    access: 'runner',
    allowed: noBody,
    spec: 'short-lived git credentials for the runner: SPEC §10 (agent code never sees a token)',
  },
  'POST /api/webhooks/github': { access: 'webhook', allowed: noBody, spec: true },
  'GET /api/projects/:p/audit': { access: 'audit.read', min: 'admin', allowed: ok, spec: true },

  // Beyond SPEC §4's list, each with its reason.
  'GET /api/auth/dev-users': { access: 'public', allowed: ok, spec: SIGN_IN },
  'POST /api/auth/dev-login': { access: 'public', allowed: noBody, spec: SIGN_IN },
  'POST /api/auth/logout': { access: 'public', allowed: { status: 204 }, spec: SIGN_IN },
  'GET /api/auth/me': { access: 'signed-in', allowed: ok, spec: SIGN_IN },
  'GET /api/auth/oidc/login': { access: 'public', allowed: missing, spec: SIGN_IN },
  'GET /api/auth/oidc/callback': { access: 'public', allowed: missing, spec: SIGN_IN },
  'GET /api/auth/tokens': { access: 'signed-in', allowed: ok, spec: SIGN_IN },
  'POST /api/auth/tokens': { access: 'signed-in', allowed: noBody, spec: SIGN_IN },
  'DELETE /api/auth/tokens/:id': { access: 'signed-in', allowed: missing, spec: SIGN_IN },
  'PATCH /api/projects/:p/workspaces/:w': {
    access: 'workspace.manage',
    min: 'admin',
    allowed: noBody,
    spec: WORKSPACE,
  },
  'DELETE /api/projects/:p/workspaces/:w': {
    access: 'workspace.manage',
    min: 'admin',
    allowed: missing,
    spec: WORKSPACE,
  },
  'GET /api/projects/:p/gitmodules': {
    access: 'workspace.manage',
    min: 'admin',
    allowed: noBody,
    spec: 'components offered when creating a workspace: SPEC §3 (an admin creates a workspace)',
  },
  'GET /api/projects/:p/model': { access: 'project.view', min: 'view', allowed: ok, spec: MODEL },
  'PUT /api/projects/:p/model': { access: 'model.manage', min: 'admin', allowed: noBody, spec: MODEL },
  'GET /api/projects/:p/usage': { access: 'project.view', min: 'view', allowed: ok, spec: MODEL },
  'GET /api/projects/:p/sessions/:s/usage': {
    access: 'project.view',
    min: 'view',
    allowed: missing,
    spec: MODEL,
  },
  'POST /api/runner/sessions/:s/model/v1/messages': { access: 'model-key', allowed: notRunner, spec: MODEL },
  'POST /api/runner/sessions/:s/model/v1/messages/count_tokens': {
    access: 'model-key',
    allowed: notRunner,
    spec: MODEL,
  },
  'GET /': { access: 'public', allowed: ok, spec: WEB },
  'GET /*': { access: 'public', allowed: ok, spec: WEB },
};

/** Placeholders for path parameters: well-formed ids and names of objects that do not exist. */
export const PLACEHOLDERS: Record<string, string> = {
  w: 'no-such-workspace',
  s: '01ARZ3NDEKTSV4RRFFQ69G5FAV',
  subject: 'user:matrix-nobody',
  id: '01ARZ3NDEKTSV4RRFFQ69G5FAV',
};
