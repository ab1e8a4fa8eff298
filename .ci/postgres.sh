#!/usr/bin/env bash
# A throwaway PostgreSQL server for tests and benchmarks: initdb in a temporary directory,
# run as a non-root user, listening on 127.0.0.1 (and a unix socket inside that directory)
# with trust authentication. Nothing outside the directory is touched; stopping it deletes it.
#
# Two ways to use it:
#
#   source .ci/postgres.sh              # in a bash script (set -euo pipefail friendly)
#   pg_start [PORT] [fast]              # PORT defaults to 55432; taken ports are skipped.
#                                       # "fast" turns fsync off (tests only, never benchmarks).
#   echo "$PG_URL"                      # postgresql://envagin@127.0.0.1:PORT/envagin
#   pg_stop                             # stops the server and removes its directory
#
#   bash .ci/postgres.sh start DIR [PORT] [fast]   # prints the URL on stdout, logs on stderr
#   bash .ci/postgres.sh stop DIR
#
# The binaries come from /usr/lib/postgresql/<version>/bin (15 preferred, as on Debian 12),
# not from PATH, where wrappers may live. When they are missing and we are root, the Debian
# package is installed. As root the server runs as the `postgres` system user (created by
# the package), because PostgreSQL refuses to run as root.

PG_DB_NAME="${PG_DB_NAME:-envagin}"
PG_SUPERUSER="${PG_SUPERUSER:-envagin}"

_pg_log() { printf '[postgres] %s\n' "$*" >&2; }

# Print the bin directory of the preferred installed PostgreSQL, or nothing.
pg_bindir() {
    local dir
    for dir in /usr/lib/postgresql/15/bin $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -rV); do
        if [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ]; then
            printf '%s\n' "$dir"
            return 0
        fi
    done
    return 1
}

# Install the server from Debian's packages if it is not there (root only).
pg_ensure_installed() {
    if pg_bindir >/dev/null; then
        return 0
    fi
    if [ "$(id -u)" -ne 0 ]; then
        _pg_log "PostgreSQL server binaries not found and not root: apt-get install postgresql-15"
        return 1
    fi
    _pg_log "installing postgresql-15 from Debian's packages"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq --no-install-recommends postgresql-15 >&2 \
        || apt-get install -y -qq --no-install-recommends postgresql >&2
    pg_bindir >/dev/null
}

# The user the server runs as: ourselves, or `postgres` when we are root.
_pg_owner() {
    if [ "$(id -u)" -ne 0 ]; then
        id -un
        return 0
    fi
    if ! id postgres >/dev/null 2>&1; then
        useradd --system --home-dir /nonexistent --shell /usr/sbin/nologin postgres
    fi
    printf 'postgres\n'
}

_pg_as_owner() {
    if [ "$(id -u)" -eq 0 ]; then
        (cd / && runuser -u "$(_pg_owner)" -- "$@")
    else
        "$@"
    fi
}

_pg_port_in_use() {
    # bash's /dev/tcp: a successful connect means something listens there.
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# pg_start_in DIR [PORT] [fast]: start a server whose files live in DIR (created if missing).
# Sets PG_DIR, PG_PORT, PG_URL.
pg_start_in() {
    local dir="$1" port="${2:-55432}" mode="${3:-}" bindir owner tries=0
    pg_ensure_installed || return 1
    bindir="$(pg_bindir)"
    owner="$(_pg_owner)"
    while _pg_port_in_use "$port"; do
        tries=$((tries + 1))
        if [ "$tries" -gt 20 ]; then
            _pg_log "no free port found near $port"
            return 1
        fi
        port=$((port + 1))
    done
    mkdir -p "$dir"
    PG_DIR="$dir"  # set early so that pg_stop cleans up after a failed start too
    export PG_DIR
    chmod 700 "$dir"
    if [ "$(id -u)" -eq 0 ]; then
        chown "$owner" "$dir"
        if ! runuser -u "$owner" -- test -w "$dir"; then
            _pg_log "$owner cannot reach $dir: every parent directory must be searchable (o+x)"
            return 1
        fi
    fi
    local settings="-c listen_addresses=127.0.0.1 -p $port -k $dir -c max_connections=100"
    settings="$settings -c shared_buffers=256MB -c work_mem=16MB -c maintenance_work_mem=256MB"
    if [ "$mode" = fast ]; then
        # Throwaway test data: durability buys nothing here and costs most of the run time.
        settings="$settings -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    fi
    _pg_log "initdb in $dir/data as $owner ($bindir)"
    _pg_as_owner "$bindir/initdb" -D "$dir/data" -U "$PG_SUPERUSER" --auth=trust \
        -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 || {
        cat "$dir/initdb.log" >&2
        return 1
    }
    _pg_as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -o "$settings" \
        -w -t 60 start >/dev/null || {
        cat "$dir/server.log" >&2
        return 1
    }
    "$bindir/createdb" -h 127.0.0.1 -p "$port" -U "$PG_SUPERUSER" "$PG_DB_NAME"
    PG_PORT="$port"
    PG_URL="postgresql://$PG_SUPERUSER@127.0.0.1:$port/$PG_DB_NAME"
    export PG_PORT PG_URL
    _pg_log "PostgreSQL $("$bindir/pg_ctl" --version | awk '{print $3}') on 127.0.0.1:$port (${mode:-durable})"
}

# pg_start [PORT] [fast]: like pg_start_in, in a fresh temporary directory.
pg_start() {
    local dir
    dir="$(mktemp -d "${TMPDIR:-/tmp}/envagin-pg.XXXXXX")"
    pg_start_in "$dir" "$@"
}

# pg_stop [DIR]: stop the server (fast shutdown) and delete its directory. Safe to call twice.
pg_stop() {
    local dir="${1:-${PG_DIR:-}}" bindir
    [ -n "$dir" ] || return 0
    bindir="$(pg_bindir)" || return 0
    if [ -f "$dir/data/postmaster.pid" ]; then
        _pg_as_owner "$bindir/pg_ctl" -D "$dir/data" -m fast -w -t 60 stop >/dev/null 2>&1 \
            || _pg_log "pg_ctl stop failed; see $dir/server.log"
    fi
    case "$dir" in
        */envagin-pg.* | */pg) rm -rf "$dir" ;;
        *) _pg_log "left $dir in place (not a directory this script created)" ;;
    esac
    if [ "$dir" = "${PG_DIR:-}" ]; then
        unset PG_DIR PG_PORT PG_URL
    fi
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    set -euo pipefail
    case "${1:-}" in
        start)
            [ $# -ge 2 ] || { echo "usage: $0 start DIR [PORT] [fast]" >&2; exit 2; }
            pg_start_in "$2" "${3:-55432}" "${4:-}"
            printf '%s\n' "$PG_URL"
            ;;
        stop)
            [ $# -ge 2 ] || { echo "usage: $0 stop DIR" >&2; exit 2; }
            pg_stop "$2"
            ;;
        *)
            echo "usage: $0 start DIR [PORT] [fast] | stop DIR" >&2
            exit 2
            ;;
    esac
fi
