#!/usr/bin/env bash
# The complete test suite, from a fresh clone: installs packages, starts the services the tests use
# (PostgreSQL, Redis, Chromium for browser tests, the GitHub CLI, haproxy), builds the web UI, runs every suite.
set -euo pipefail
export AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true
cd "$(dirname "$0")/.."

log() { printf '\n== %s\n' "$*"; }

log "npm packages"
if [ -n "${CI:-}" ] || [ ! -d node_modules/.bin ]; then npm ci --no-audit --no-fund; fi

source scripts/services.sh
log "PostgreSQL"; ensure_postgres
log "Redis"; ensure_redis
log "Chromium"; ensure_chromium
log "GitHub CLI"; ensure_gh
log "haproxy"; ensure_haproxy

if [ -f packages/web/vite.config.ts ]; then log "web UI build"; npm run build:web; fi

log "typecheck"; npx tsc -p tsconfig.json --noEmit
log "tests"; npx vitest run "$@"
log "lint"; npx biome check .
