#!/usr/bin/env bash
# Full-login rate: the same client against the SftpKit sample server and against OpenSSH's sshd (internal-sftp),
# both on 127.0.0.1, same ed25519 client key. One login = TCP connect, key exchange, publickey auth, open the sftp
# subsystem (INIT/VERSION), one REALPATH, disconnect.
#
#   benchmarks/connection-rate.sh                         # 500 logins, 8 in flight, 2 rounds
#   LOGINS=200 ROUNDS=1 benchmarks/connection-rate.sh     # quick
#   SFTPKIT_BASELINE_DLL=/work/baseline/server/SftpKit.Server.dll benchmarks/connection-rate.sh
#
# Env: LOGINS (per measurement, default 500), CONCURRENCY (default 8), ROUNDS (default 2; servers alternate inside a
# round, median reported), KEXES (default "default curve25519-sha256": "default" is the client's whole offer, so
# each server picks its own preference; a name keeps only that kex in the client's offer), SFTPKIT_DLL (run this
# SftpKit.Server.dll instead of building the work tree), SFTPKIT_BASELINE_DLL (also run this build, e.g. an older
# one, in the same loop), WARMUP_MAX_BATCHES (default 12; warm-up below). Must run as root (sshd runs as root on a
# throwaway config; packages installed if missing).
#
# Client: benchmarks/SftpKit.ConnectionRate (SSH.NET, one process, async logins). It was chosen over OpenSSH
# `sftp -b` (a fork + exec + full client start per login, several ms of client CPU each, which would bound both
# servers at the client's rate) and over python3-asyncssh (interpreted; several ms of client CPU per login). Its own CPU
# per login is printed so the reader can see how much of the 2-core machine the client takes.
# Server CPU: SftpKit = utime+stime of the server process (/proc/PID/stat) before/after; sshd = the listener's
# cutime+cstime (each connection is a forked + re-executed sshd, reaped by the listener) plus the listener's own
# utime+stime, before/after, once every child has exited.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

LOGINS=${LOGINS:-500}
CONCURRENCY=${CONCURRENCY:-8}
ROUNDS=${ROUNDS:-2}
KEXES=${KEXES:-"default curve25519-sha256"}

