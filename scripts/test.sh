#!/usr/bin/env bash
# Runs every SftpKit test on a fresh Debian machine: installs the real clients the interop tests drive, restores,
# builds, runs xunit, and ends with one line "N passed, M failed".
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v ssh >/dev/null 2>&1 || need+=(openssh-client)
command -v ssh-keygen >/dev/null 2>&1 || need+=(openssh-client)
[ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import paramiko' 2>/dev/null || need+=(python3-paramiko)
[ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import asyncssh' 2>/dev/null || need+=(python3-asyncssh)
command -v setsid >/dev/null 2>&1 || need+=(util-linux)
command -v rclone >/dev/null 2>&1 || need+=(rclone)
command -v lftp >/dev/null 2>&1 || need+=(lftp)
command -v openssl >/dev/null 2>&1 || need+=(openssl)
[ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import bcrypt' 2>/dev/null || need+=(python3-bcrypt)
[ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import argon2' 2>/dev/null || need+=(python3-argon2)
command -v sshfs >/dev/null 2>&1 || need+=(sshfs)
if [ ${#need[@]} -gt 0 ]; then
  echo "Installing test dependencies: ${need[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi

results=$(mktemp -d)
set +e
dotnet test SftpKit.sln -c Release --blame-hang-timeout 5m --logger "trx;LogFilePrefix=results" --results-directory "$results" "$@" 2>&1 | tee "$results/console.log"
status=${PIPESTATUS[0]}
set -e

passed=0; failed=0; skipped=0
for trx in "$results"/*.trx "$results"/*/*.trx; do
  [ -f "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -1)
  p=$(echo "$counters" | sed -n 's/.* passed="\([0-9]*\)".*/\1/p'); f=$(echo "$counters" | sed -n 's/.* failed="\([0-9]*\)".*/\1/p')
  n=$(echo "$counters" | sed -n 's/.* notExecuted="\([0-9]*\)".*/\1/p')
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0})); skipped=$((skipped + ${n:-0}))
done
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
echo "${passed} passed, ${failed} failed, ${skipped} skipped"
exit "$status"
