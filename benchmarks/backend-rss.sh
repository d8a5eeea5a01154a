#!/usr/bin/env bash
# Peak memory of the sample server for one SIZE_MB upload (default 1 GiB) with stock OpenSSH `sftp put`, once per
# storage backend, each through a fresh server process:
#   local  - plain local directory (reference)
#   crypt  - encrypted local storage (provider "crypt": AES-256-GCM chunks, src/SftpKit.Core/FileSystem/Encrypted)
#   sftp   - another SFTP server (provider "sftp", src/SftpKit.Storage.Sftp): a throwaway OpenSSH sshd on 127.0.0.1,
#            started here as tests/SftpKit.Storage.Sftp.Tests start it (own host key, config and data directory)
# For each: wall time, MiB/s, the server's idle RSS and peak RSS (VmHWM) after the upload, and a check that the
# stored bytes are right (crypt: stored size = plaintext size + per-chunk overhead, and `get` gives the file back;
# sftp and local: byte-identical file).
#
#   benchmarks/backend-rss.sh                 # 1 GiB to local, crypt and sftp
#   SIZE_MB=256 BACKENDS="crypt sftp" benchmarks/backend-rss.sh
#
# Env: SIZE_MB (1024), BACKENDS ("local crypt sftp"), SFTPKIT_DLL (run this SftpKit.Server.dll instead of a Release
#      build of the work tree).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
SIZE_MB=${SIZE_MB:-1024}; BACKENDS=${BACKENDS:-local crypt sftp}

command -v sftp >/dev/null 2>&1 && [ -x /usr/sbin/sshd ] || {
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq openssh-client openssh-server >/dev/null
}