need=()
[ -x /usr/sbin/sshd ] || need+=(openssh-server)
command -v ssh-keygen >/dev/null 2>&1 || need+=(openssh-client)
command -v python3 >/dev/null 2>&1 || need+=(python3)
if [ ${#need[@]} -gt 0 ]; then
  echo "Installing: ${need[*]}" >&2
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi

WORK=$(mktemp -d /tmp/connrate.XXXXXX)
SK_PID=""; OSSH_PID=""; BL_PID=""
cleanup() {
  [ -n "$SK_PID" ] && kill "$SK_PID" 2>/dev/null && wait "$SK_PID" 2>/dev/null
  [ -n "$BL_PID" ] && kill "$BL_PID" 2>/dev/null && wait "$BL_PID" 2>/dev/null
  [ -n "$OSSH_PID" ] && kill "$OSSH_PID" 2>/dev/null && wait "$OSSH_PID" 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
cpu_self() { awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$1/stat"; }
cpu_all() { awk '{ sub(/^.*\) /, ""); print $12 + $13 + $14 + $15 }' "/proc/$1/stat"; }
HZ=$(getconf CLK_TCK)

wait_port() {
  for _ in $(seq 1 300); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.1
  done
  echo "port $1 did not open" >&2; return 1
}

echo "== building the client (and samples/SftpKit.Server unless SFTPKIT_DLL is set), Release" >&2
dotnet build -c Release benchmarks/SftpKit.ConnectionRate -v q -nologo >"$WORK/build.log" 2>&1 || { cat "$WORK/build.log"; exit 1; }
CLIENT="$ROOT/benchmarks/SftpKit.ConnectionRate/bin/Release/net10.0/SftpKit.ConnectionRate.dll"
if [ -n "${SFTPKIT_DLL:-}" ]; then
  SK_DLL=$(realpath "$SFTPKIT_DLL")
else
  dotnet build -c Release samples/SftpKit.Server -v q -nologo >"$WORK/build.log" 2>&1 || { cat "$WORK/build.log"; exit 1; }
  SK_DLL="$ROOT/samples/SftpKit.Server/bin/Release/net10.0/SftpKit.Server.dll"
fi

ssh-keygen -q -t ed25519 -N "" -f "$WORK/client_ed25519"

start_sftpkit() {  # NAME DLL -> sets PORT_<NAME>, PID_<NAME>
  local name=$1 dll=$2 port
  port=$(free_port)
  mkdir -p "$WORK/$name/home/bench"
  SftpKit__Http__Enabled=false dotnet "$dll" --config-dir "$WORK/$name" --port "$port" --address 127.0.0.1 \
    --user "bench:$(head -c 18 /dev/urandom | base64)" --authorized-key "bench:$WORK/client_ed25519.pub" \
    >"$WORK/$name.log" 2>&1 &
  eval "PID_$name=$!; PORT_$name=$port"
}
start_sftpkit sftpkit "$SK_DLL"; SK_PID=$PID_sftpkit
SERVERS="sftpkit openssh"
if [ -n "${SFTPKIT_BASELINE_DLL:-}" ]; then
  start_sftpkit baseline "$(realpath "$SFTPKIT_BASELINE_DLL")"; BL_PID=$PID_baseline
  SERVERS="sftpkit baseline openssh"
fi

PORT_openssh=$(free_port)
mkdir -p "$WORK/openssh/home" /run/sshd
ssh-keygen -q -t ed25519 -N "" -f "$WORK/openssh/ssh_host_ed25519_key"
cat >"$WORK/openssh/sshd_config" <<CFG
Port $PORT_openssh
ListenAddress 127.0.0.1
HostKey $WORK/openssh/ssh_host_ed25519_key
AuthorizedKeysFile $WORK/client_ed25519.pub
PidFile none
UsePAM no
StrictModes no
UseDNS no
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
MaxStartups 100:30:200
Subsystem sftp internal-sftp -d $WORK/openssh/home
CFG
/usr/sbin/sshd -f "$WORK/openssh/sshd_config" -D -e >"$WORK/openssh.log" 2>&1 &
OSSH_PID=$!; PID_openssh=$OSSH_PID

for s in $SERVERS; do
  p="PORT_$s"; wait_port "${!p}" || { cat "$WORK/$s.log"; exit 1; }
done

ossh_idle() {
  for _ in $(seq 1 200); do
    pgrep -P "$OSSH_PID" >/dev/null || return 0
    sleep 0.05
  done
}
server_cpu() {  # NAME -> clock ticks
  case $1 in
    openssh) ossh_idle; cpu_all "$OSSH_PID" ;;
    *) local p="PID_$1"; cpu_self "${!p}" ;;
  esac
}

# run NAME KEX COUNT -> client's key=value line plus server_cpu_ms_per_login
run() {
  local name=$1 kex=$2 count=$3 user=bench port c0 c1 line kexarg=()
  [ "$name" = openssh ] && user=root
  [ "$kex" = default ] || kexarg=(--kex "$kex")
  port="PORT_$name"
  c0=$(server_cpu "$name")
  line=$(dotnet "$CLIENT" --port "${!port}" --user "$user" --key "$WORK/client_ed25519" --logins "$count" \
    --concurrency "$CONCURRENCY" "${kexarg[@]}" 2>"$WORK/client.err") \
    || { echo "client against $name failed:" >&2; tail -5 "$WORK/client.err" >&2; tail -20 "$WORK/$name.log" >&2; exit 1; }
  c1=$(server_cpu "$name")
  awk -v l="$line" -v a="$c0" -v b="$c1" -v hz="$HZ" -v n="$count" 'BEGIN { printf "%s server_cpu_ms_per_login=%.3f\n", l, (b - a) * 1000 / hz / n }'
}
field() { tr ' ' '\n' | sed -n "s/^$1=//p"; }
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# Warm-up. A .NET server keeps tiering up (tier 0 -> instrumented -> tier 1, on a background thread that a loaded
# 2-core machine starves) for the first ~1,000-2,000 logins, and its CPU per login falls 3-4x meanwhile: batches of
# 300 logins (kex offers alternating) until a batch costs no more than 1.15x the cheapest so far, at least 4 batches
# and at most WARMUP_MAX_BATCHES (default 12). sshd: one batch of 50 (page cache for its re-exec).
for s in $SERVERS; do
  if [ "$s" = openssh ]; then
    for k in $KEXES; do run "$s" "$k" 50 >/dev/null; done
    continue
  fi
  best=""; n=0
  while :; do
    for k in $KEXES; do
      n=$((n + 1))
      c=$(run "$s" "$k" 300 | field server_cpu_ms_per_login)
      echo "  warm-up $s batch $n (kex=$k): $c ms/login" >&2
      if [ "$n" -ge 4 ] && [ -n "$best" ] && awk -v c="$c" -v b="$best" 'BEGIN { exit !(c <= b * 1.15) }'; then break 2; fi
      [ "$n" -ge "${WARMUP_MAX_BATCHES:-12}" ] && break 2
      if [ -z "$best" ] || awk -v c="$c" -v b="$best" 'BEGIN { exit !(c < b) }'; then best=$c; fi
    done
  done
done

declare -A R C K D
for k in $KEXES; do
  for s in $SERVERS; do : >"$WORK/r.$s.$k"; : >"$WORK/c.$s.$k"; : >"$WORK/k.$s.$k"; done
done
for round in $(seq 1 "$ROUNDS"); do
  for k in $KEXES; do
    for s in $SERVERS; do
      out=$(run "$s" "$k" "$LOGINS")
      echo "  round $round $s kex=$k: $out" >&2
      echo "$out" | field rate >>"$WORK/r.$s.$k"
      echo "$out" | field server_cpu_ms_per_login >>"$WORK/c.$s.$k"
      echo "$out" | field client_cpu_ms_per_login >>"$WORK/k.$s.$k"
      D[$s.$k]=$(echo "$out" | tr ' ' '\n' | grep -E '^(kex|hostkey|cipher|mac)=' | tr '\n' ' ')
    done
  done
done
for k in $KEXES; do
  for s in $SERVERS; do
    R[$s.$k]=$(median <"$WORK/r.$s.$k"); C[$s.$k]=$(median <"$WORK/c.$s.$k"); K[$s.$k]=$(median <"$WORK/k.$s.$k")
  done
done

echo
echo "OpenSSH: $(ssh -V 2>&1); client: SSH.NET (benchmarks/SftpKit.ConnectionRate), $LOGINS logins x $ROUNDS rounds,"
echo "$CONCURRENCY in flight, median of rounds; $(nproc) cores; CPU = server-side user+sys ms per login"
echo
echo "| Client kex offer | Server | Negotiated | Logins/s | Ratio to sshd | Server CPU ms/login | Client CPU ms/login |"
echo "|---|---|---|---:|---:|---:|---:|"
for k in $KEXES; do
  for s in $SERVERS; do
    awk -v k="$k" -v s="$s" -v d="${D[$s.$k]}" -v r="${R[$s.$k]}" -v o="${R[openssh.$k]}" -v c="${C[$s.$k]}" -v q="${K[$s.$k]}" \
      'BEGIN { printf "| %s | %s | %s | %.1f | %.2f | %.3f | %.3f |\n", k, s, d, r, (o > 0 ? r / o : 0), c, q }'
  done
done
