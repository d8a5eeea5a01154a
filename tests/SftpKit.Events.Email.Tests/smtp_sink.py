"""A throwaway SMTP server for the e-mail tests (Debian's python3-aiosmtpd).

Usage: smtp_sink.py DIRECTORY. Listens on a free 127.0.0.1 port, prints "READY <port>" once it accepts connections,
and writes each message it receives to DIRECTORY/NNNN.eml (the envelope recipients in an X-Envelope-To header, then
the message as received), renamed into place when complete. AUTH PLAIN/LOGIN is offered without TLS and accepts only
the user "mailer" with the password "secret" (mail without AUTH is accepted too). Stops when stdin closes.
"""
import os
import socket
import sys

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult


class Sink:
    def __init__(self, directory):
        self.directory = directory
        self.count = 0

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        base = os.path.join(self.directory, "%04d" % self.count)
        with open(base + ".tmp", "wb") as f:
            f.write(("X-Envelope-To: " + ",".join(envelope.rcpt_tos) + "\r\n").encode())
            f.write(("X-Authenticated: " + str(bool(session.authenticated)) + "\r\n").encode())
            f.write(envelope.original_content or envelope.content)
        os.rename(base + ".tmp", base + ".eml")
        return "250 OK"


def authenticate(server, session, envelope, mechanism, auth_data):
    ok = getattr(auth_data, "login", None) == b"mailer" and getattr(auth_data, "password", None) == b"secret"
    if ok:
        return AuthResult(success=True, auth_data=auth_data)
    return AuthResult(success=False, handled=False, message="535 5.7.8 Authentication credentials invalid")


def main():
    directory = sys.argv[1]
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    controller = Controller(Sink(directory), hostname="127.0.0.1", port=port,
                            authenticator=authenticate, auth_require_tls=False)
    controller.start()
    print("READY %d" % port, flush=True)
    try:
        sys.stdin.read()
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
