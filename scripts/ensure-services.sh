# shellcheck shell=bash
# Source this file: starts the local PostgreSQL and Redis the integration tests talk to, when they are
# installed here and not already answering. Elsewhere, point DATABASE_URL / REDIS_URL at your own servers.
mf_port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
if ! mf_port_open 5432 && command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ]; then
  echo "ensure-services: starting PostgreSQL" >&2
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n 1)" main start || echo "ensure-services: PostgreSQL did not start" >&2
fi
if ! mf_port_open 6379 && command -v redis-server >/dev/null 2>&1; then
  echo "ensure-services: starting Redis" >&2
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no || echo "ensure-services: Redis did not start" >&2
fi
unset -f mf_port_open
