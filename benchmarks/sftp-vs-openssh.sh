#!/usr/bin/env bash
# End-to-end SFTP benchmark: the stock OpenSSH `sftp -b` client against the SftpKit sample server and against
# OpenSSH's own sshd (internal-sftp), both on 127.0.0.1, same client key, default cipher negotiation.
#
#   benchmarks/sftp-vs-openssh.sh            # 1 GiB file, 2,000 small files, ls -l of 100,000 entries
#   QUICK=1 benchmarks/sftp-vs-openssh.sh    # 64 MiB, 200 small files, 5,000 entries (CI)
#
# Env: SIZE_MB (big file, default 1024; QUICK 64), SMALL_FILES, LS_ENTRIES, REPEAT (runs per operation, median
# reported; the rounds alternate between the servers; default 3), WARMUP (unmeasured rounds of each operation on each
# server before its measured ones, so that neither server's first run of a workload pays one-time costs: SftpKit's JIT
# of that path, sshd's page cache; default 1), OPS (which operations, in order: any of upload download small smallget
# ls login; default all, e.g. OPS=smallget REPEAT=11 for many rounds of `get -r` alone), SFTPKIT_DLL (run this SftpKit.Server.dll, e.g. a saved copy of an older build, instead of
# building the work tree), SFTPKIT_BASELINE_DLL (also run this build as a third server, "baseline", measured in the
# same loop, so an older and a newer SftpKit are compared under the same machine load), CIPHER (passed to every sftp
# run as `-c`, e.g. aes128-gcm@openssh.com or chacha20-poly1305@openssh.com; default: the client's own negotiation).
# Must run as root (installs packages if missing; sshd runs as root on a throwaway config).
# Operations: put and get of the big file (cmp-verified), put -r and get -r of the small-file tree (count and content
# verified), ls -l of a large directory (entry count verified), and a login: one session that only runs `pwd` (TCP
# connect, key exchange, authentication, the sftp subsystem, one REALPATH; the answer checked).
# Server CPU: SftpKit = utime+stime of the server process (/proc/PID/stat) before/after each run; sshd = the
# listener's cutime+cstime (per-connection processes are forked and reaped by the listener) before/after.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

if [ "${QUICK:-0}" = "1" ]; then
  SIZE_MB=${SIZE_MB:-64}; SMALL_FILES=${SMALL_FILES:-200}; LS_ENTRIES=${LS_ENTRIES:-5000}
else
  SIZE_MB=${SIZE_MB:-1024}; SMALL_FILES=${SMALL_FILES:-2000}; LS_ENTRIES=${LS_ENTRIES:-100000}
fi
REPEAT=${REPEAT:-3}
WARMUP=${WARMUP:-1}
OPS=${OPS:-upload download small smallget ls login}
for op in $OPS; do
  case $op in upload|download|small|smallget|ls|login) ;; *) echo "OPS: unknown operation '$op' (upload download small smallget ls login)" >&2; exit 2 ;; esac
done

