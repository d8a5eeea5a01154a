#!/usr/bin/env bash
# Runs SftpKit's mutation fuzzer at full size: every parser a client reaches (packet decoder, version line, kex,
# userauth, connection protocol, every SSH message type, SFTP requests, SCP) with SFTPKIT_FUZZ_INPUTS inputs per weight unit (default
# 500000: about 6 million inputs in all) from seed SFTPKIT_FUZZ_SEED (default: the time). Failing inputs are
# written to SFTPKIT_FUZZ_FAILURES (default /tmp/sftpkit-fuzz-failures/<target>/); copy them to
# tests/SftpKit.Core.Tests/Reliability/FuzzRegressions/<target>/ to keep them as regression tests.
set -euo pipefail
cd "$(dirname "$0")/.."
export SFTPKIT_FUZZ_INPUTS=${SFTPKIT_FUZZ_INPUTS:-500000}
export SFTPKIT_FUZZ_SEED=${SFTPKIT_FUZZ_SEED:-$(date +%s)}
echo "fuzzing with SFTPKIT_FUZZ_INPUTS=$SFTPKIT_FUZZ_INPUTS SFTPKIT_FUZZ_SEED=$SFTPKIT_FUZZ_SEED"
dotnet build tests/SftpKit.Core.Tests -c Release -v quiet >/dev/null
dotnet test tests/SftpKit.Core.Tests -c Release --no-build --blame-hang-timeout 60m \
  --filter 'FullyQualifiedName~Reliability.Fuzzing' --logger "console;verbosity=detailed" "$@" 2>&1 \
  | grep -E 'inputs in|Passed!|Failed!|Error Message|input [0-9]+ \(seed' || true
