#!/usr/bin/env bash
# Upload rate with and without a slow asynchronous event action. The load tool's server (`SftpKit.LoadTest serve`)
# runs once plain and once with `--slow-rule-delay`: event rules on, one rule whose HTTP action (asynchronous, from the
# rules' queue) goes to an endpoint that answers after that delay. The same OpenSSH `sftp -b` batch uploads FILES small
# files and one BIG_MIB file to each, after an untimed warm-up batch, ROUNDS times; the median of each is reported.
#
#   benchmarks/event-rules-upload.sh                  # 200 × 64 KiB + 256 MiB, 2 s delay, 2 rounds
#   FILES=50 BIG_MIB=64 ROUNDS=1 benchmarks/event-rules-upload.sh
set -euo pipefail
cd "$(dirname "$0")/.."
FILES=${FILES:-200}
SMALL_KIB=${SMALL_KIB:-64}
BIG_MIB=${BIG_MIB:-256}
ROUNDS=${ROUNDS:-2}
DELAY=${DELAY:-2}

WORK=$(mktemp -d /tmp/rulesbench.XXXXXX)
SRV_PID=""
cleanup() { [ -n "$SRV_PID" ] && kill "$SRV_PID" 2>/dev/null && wait "$SRV_PID" 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT

dotnet build -c Release benchmarks/SftpKit.LoadTest -v q -nologo >/dev/null
DLL=benchmarks/SftpKit.LoadTest/bin/Release/net10.0/SftpKit.LoadTest.dll
ssh-keygen -q -t ed25519 -N "" -f "$WORK/key"
mkdir -p "$WORK/small"
for i in $(seq 1 "$FILES"); do head -c $((SMALL_KIB * 1024)) /dev/urandom > "$WORK/small/f$i.bin"; done
head -c $((BIG_MIB * 1024 * 1024)) /dev/urandom > "$WORK/big.bin"

start_server() { # $1 = extra args
  rm -rf "$WORK/root"; mkdir -p "$WORK/root"
  SFTPKIT_LOAD_PASSWORD=unused dotnet "$DLL" serve --root "$WORK/root" --authorized-key "$WORK/key.pub" $1 \
    > "$WORK/serve.out" 2> "$WORK/serve.err" < <(sleep infinity) &
  SRV_PID=$!
  for _ in $(seq 1 200); do grep -q '^LISTENING ' "$WORK/serve.out" 2>/dev/null && break; sleep 0.1; done
  PORT=$(sed -n 's/^LISTENING //p' "$WORK/serve.out")
}
stop_server() { kill "$SRV_PID" 2>/dev/null; wait "$SRV_PID" 2>/dev/null || true; SRV_PID=""; }
cpu() { awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$SRV_PID/stat"; }
HZ=$(getconf CLK_TCK)
run_batch() { # $1 = batch file; prints seconds (server CPU seconds go to $WORK/cpu)
  local t0 t1 c0
  c0=$(cpu)
  t0=$(date +%s.%N)
  sftp -q -b "$1" -i "$WORK/key" -P "$PORT" -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null \
    -o BatchMode=yes load@127.0.0.1 >/dev/null
  t1=$(date +%s.%N)
  echo "($(cpu) - $c0) / $HZ" | bc -l >> "$WORK/cpu"
  echo "$t1 - $t0" | bc -l
}
printf 'lcd %s\nput small/*\n' "$WORK" > "$WORK/small.batch"
# Warm-up (not timed): a first batch after each start, so JIT and first-use costs (HTTP client, rule cache) are paid
# before the measured batches in both modes.
mkdir -p "$WORK/warm"; for i in $(seq 1 20); do head -c 4096 /dev/urandom > "$WORK/warm/w$i.bin"; done
printf 'lcd %s\nput warm/*\nput big.bin warm.bin\nrm warm.bin\n' "$WORK" > "$WORK/warm.batch"
printf 'lcd %s\nput big.bin\n' "$WORK" > "$WORK/big.batch"

median() { sort -g | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
declare -A SMALL BIG
for mode in plain slow; do SMALL[$mode]=""; BIG[$mode]=""; done
for round in $(seq 1 "$ROUNDS"); do
  order="plain slow"; [ $((round % 2)) -eq 0 ] && order="slow plain"   # alternate, so drift hits both modes
  for mode in $order; do
    extra=""; [ "$mode" = slow ] && extra="--slow-rule-delay $DELAY"
    start_server "$extra"
    run_batch "$WORK/warm.batch" >/dev/null
    : > "$WORK/cpu"
    s=$(run_batch "$WORK/small.batch"); b=$(run_batch "$WORK/big.batch")
    c=$(paste -sd+ "$WORK/cpu" | bc -l)
    stop_server
    SMALL[$mode]+="$s"$'\n'; BIG[$mode]+="$b"$'\n'
    echo "round $round $mode: $FILES × $SMALL_KIB KiB in ${s}s, $BIG_MIB MiB in ${b}s, server CPU ${c}s $(grep -h 'slow hook' "$WORK/serve.err" || true)"
  done
done
for mode in plain slow; do
  s=$(printf '%s' "${SMALL[$mode]}" | median); b=$(printf '%s' "${BIG[$mode]}" | median)
  printf '%-6s small: %6.1f files/s   big: %7.1f MiB/s\n' "$mode" "$(echo "$FILES / $s" | bc -l)" "$(echo "$BIG_MIB / $b" | bc -l)"
done
