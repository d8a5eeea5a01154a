#!/usr/bin/env bash
# Full-size SftpKit load run (issue 8): 500 concurrent SSH.NET sessions for 5 minutes against the load generator's own
# SftpKit server process on 127.0.0.1 (local disk, atomic uploads), mixed uploads/downloads/listings/renames/deletes of
# 1 KiB–4 MiB files, every download checked by SHA-256; prints the server's RSS/fds/threads over time and exits non-zero
# on any error, mismatch, RSS growth past the bound or fds not back to baseline. Extra arguments go to the tool
# (e.g. `--sessions 200 --duration 60`, or `--host H --port P --server-pid PID` for an external server).
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build benchmarks/SftpKit.LoadTest -c Release -v q -nologo >/dev/null
exec dotnet benchmarks/SftpKit.LoadTest/bin/Release/net10.0/SftpKit.LoadTest.dll run --sessions 500 --duration 300 --ramp-up 20 "$@"