need=()
[ -x /usr/sbin/sshd ] || need+=(openssh-server)
command -v sftp >/dev/null 2>&1 && command -v ssh-keygen >/dev/null 2>&1 || need+=(openssh-client)
command -v python3 >/dev/null 2>&1 || need+=(python3)
if [ ${#need[@]} -gt 0 ]; then
  echo "Installing: ${need[*]}" >&2
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi

WORK=$(mktemp -d /tmp/sftp-bench.XXXXXX)
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
# utime+stime (self) or cutime+cstime (reaped children) of PID, in clock ticks.
cpu_self() { awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$1/stat"; }
cpu_children() { awk '{ sub(/^.*\) /, ""); print $14 + $15 }' "/proc/$1/stat"; }
HZ=$(getconf CLK_TCK)
now() { date +%s.%N; }

wait_port() {
  for _ in $(seq 1 200); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.1
  done
  echo "port $1 did not open" >&2; return 1
}

if [ -n "${SFTPKIT_DLL:-}" ]; then
  SK_DLL=$(realpath "$SFTPKIT_DLL")  # a copy of an earlier build, to compare builds against the same sshd
else
  echo "== building samples/SftpKit.Server (Release)" >&2
  dotnet build -c Release samples/SftpKit.Server -v q -nologo >"$WORK/build.log" 2>&1 || { cat "$WORK/build.log"; exit 1; }
  SK_DLL="$ROOT/samples/SftpKit.Server/bin/Release/net10.0/SftpKit.Server.dll"
fi

ssh-keygen -q -t ed25519 -N "" -f "$WORK/client_ed25519"

# --- SftpKit ---
SK_PORT=$(free_port)
SK_HOME="$WORK/sftpkit/home/bench"
mkdir -p "$SK_HOME"
SftpKit__Http__Enabled=false dotnet "$SK_DLL" --config-dir "$WORK/sftpkit" --port "$SK_PORT" --address 127.0.0.1 \
  --user "bench:$(head -c 18 /dev/urandom | base64)" --authorized-key "bench:$WORK/client_ed25519.pub" \
  >"$WORK/sftpkit.log" 2>&1 &
SK_PID=$!
SERVERS="sftpkit openssh"
if [ -n "${SFTPKIT_BASELINE_DLL:-}" ]; then
  BL_PORT=$(free_port)
  BL_HOME="$WORK/baseline/home/bench"
  mkdir -p "$BL_HOME"
  SftpKit__Http__Enabled=false dotnet "$(realpath "$SFTPKIT_BASELINE_DLL")" --config-dir "$WORK/baseline" --port "$BL_PORT" --address 127.0.0.1 \
    --user "bench:$(head -c 18 /dev/urandom | base64)" --authorized-key "bench:$WORK/client_ed25519.pub" \
    >"$WORK/baseline.log" 2>&1 &
  BL_PID=$!
  SERVERS="sftpkit baseline openssh"
fi

# --- OpenSSH sshd ---
OSSH_PORT=$(free_port)
OSSH_HOME="$WORK/openssh/home"
mkdir -p "$OSSH_HOME" /run/sshd
ssh-keygen -q -t ed25519 -N "" -f "$WORK/openssh/ssh_host_ed25519_key"
cat >"$WORK/openssh/sshd_config" <<EOF
Port $OSSH_PORT
ListenAddress 127.0.0.1
HostKey $WORK/openssh/ssh_host_ed25519_key
AuthorizedKeysFile $WORK/client_ed25519.pub
PidFile none
UsePAM no
StrictModes no
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
Subsystem sftp internal-sftp -d $OSSH_HOME
EOF
/usr/sbin/sshd -f "$WORK/openssh/sshd_config" -D -e >"$WORK/openssh.log" 2>&1 &
OSSH_PID=$!

wait_port "$SK_PORT" || { cat "$WORK/sftpkit.log"; exit 1; }
wait_port "$OSSH_PORT" || { cat "$WORK/openssh.log"; exit 1; }
[ -z "$BL_PID" ] || wait_port "$BL_PORT" || { cat "$WORK/baseline.log"; exit 1; }

# sftp_run NAME BATCHFILE [stdout-file]: stock client, default algorithms; returns after the server side is idle.
sftp_args() {
  local name=$1
  local port user
  case $name in
    sftpkit) port=$SK_PORT; user=bench ;;
    baseline) port=$BL_PORT; user=bench ;;
    *) port=$OSSH_PORT; user=root ;;
  esac
  [ -z "${CIPHER:-}" ] || echo "-c $CIPHER"
  echo "-F /dev/null -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o GlobalKnownHostsFile=/dev/null"
  echo "-o BatchMode=yes -o IdentitiesOnly=yes -o LogLevel=ERROR -i $WORK/client_ed25519 -P $port $user@127.0.0.1"
}

ossh_idle() {  # per-connection processes exited and reaped by the listener
  for _ in $(seq 1 100); do
    pgrep -P "$OSSH_PID" >/dev/null || return 0
    sleep 0.05
  done
}

# measure NAME BATCH LOCALDIR OUT -> prints "seconds cpu_seconds"
measure() {
  local name=$1 batch=$2 dir=$3 out=${4:-/dev/null}
  local c0 c1 t0 t1
  case $name in
    sftpkit) c0=$(cpu_self "$SK_PID") ;;
    baseline) c0=$(cpu_self "$BL_PID") ;;
    *) ossh_idle; c0=$(cpu_children "$OSSH_PID") ;;
  esac
  t0=$(now)
  # shellcheck disable=SC2046
  (cd "$dir" && sftp -b "$batch" $(sftp_args "$name")) >"$out" 2>"$WORK/sftp.err" \
    || { echo "sftp against $name failed:" >&2; cat "$WORK/sftp.err" >&2; tail -20 "$WORK/$name.log" >&2; exit 1; }
  t1=$(now)
  case $name in
    sftpkit) c1=$(cpu_self "$SK_PID") ;;
    baseline) c1=$(cpu_self "$BL_PID") ;;
    *) ossh_idle; c1=$(cpu_children "$OSSH_PID") ;;
  esac
  awk -v a="$t0" -v b="$t1" -v c="$c0" -v d="$c1" -v hz="$HZ" 'BEGIN { printf "%.3f %.2f\n", b - a, (d - c) / hz }'
}

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

