#!/usr/bin/python3
"""Opens COUNT idle SFTP sessions to one server and holds them (used by session-memory.sh).

Each session is a full login: TCP, key exchange, publickey authentication, the sftp subsystem, and one REALPATH
round trip that proves the subsystem answers. PARALLEL handshakes run at once. When every session is open (or
failed), one line "opened N failed M" goes to stdout; the sessions are then held until stdin reaches EOF (the
script closes it), and the process exits without a goodbye per session.

  session-memory-client.py HOST PORT USER KEYFILE COUNT PARALLEL [LOCAL_ADDRESS]

LOCAL_ADDRESS (e.g. 127.0.0.11) binds the client end of each connection, so several clients each get their own
range of ephemeral ports on the loopback.
"""
import asyncio
import sys
import warnings

warnings.filterwarnings("ignore")  # asyncssh 2.10 imports ciphers that python3-cryptography marks as deprecated
import asyncssh  # noqa: E402  (Debian: python3-asyncssh)


async def open_one(host, port, user, key, local_addr, sessions, errors):
    try:
        conn = await asyncssh.connect(
            host, port, username=user, client_keys=[key], known_hosts=None,
            local_addr=(local_addr, 0) if local_addr else None,
            preferred_auth="publickey", agent_path=None, keepalive_interval=0)
        sftp = await conn.start_sftp_client()
        await sftp.realpath(".")
        sessions.append((conn, sftp))
    except (OSError, asyncssh.Error) as exc:
        errors.append(str(exc))


async def main():
    host, port, user, key_path, count, parallel = sys.argv[1:7]
    local_addr = sys.argv[7] if len(sys.argv) > 7 else None
    port, count, parallel = int(port), int(count), int(parallel)
    key = asyncssh.read_private_key(key_path)
    sessions, errors = [], []
    gate = asyncio.Semaphore(parallel)

    async def guarded():
        async with gate:
            await open_one(host, port, user, key, local_addr, sessions, errors)

    await asyncio.gather(*(guarded() for _ in range(count)))
    print(f"opened {len(sessions)} failed {len(errors)}", flush=True)
    if errors:
        print(f"first error: {errors[0]}", file=sys.stderr, flush=True)
    # Hold every session until the script closes our stdin.
    loop = asyncio.get_running_loop()
    await loop.run_in_executor(None, sys.stdin.read)
    for conn, _ in sessions:
        conn.abort()


if __name__ == "__main__":
    asyncio.run(main())