WORK=$(mktemp -d /tmp/backend-rss.XXXXXX)
SSHD_PID=""; SK_PID=""
cleanup() {
  if [ -n "$SK_PID" ]; then kill "$SK_PID" 2>/dev/null || true; wait "$SK_PID" 2>/dev/null || true; fi
  if [ -n "$SSHD_PID" ]; then kill "$SSHD_PID" 2>/dev/null || true; wait "$SSHD_PID" 2>/dev/null || true; fi
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
kib() { awk -v k="$2" '$1 == k":" { print $2 }' "/proc/$1/status"; }

if [ -z "${SFTPKIT_DLL:-}" ]; then
  echo "== building the sample server (Release)" >&2
  dotnet build -c Release samples/SftpKit.Server -v q -nologo >"$WORK/build.log" 2>&1 || { cat "$WORK/build.log"; exit 1; }
fi
SK_DLL=$(realpath "${SFTPKIT_DLL:-$ROOT/samples/SftpKit.Server/bin/Release/net10.0/SftpKit.Server.dll}")

ssh-keygen -q -t ed25519 -N "" -f "$WORK/client_ed25519"

# The remote for the sftp backend: sshd on loopback, logging in the current user with a key of its own.
mkdir -p "$WORK/sshd/data" /run/sshd 2>/dev/null || mkdir -p "$WORK/sshd/data"
ssh-keygen -q -t ed25519 -N "" -f "$WORK/sshd/host_ed25519"
ssh-keygen -q -t ed25519 -N "" -f "$WORK/sshd/client_ed25519"
SSHD_PORT=$(free_port)
cat >"$WORK/sshd/sshd_config" <<CONF
Port $SSHD_PORT
ListenAddress 127.0.0.1
HostKey $WORK/sshd/host_ed25519
AuthorizedKeysFile $WORK/sshd/client_ed25519.pub
PidFile none
UsePAM no
StrictModes no
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
Subsystem sftp internal-sftp
CONF
/usr/sbin/sshd -D -e -f "$WORK/sshd/sshd_config" 2>"$WORK/sshd/log" &
SSHD_PID=$!
wait_port "$SSHD_PORT" || { cat "$WORK/sshd/log"; exit 1; }
SSHD_FP=$(ssh-keygen -l -f "$WORK/sshd/host_ed25519.pub" | awk '{ print $2 }')

mkdir -p "$WORK/sftpkit"
python3 - "$WORK" "$SSHD_PORT" "$(id -un)" "$SSHD_FP" <<'PY'
import json, sys
work, port, user, fp = sys.argv[1:]
key = open(f"{work}/sshd/client_ed25519").read()
users = [
  {"userName": "local", "homeDirectory": f"{work}/sftpkit/home/local"},
  {"userName": "crypt", "homeDirectory": f"{work}/sftpkit/home/crypt",
   "fileSystem": {"provider": "crypt", "settings": {"passphrase": "benchmark passphrase, long enough for crypt"}}},
  {"userName": "sftp", "homeDirectory": f"{work}/sftpkit/home/sftp",
   "fileSystem": {"provider": "sftp", "root": f"{work}/sshd/data",
                  "settings": {"Host": "127.0.0.1", "Port": port, "UserName": user, "PrivateKey": key, "HostKeyFingerprints": fp}}},
]
json.dump({"users": users}, open(f"{work}/sftpkit/users.json", "w"), indent=1)
PY

start_server() {  # [ENV=VALUE ...] for the server process
  SK_PORT=$(free_port)
  local keys=()
  for b in local crypt sftp; do keys+=(--authorized-key "$b:$WORK/client_ed25519.pub"); done
  env "$@" SftpKit__AccountStore=json dotnet "$SK_DLL" --config-dir "$WORK/sftpkit" --port "$SK_PORT" --address 127.0.0.1 "${keys[@]}" \
    >"$WORK/sftpkit.log" 2>&1 &
  SK_PID=$!
  wait_port "$SK_PORT" || { cat "$WORK/sftpkit.log"; exit 1; }
}
stop_server() { kill "$SK_PID"; wait "$SK_PID" 2>/dev/null || true; SK_PID=""; }
sftp_batch() {  # USER COMMANDS...
  local user=$1; shift
  printf '%s\n' "$@" | sftp -b - -F /dev/null -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null \
    -o BatchMode=yes -o IdentitiesOnly=yes -o LogLevel=ERROR -i "$WORK/client_ed25519" -P "$SK_PORT" "$user@127.0.0.1" >/dev/null
}

head -c $((SIZE_MB * 1024 * 1024)) /dev/urandom >"$WORK/big.bin"
echo "backend  size      time     rate        RSS idle  peak RSS (VmHWM)  peak - idle  stored"
for backend in $BACKENDS; do
  start_server
  # One small file first, so the account is resolved and its storage opened (the sftp backend's first connection).
  head -c 1024 /dev/urandom >"$WORK/warm.bin"
  sftp_batch "$backend" "put $WORK/warm.bin warm.bin" || { echo "$backend: upload failed; server log:" >&2; tail -20 "$WORK/sftpkit.log" | cut -c1-600 >&2; echo "sshd log:" >&2; tail -20 "$WORK/sshd/log" >&2; exit 1; }
  idle=$(kib "$SK_PID" VmRSS)
  t0=$(now); sftp_batch "$backend" "put $WORK/big.bin big.bin"; t1=$(now)
  peak=$(kib "$SK_PID" VmHWM)
  case $backend in
    local) cmp -s "$WORK/big.bin" "$WORK/sftpkit/home/local/big.bin" && stored="identical" || stored="DIFFERS" ;;
    sftp) cmp -s "$WORK/big.bin" "$WORK/sshd/data/big.bin" && stored="identical on the remote sshd" || stored="DIFFERS" ;;
    crypt)
      on_disk=$(stat -c %s "$WORK/sftpkit/home/crypt/big.bin")
      sftp_batch crypt "get big.bin $WORK/back.bin"
      cmp -s "$WORK/big.bin" "$WORK/back.bin" && stored="ciphertext $on_disk bytes, get identical" || stored="GET DIFFERS"
      rm -f "$WORK/back.bin" ;;
  esac
  stop_server
  awk -v b="$backend" -v size="$SIZE_MB" -v a="$t0" -v z="$t1" -v idle="$idle" -v peak="$peak" -v st="$stored" 'BEGIN {
    s = z - a; printf "%-8s %5d MiB  %6.2f s  %5.0f MiB/s  %5.0f MiB  %9.0f MiB     %6.0f MiB   %s\n", b, size, s, size / s, idle / 1024, peak / 1024, (peak - idle) / 1024, st
  }'
  rm -f "$WORK/sftpkit/home/$backend/big.bin" "$WORK/sshd/data/big.bin"
done