home_of() {
  case $1 in
    sftpkit) echo "$SK_HOME" ;;
    baseline) echo "$BL_HOME" ;;
    *) echo "$OSSH_HOME" ;;
  esac
}

# Negotiated cipher (client's view) for each server.
for s in $SERVERS; do
  # shellcheck disable=SC2046
  c=$(echo bye | sftp -v -b - $(sftp_args "$s") 2>&1 | grep -m1 -o 'server->client cipher: [^ ]* MAC: [^ ]*' || true)
  echo "$s: ${c:-unknown}" >&2
  printf '%s\n' "${c:-unknown}" >"$WORK/cipher.$s"
done

LOCAL="$WORK/local"
mkdir -p "$LOCAL/small"
echo "== generating data: ${SIZE_MB} MiB file, ${SMALL_FILES} x 4 KiB, ${LS_ENTRIES} entries" >&2
head -c "$((SIZE_MB * 1024 * 1024))" /dev/urandom >"$LOCAL/big.bin"
python3 - "$LOCAL/small" "$SMALL_FILES" <<'EOF'
import os, sys
d, n = sys.argv[1], int(sys.argv[2])
for i in range(n):
    with open(os.path.join(d, f"f{i:06d}.dat"), "wb") as f:
        f.write(os.urandom(4096))
EOF
for s in $SERVERS; do
  python3 - "$(home_of $s)/lsdir" "$LS_ENTRIES" <<'EOF'
import os, sys
d, n = sys.argv[1], int(sys.argv[2])
os.makedirs(d)
for i in range(n):
    open(os.path.join(d, f"entry-{i:07d}.txt"), "wb").close()
EOF
done

echo "put big.bin up.bin" >"$WORK/b.put"
echo "get big.bin down.bin" >"$WORK/b.get"
echo "put -r small small" >"$WORK/b.small"
echo "get -r small smalldown" >"$WORK/b.smallget"
echo "ls -l lsdir" >"$WORK/b.ls"
echo "pwd" >"$WORK/b.login"
echo "put small/f000000.dat warm.dat" >"$WORK/b.warm"

# Warm-up (JIT for SftpKit; page cache for both).
for s in $SERVERS; do measure "$s" "$WORK/b.warm" "$LOCAL" >/dev/null; done

