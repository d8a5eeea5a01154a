#!/usr/bin/env bash
# Memory per idle session: the SftpKit sample server's resident set (VmRSS) while it holds N authenticated SFTP
# sessions, each a full login (TCP, key exchange, publickey, sftp subsystem, one REALPATH round trip) by asyncssh.
#
#   benchmarks/session-memory.sh                      # N = 1000 2000 5000 10000
#   COUNTS="500 2000" benchmarks/session-memory.sh
#
# Env: COUNTS (session counts, one fresh server each; default "1000 2000 5000 10000"), CLIENTS (client processes,
# default 4; each opens its share with PARALLEL handshakes at once, default 8), SFTPKIT_DLL (run this
# SftpKit.Server.dll, e.g. a saved copy of an older build, instead of building the work tree), SFTPKIT_BASELINE_DLL
# (measure this build too, after the first one at every N, so two builds are compared under the same machine load),
# DOTNET_* (passed to the server: e.g. DOTNET_gcServer=1 to try server GC).
#
# Each N: a fresh server on a throwaway config dir whose limits let N sessions in (MaxConnections, no per-host cap,
# MaxUnauthenticatedConnections above the handshakes in flight, the defender off: every session comes from the
# loopback); defaults are otherwise the sample's own. The clients open the sessions and hold them; RSS is read from
# /proc/PID/status every 0.5 s until three readings in a row stay within 1 MiB (at most 60 s). The idle RSS is the
# same server before any connection (after one warm-up session that was opened and closed, so the code paths are
# loaded). The slope is (RSS(N) - idle) / N. Runs as root (raises `ulimit -n`, installs python3-asyncssh if missing).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

COUNTS=${COUNTS:-"1000 2000 5000 10000"}
CLIENTS=${CLIENTS:-4}
PARALLEL=${PARALLEL:-8}
PY=/usr/bin/python3

if ! "$PY" -c 'import asyncssh' 2>/dev/null || ! command -v ssh-keygen >/dev/null 2>&1; then
  echo "Installing python3-asyncssh openssh-client" >&2
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq python3-asyncssh openssh-client >/dev/null
fi

max=0
for n in $COUNTS; do [ "$n" -gt "$max" ] && max=$n; done
ulimit -n $((max * 2 + 4096)) 2>/dev/null || ulimit -n "$(ulimit -Hn)"
if [ "$(ulimit -n)" -lt $((max + 1024)) ]; then
  echo "ulimit -n is $(ulimit -n): too low for $max sessions (run as root)" >&2; exit 1
fi

WORK=$(mktemp -d /tmp/session-memory.XXXXXX)
SERVER_PID=""; CLIENT_PIDS=()
stop_clients() {
  for fd in "${CLIENT_FDS[@]:-}"; do [ -n "$fd" ] && exec {fd}>&- 2>/dev/null || true; done
  CLIENT_FDS=()
  for pid in "${CLIENT_PIDS[@]:-}"; do [ -n "$pid" ] && { wait "$pid" 2>/dev/null || true; }; done
  CLIENT_PIDS=()
}
stop_server() {
  if [ -n "$SERVER_PID" ]; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=""
  fi
}
cleanup() {
  for pid in "${CLIENT_PIDS[@]:-}"; do [ -n "$pid" ] && kill "$pid" 2>/dev/null; done
  stop_server
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() { "$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_port() {
  for _ in $(seq 1 300); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.1
  done
  echo "port $1 did not open" >&2; return 1
}
rss_kib() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }
# Polls RSS every 0.5 s until three readings in a row are within 1 MiB of each other (at most 60 s); prints KiB.
settled_rss() {
  local pid=$1 a b c
  a=$(rss_kib "$pid"); sleep 0.5; b=$(rss_kib "$pid")
  for _ in $(seq 1 120); do
    sleep 0.5; c=$(rss_kib "$pid")
    local lo=$a hi=$a
    for v in $b $c; do [ "$v" -lt "$lo" ] && lo=$v; [ "$v" -gt "$hi" ] && hi=$v; done
    if [ $((hi - lo)) -le 1024 ]; then echo "$c"; return; fi
    a=$b; b=$c
  done
  echo "$c"
}

if [ -n "${SFTPKIT_DLL:-}" ]; then
  SK_DLL=$(realpath "$SFTPKIT_DLL")
else
  echo "== building samples/SftpKit.Server (Release)" >&2
  dotnet build -c Release samples/SftpKit.Server -v q -nologo >"$WORK/build.log" 2>&1 || { cat "$WORK/build.log"; exit 1; }
  SK_DLL="$ROOT/samples/SftpKit.Server/bin/Release/net10.0/SftpKit.Server.dll"
