# Functions that install (from Debian's packages) and start what the tests need. Sourced by scripts/test.sh.
# Each exports the URL the tests read; in CI a service that cannot be started stops the run.

apt_install() {
  if [ "$(id -u)" != 0 ]; then echo "need root to apt-get install $*" >&2; return 1; fi
  if [ -z "${APT_UPDATED:-}" ]; then apt-get update -qq >/dev/null; APT_UPDATED=1; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

ensure_postgres() {
  if ! command -v pg_ctlcluster >/dev/null 2>&1; then apt_install postgresql; fi
  local version
  version=$(ls /usr/lib/postgresql | sort -n | tail -1)
  if ! pg_lsclusters -h 2>/dev/null | grep -q "^$version main"; then pg_createcluster "$version" main >/dev/null; fi
  if ! pg_lsclusters -h | grep -q "^$version main .* online"; then
    pg_ctlcluster --skip-systemctl-redirect "$version" main start
  fi
  local port
  port=$(pg_lsclusters -h | awk -v v="$version" '$1==v && $2=="main" {print $3}')
  su postgres -c "psql -p $port -qtAc \"select 1 from pg_roles where rolname='rfe'\"" | grep -q 1 ||
    su postgres -c "psql -p $port -qc \"create role rfe login superuser password 'rfe'\""
  export TEST_DATABASE_URL="postgres://rfe:rfe@127.0.0.1:$port/postgres"
  echo "PostgreSQL $version on port $port"
}

ensure_redis() {
  if ! command -v redis-server >/dev/null 2>&1; then apt_install redis-server; fi
  if ! redis-cli -p 6390 ping >/dev/null 2>&1; then
    redis-server --daemonize yes --bind 127.0.0.1 --port 6390 --save '' --appendonly no >/dev/null
    for _ in $(seq 1 50); do redis-cli -p 6390 ping >/dev/null 2>&1 && break; sleep 0.1; done
  fi
  export TEST_REDIS_URL="redis://127.0.0.1:6390"
  echo "Redis on port 6390"
}

ensure_chromium() {
  if ! command -v chromium >/dev/null 2>&1; then apt_install chromium; fi
  export CHROMIUM_PATH="$(command -v chromium)"
  echo "$("$CHROMIUM_PATH" --version 2>/dev/null)"
}

# The GitHub CLI (Debian's gh) and openssl: the forge's gh test drives gh through a TLS terminator.
ensure_gh() {
  if ! command -v gh >/dev/null 2>&1; then apt_install gh; fi
  if ! command -v openssl >/dev/null 2>&1; then apt_install openssl; fi
  echo "$(gh --version | head -1)"
}

# Debian's haproxy: the replica tests put a real load balancer in front of three server instances.
ensure_haproxy() {
  if ! command -v haproxy >/dev/null 2>&1; then apt_install haproxy; fi
  echo "$(haproxy -v | head -1)"
}