declare -A T C P
for op in $OPS; do
  for s in $SERVERS; do
    : >"$WORK/t.$s"; : >"$WORK/c.$s"; : >"$WORK/p.$s"
    if [ "$op" = smallget ]; then h=$(home_of "$s"); rm -rf "$h/small"; cp -r "$LOCAL/small" "$h/small"; sync; fi
  done
  # Rounds alternate between the servers (A, B, C, A, B, C, ...) so that a burst of load from elsewhere on the
  # machine falls on all of them rather than on one server's consecutive runs.
  for round in $(seq 1 $((WARMUP + REPEAT))); do
    for s in $SERVERS; do
      h=$(home_of "$s")
      case $op in
        upload)
          rm -f "$h/up.bin"; sync
          r=$(measure "$s" "$WORK/b.put" "$LOCAL")
          cmp -s "$LOCAL/big.bin" "$h/up.bin" || { echo "$s: uploaded file differs" >&2; exit 1; } ;;
        download)
          [ -f "$h/big.bin" ] || cp "$LOCAL/big.bin" "$h/big.bin"
          rm -f "$LOCAL/down.bin"; sync
          r=$(measure "$s" "$WORK/b.get" "$LOCAL")
          cmp -s "$LOCAL/big.bin" "$LOCAL/down.bin" || { echo "$s: downloaded file differs" >&2; exit 1; } ;;
        small)
          rm -rf "$h/small"; sync
          r=$(measure "$s" "$WORK/b.small" "$LOCAL")
          n=$(find "$h/small" -type f | wc -l)
          [ "$n" -eq "$SMALL_FILES" ] || { echo "$s: $n of $SMALL_FILES small files arrived" >&2; exit 1; }
          diff -rq "$LOCAL/small" "$h/small" >/dev/null || { echo "$s: put -r small tree differs" >&2; exit 1; } ;;
        smallget)
          rm -rf "$LOCAL/smalldown"; sync
          r=$(measure "$s" "$WORK/b.smallget" "$LOCAL")
          diff -rq "$h/small" "$LOCAL/smalldown" >/dev/null \
            || { echo "$s: get -r small tree differs" >&2; exit 1; }
          n=$(find "$LOCAL/smalldown" -type f | wc -l)
          [ "$n" -eq "$SMALL_FILES" ] || { echo "$s: $n of $SMALL_FILES small files downloaded" >&2; exit 1; } ;;
        ls)
          r=$(measure "$s" "$WORK/b.ls" "$LOCAL" "$WORK/ls.out")
          n=$(grep -c 'entry-' "$WORK/ls.out" || true)
          [ "$n" -eq "$LS_ENTRIES" ] || { echo "$s: ls -l listed $n of $LS_ENTRIES entries" >&2; exit 1; } ;;
        login)
          r=$(measure "$s" "$WORK/b.login" "$LOCAL" "$WORK/login.out")
          grep -q 'Remote working directory: /' "$WORK/login.out" || { echo "$s: pwd gave no working directory" >&2; exit 1; } ;;
      esac
      if [ "$round" -le "$WARMUP" ]; then echo "  $op $s: $r (warm-up)" >&2; continue; fi
      echo "$r" | awk '{ print $1 }' >>"$WORK/t.$s"
      echo "$r" | awk '{ print $2 }' >>"$WORK/c.$s"
      echo "  $op $s: $r" >&2
    done
    # The ratio of this round's pair (OpenSSH time / SftpKit time): drift over the rounds (the disk filling, load
    # from elsewhere) moves both sides of a pair, so the median of these is steadier than a ratio of two medians.
    if [ "$round" -gt "$WARMUP" ]; then
      for s in $SERVERS; do
        [ "$s" = openssh ] && continue
        paste "$WORK/t.openssh" "$WORK/t.$s" | tail -n 1 | awk '{ if ($2 > 0) printf "%.4f\n", $1 / $2 }' >>"$WORK/p.$s"
      done
    fi
  done
  for s in $SERVERS; do
    T[$op.$s]=$(median <"$WORK/t.$s"); C[$op.$s]=$(median <"$WORK/c.$s")
    [ "$s" = openssh ] || P[$op.$s]=$(median <"$WORK/p.$s")
  done
  for s in $SERVERS; do
    rm -f "$(home_of "$s")/up.bin"
    [ "$op" = download ] && rm -f "$(home_of "$s")/big.bin"
  done
  rm -f "$LOCAL/down.bin"
  rm -rf "$LOCAL/smalldown"
done

label() {
  case $1 in
    upload) echo "upload ${SIZE_MB} MiB (put)" ;;
    download) echo "download ${SIZE_MB} MiB (get)" ;;
    small) echo "put -r ${SMALL_FILES} x 4 KiB" ;;
    smallget) echo "get -r ${SMALL_FILES} x 4 KiB" ;;
    ls) echo "ls -l ${LS_ENTRIES} entries" ;;
    login) echo "login, pwd, exit (one session)" ;;
  esac
}

echo
echo "Cipher (client view): SftpKit: $(cat "$WORK/cipher.sftpkit"); OpenSSH: $(cat "$WORK/cipher.openssh")"
echo "OpenSSH: $(ssh -V 2>&1); median of $REPEAT runs after $WARMUP warm-up round(s) per operation; CPU = server-side user+sys seconds"
echo
for v in $SERVERS; do
  [ "$v" = openssh ] && continue
  if [ -n "$BL_PID" ]; then
    echo
    if [ "$v" = sftpkit ]; then echo "SftpKit (this build):"; else echo "SftpKit baseline ($SFTPKIT_BASELINE_DLL):"; fi
  fi
  echo "| Operation | SftpKit s | OpenSSH s | Throughput ratio (OpenSSH s / SftpKit s) | Paired ratio (median of per-round ratios) | SftpKit CPU s | OpenSSH CPU s | Server CPU ratio (SftpKit / OpenSSH) |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|"
  for op in $OPS; do
    awk -v l="$(label $op)" -v ts="${T[$op.$v]}" -v to="${T[$op.openssh]}" -v cs="${C[$op.$v]}" -v co="${C[$op.openssh]}" -v pr="${P[$op.$v]}" '
      BEGIN {
        tr = ts > 0 ? sprintf("%.2f", to / ts) : "n/a"
        cr = co > 0 ? sprintf("%.2f", cs / co) : "n/a"
        printf "| %s | %.2f | %.2f | %s | %.2f | %.2f | %.2f | %s |\n", l, ts, to, tr, pr, cs, co, cr
      }'
  done
done