fi
BUILDS=("work:$SK_DLL")
[ -n "${SFTPKIT_BASELINE_DLL:-}" ] && BUILDS+=("baseline:$(realpath "$SFTPKIT_BASELINE_DLL")")

ssh-keygen -q -t ed25519 -N "" -f "$WORK/client_ed25519"

# start_server DLL: a fresh config dir, a user with the client key; sets SERVER_PID and PORT.
start_server() {
  local dll=$1 dir="$WORK/server"
  rm -rf "$dir"; mkdir -p "$dir/home"
  cat >"$dir/sftpkit.json" <<EOF
{
  "SftpKit": {
    "Limits": {
      "MaxConnections": $((max + 1000)),
      "MaxConnectionsPerHost": 0,
      "MaxUnauthenticatedConnections": "$((CLIENTS * PARALLEL * 4 + 64))"
    },
    "Defender": { "Enabled": false },
    "Http": { "Enabled": false },
    "Logging": { "Level": "warn" }
  }
}
EOF
  PORT=$(free_port)
  dotnet "$dll" --config-dir "$dir" --port "$PORT" --address 127.0.0.1 \
    --user "bench:$(head -c 18 /dev/urandom | base64)" --authorized-key "bench:$WORK/client_ed25519.pub" \
    >"$WORK/server.log" 2>&1 &
  SERVER_PID=$!
  wait_port "$PORT" || { cat "$WORK/server.log"; exit 1; }
}

# open_sessions N: CLIENTS processes (each its own 127.0.0.x source address) open N sessions between them and hold
# them; returns once every client reported. Client i's stdin is a pipe held open on fd CLIENT_FDS[i].
CLIENT_FDS=()
open_sessions() {
  local n=$1 per=$(( ($1 + CLIENTS - 1) / CLIENTS )) left=$1 i=0 opened=0 failed=0
  while [ "$left" -gt 0 ]; do
    local take=$(( left < per ? left : per ))
    local fifo="$WORK/in.$i"
    rm -f "$fifo"; mkfifo "$fifo"
    "$PY" "$ROOT/benchmarks/session-memory-client.py" 127.0.0.1 "$PORT" bench "$WORK/client_ed25519" "$take" "$PARALLEL" \
      "127.0.0.$((11 + i))" <"$fifo" >"$WORK/client.$i.out" 2>"$WORK/client.$i.err" &
    CLIENT_PIDS+=($!)
    local fd; exec {fd}>"$fifo"; CLIENT_FDS+=("$fd")
    left=$((left - take)); i=$((i + 1))
  done
  for j in $(seq 0 $((i - 1))); do
    until grep -q '^opened' "$WORK/client.$j.out" 2>/dev/null; do
      kill -0 "${CLIENT_PIDS[$j]}" 2>/dev/null || { echo "client $j died:" >&2; cat "$WORK/client.$j.err" >&2; exit 1; }
      sleep 0.2
    done
    read -r _ o _ f <"$WORK/client.$j.out"
    opened=$((opened + o)); failed=$((failed + f))
  done
  OPENED=$opened; FAILED=$failed
  if [ "$failed" -gt 0 ]; then
    echo "  $failed sessions failed; first errors:" >&2; cat "$WORK"/client.*.err >&2; tail -5 "$WORK/server.log" >&2
  fi
}

mib() { awk -v k="$1" 'BEGIN { printf "%.0f", k / 1024 }'; }
printf "%-9s %8s %10s %10s %12s %16s\n" build sessions "idle MiB" "RSS MiB" "KiB/session" "open seconds"
for n in $COUNTS; do
  for entry in "${BUILDS[@]}"; do
    name=${entry%%:*}; dll=${entry#*:}
    start_server "$dll"
    # Warm-up: one session opened and closed, so the code paths are loaded before the idle reading.
    open_sessions 1; stop_clients
    idle=$(settled_rss "$SERVER_PID")
    t0=$(date +%s.%N)
    open_sessions "$n"
    t1=$(date +%s.%N)
    rss=$(settled_rss "$SERVER_PID")
    printf "%-9s %8d %10s %10s %12s %16.1f\n" "$name" "$OPENED" "$(mib "$idle")" "$(mib "$rss")" \
      "$(awk -v r="$rss" -v i="$idle" -v n="$OPENED" 'BEGIN { printf "%.1f", (r - i) / (n > 0 ? n : 1) }')" \
      "$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')"
    stop_clients
    stop_server
  done
done
