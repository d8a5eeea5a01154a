#!/usr/bin/env bash
# Azure Blob storage benchmark: a SIZE_MB file uploaded with OpenSSH `sftp put` to the SftpKit sample server whose
# account is stored in Azurite (blob service on 127.0.0.1, throwaway directory); prints the wall time and the
# server's peak RSS (VmHWM) against the bound block × (concurrency + 1), and checks the stored blob.
#
#   benchmarks/azure-blob-upload.sh               # 1 GiB, block 5 MiB, concurrency 5
#   SIZE_MB=256 benchmarks/azure-blob-upload.sh
#
# Env: SIZE_MB (default 1024), PART_MIB (5), CONCURRENCY (5), SFTPKIT_TOOLS.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
SIZE_MB=${SIZE_MB:-1024}; PART_MIB=${PART_MIB:-5}; CONCURRENCY=${CONCURRENCY:-5}
export SFTPKIT_TOOLS=${SFTPKIT_TOOLS:-$HOME/.cache/sftpkit-tools}
ACCOUNT=devstoreaccount1
KEY=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw== # Azurite's public dev key

[ -x "$SFTPKIT_TOOLS/node_modules/.bin/azurite-blob" ] || npm install --prefix "$SFTPKIT_TOOLS" --no-audit --no-fund --loglevel=error azurite@3.37.0 >/dev/null

WORK=$(mktemp -d /tmp/azblob-bench.XXXXXX)
AZ_PID=""; SK_PID=""
cleanup() {
  if [ -n "$SK_PID" ]; then kill "$SK_PID" 2>/dev/null || true; wait "$SK_PID" 2>/dev/null || true; fi
  if [ -n "$AZ_PID" ]; then kill "$AZ_PID" 2>/dev/null || true; wait "$AZ_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_port() {
  for _ in $(seq 1 600); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.1; done
  echo "port $1 did not open" >&2; return 1
}
now() { date +%s.%N; }

echo "== building the sample server (Release)" >&2
dotnet build -c Release samples/SftpKit.Server -v q -nologo >"$WORK/build.log" 2>&1 || { cat "$WORK/build.log"; exit 1; }
SK_DLL="$ROOT/samples/SftpKit.Server/bin/Release/net10.0/SftpKit.Server.dll"

AZ_PORT=$(free_port)
"$SFTPKIT_TOOLS/node_modules/.bin/azurite-blob" --blobHost 127.0.0.1 --blobPort "$AZ_PORT" --location "$WORK/azurite" \
  --loose --skipApiVersionCheck --silent >"$WORK/azurite.log" 2>&1 &
AZ_PID=$!
wait_port "$AZ_PORT"
# Create the container with one Shared Key signed request (SftpKit expects it to exist).
python3 - "$AZ_PORT" "$ACCOUNT" "$KEY" <<'PY'
import base64, hashlib, hmac, sys, urllib.request
from email.utils import formatdate
port, account, key = sys.argv[1:]
date, version = formatdate(usegmt=True), "2021-08-06"
resource = f"/{account}/{account}/bench\nrestype:container"
to_sign = "PUT\n" + "\n" * 4 + "application/octet-stream" + "\n" * 7 + f"x-ms-date:{date}\nx-ms-version:{version}\n" + resource
sig = base64.b64encode(hmac.new(base64.b64decode(key), to_sign.encode(), hashlib.sha256).digest()).decode()
req = urllib.request.Request(f"http://127.0.0.1:{port}/{account}/bench?restype=container", method="PUT", data=b"",
    headers={"Content-Type": "application/octet-stream", "x-ms-date": date, "x-ms-version": version, "Authorization": f"SharedKey {account}:{sig}"})
urllib.request.urlopen(req).read()
PY

ssh-keygen -q -t ed25519 -N "" -f "$WORK/client_ed25519"
mkdir -p "$WORK/sftpkit"
cat >"$WORK/sftpkit/users.json" <<JSON
{ "users": [ { "userName": "bench", "homeDirectory": "$WORK/sftpkit/home/bench",
  "fileSystem": { "provider": "azureblob", "root": "bench/", "settings": {
    "Container": "bench", "AccountName": "$ACCOUNT", "AccountKey": "$KEY", "Endpoint": "http://127.0.0.1:$AZ_PORT",
    "UseEmulator": "true", "UploadPartSizeMiB": "$PART_MIB", "UploadConcurrency": "$CONCURRENCY" } } } ] }
JSON
SK_PORT=$(free_port)
SftpKit__AccountStore=json dotnet "$SK_DLL" --config-dir "$WORK/sftpkit" --port "$SK_PORT" --address 127.0.0.1 \
  --authorized-key "bench:$WORK/client_ed25519.pub" >"$WORK/sftpkit.log" 2>&1 &
SK_PID=$!
wait_port "$SK_PORT" || { cat "$WORK/sftpkit.log"; exit 1; }
idle_rss=$(awk '/VmRSS/ { print $2 }' "/proc/$SK_PID/status")

head -c $((SIZE_MB * 1024 * 1024)) /dev/urandom >"$WORK/big.bin"
t0=$(now)
echo "put $WORK/big.bin big.bin" | sftp -b - -F /dev/null -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null \
  -o BatchMode=yes -o IdentitiesOnly=yes -o LogLevel=ERROR -i "$WORK/client_ed25519" -P "$SK_PORT" bench@127.0.0.1 >/dev/null \
  || { echo "sftp put failed; server log:" >&2; tail -30 "$WORK/sftpkit.log" >&2; exit 1; }
t1=$(now)
hwm=$(awk '/VmHWM/ { print $2 }' "/proc/$SK_PID/status")
stored=$(find "$WORK/azurite/__blobstorage__" -type f -printf '%s\n' | awk '{ s += $1 } END { print s + 0 }')
[ "$stored" -ge $((SIZE_MB * 1024 * 1024)) ] || { echo "Azurite holds $stored bytes, less than the upload" >&2; exit 1; }
awk -v a="$t0" -v b="$t1" -v mb="$SIZE_MB" -v hwm="$hwm" -v idle="$idle_rss" -v part="$PART_MIB" -v c="$CONCURRENCY" 'BEGIN {
  s = b - a
  printf "upload %d MiB via sftp: %.1f s (%.1f MiB/s)\n", mb, s, mb / s
  printf "server RSS idle %.0f MiB, peak (VmHWM) %.0f MiB; upload buffer bound %d MiB x (%d + 1) = %d MiB\n", idle / 1024, hwm / 1024, part, c, part * (c + 1)
}'
