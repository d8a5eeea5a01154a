#!/usr/bin/env bash
# Sourced by scripts/test.sh: starts throwaway PostgreSQL and MariaDB servers on 127.0.0.1 (free ports, data under a
# temp dir, stopped by sftpkit_stop_test_databases) and exports SFTPKIT_TEST_POSTGRES / SFTPKIT_TEST_MYSQL for the
# SQL store tests. Each start is bounded (30-60 s). An engine that is missing or fails to start is reported on stderr
# with its log, and the function returns non-zero; its tests then skip (or fail under CI=true).
# Standalone: `source scripts/test-databases.sh && sftpkit_start_test_databases` (then sftpkit_stop_test_databases).

sftpkit_free_port() {
  /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# Runs a command as the unprivileged owner of the data directories (root may not run either server).
sftpkit_as_db_user() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u "$SFTPKIT_DB_USER" -- "$@"; else "$@"; fi
}

# Prints a failed step's log to stderr (the last 40 lines).
sftpkit_db_log() {
  local file
  for file in "$@"; do
    [ -s "$file" ] && { echo "--- $file" >&2; tail -n 40 "$file" >&2; }
  done
  return 0
}

sftpkit_start_test_databases() {
  local failed=0
  SFTPKIT_DB_DIR=$(mktemp -d /tmp/sftpkit-db.XXXXXX)
  chmod 755 "$SFTPKIT_DB_DIR"
  SFTPKIT_DB_USER=$(id -un)
  if [ "$(id -u)" -eq 0 ]; then
    id sftpkitdb >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin sftpkitdb
    SFTPKIT_DB_USER=sftpkitdb
  fi
  local password
  password=$(head -c 18 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')

  local pgbin
  pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
  if [ -n "$pgbin" ] && [ -x "$pgbin/initdb" ]; then
    local pgport; pgport=$(sftpkit_free_port)
    mkdir -p "$SFTPKIT_DB_DIR/pg"; echo "$password" > "$SFTPKIT_DB_DIR/pg/pwfile"
    chown -R "$SFTPKIT_DB_USER" "$SFTPKIT_DB_DIR/pg"
    if sftpkit_as_db_user "$pgbin/initdb" -D "$SFTPKIT_DB_DIR/pg/data" -U sftpkit --pwfile="$SFTPKIT_DB_DIR/pg/pwfile" \
         --auth=scram-sha-256 -E UTF8 --no-sync >"$SFTPKIT_DB_DIR/pg/initdb.log" 2>&1 \
       && sftpkit_start_postgres "$pgbin" "$pgport"; then
      export SFTPKIT_TEST_POSTGRES="Host=127.0.0.1;Port=$pgport;Username=sftpkit;Password=$password;Database=postgres"
      echo "PostgreSQL for the SQL store tests on 127.0.0.1:$pgport"
    else
      echo "PostgreSQL did not start:" >&2
      sftpkit_db_log "$SFTPKIT_DB_DIR/pg/initdb.log" "$SFTPKIT_DB_DIR/pg/server.log"
      failed=1
    fi
  else
    echo "PostgreSQL is not installed (Debian package postgresql)" >&2
    failed=1
  fi

  if command -v mariadbd >/dev/null 2>&1 && command -v mariadb-install-db >/dev/null 2>&1; then
    local myport; myport=$(sftpkit_free_port)
    local my="$SFTPKIT_DB_DIR/my"
    mkdir -p "$my"; chown "$SFTPKIT_DB_USER" "$my"
    if ! timeout 60 mariadb-install-db --no-defaults --user="$SFTPKIT_DB_USER" --datadir="$my/data" --auth-root-authentication-method=socket \
         --skip-test-db >"$my/install.log" 2>&1; then
      echo "MariaDB: mariadb-install-db failed:" >&2
      sftpkit_db_log "$my/install.log"
      failed=1
    else
      mariadbd --no-defaults --user="$SFTPKIT_DB_USER" --datadir="$my/data" --socket="$my/mysqld.sock" --pid-file="$my/mysqld.pid" \
        --port="$myport" --bind-address=127.0.0.1 --skip-networking=0 --skip-name-resolve --innodb-buffer-pool-size=64M \
        --innodb-flush-log-at-trx-commit=2 --log-error="$my/error.log" >/dev/null 2>&1 &
      local i
      for i in $(seq 1 60); do
        mariadb-admin --no-defaults --socket="$my/mysqld.sock" -uroot ping >/dev/null 2>&1 && break
        sleep 0.5
      done
      if mariadb --no-defaults --socket="$my/mysqld.sock" -uroot -e \
           "CREATE USER 'sftpkit'@'%' IDENTIFIED BY '$password'; GRANT ALL PRIVILEGES ON *.* TO 'sftpkit'@'%';" 2>>"$my/error.log"; then
        export SFTPKIT_TEST_MYSQL="Server=127.0.0.1;Port=$myport;User ID=sftpkit;Password=$password;Database=mysql"
        echo "MariaDB for the SQL store tests on 127.0.0.1:$myport"
      else
        echo "MariaDB did not start:" >&2
        sftpkit_db_log "$my/error.log"
        failed=1
      fi
    fi
  else
    echo "MariaDB is not installed (Debian package mariadb-server)" >&2
    failed=1
  fi
  return "$failed"
}

sftpkit_start_postgres() {
  sftpkit_as_db_user "$1/pg_ctl" -D "$SFTPKIT_DB_DIR/pg/data" -l "$SFTPKIT_DB_DIR/pg/server.log" -w -t 30 \
    -o "-c listen_addresses=127.0.0.1 -p $2 -k $SFTPKIT_DB_DIR/pg -c fsync=off -c synchronous_commit=off -c max_connections=200" start >/dev/null
}

sftpkit_stop_test_databases() {
  [ -n "${SFTPKIT_DB_DIR:-}" ] && [ -d "$SFTPKIT_DB_DIR" ] || return 0
  local pgbin
  pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
  if [ -f "$SFTPKIT_DB_DIR/pg/data/postmaster.pid" ]; then
    sftpkit_as_db_user "$pgbin/pg_ctl" -D "$SFTPKIT_DB_DIR/pg/data" -m immediate -w -t 20 stop >/dev/null 2>&1 || true
  fi
  if [ -f "$SFTPKIT_DB_DIR/my/mysqld.pid" ]; then
    local pid; pid=$(cat "$SFTPKIT_DB_DIR/my/mysqld.pid")
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -rf "$SFTPKIT_DB_DIR"
}
