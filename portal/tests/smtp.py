"""A small real SMTP server for tests, on a free local port: it accepts, refuses (554), or hangs.

Tests point Django's real SMTP backend at it (`use_smtp`) and count what it received, so what
they check is what a recipient would get: an e-mail delivered once, or not at all.

- `mode="accept"`: a minimal RFC 5321 conversation (the commands Django's SMTP backend uses,
  no TLS); each message received is kept in `received` as (recipients, message).
- `mode="refuse"`: 554 for the greeting and every command.
- `mode="hang"`: takes the TCP connection and never says a word (the client's timeout ends it).

The mode is read per connection, so a test may switch it while the server runs.
"""

import email
import re
import socketserver
import threading
from email import policy


class _SmtpHandler(socketserver.StreamRequestHandler):
    def reply(self, line: str) -> None:
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self):
        self.server.connections += 1
        if self.server.mode == "hang":
            self.server.hanging.set()
            while self.rfile.readline():  # until the client gives up and closes
                pass
            return
        if self.server.mode == "refuse":
            # A server that turns everyone away: 554 for the greeting and for every command.
            self.reply("554 5.3.2 Service refused")
            while line := self.rfile.readline():
                self.reply("221 2.0.0 Bye" if line.strip().upper() == b"QUIT" else "554 5.3.2 Service refused")
            return
        self.reply("220 localhost ESMTP")
        recipients = []
        while line := self.rfile.readline():
            verb = line[:4].decode().upper()
            if verb in ("EHLO", "HELO"):
                self.reply("250 localhost")
            elif verb == "MAIL":
                recipients = []
                self.reply("250 2.1.0 OK")
            elif verb == "RCPT":
                recipients.append(re.search(rb"<([^>]*)>", line).group(1).decode())
                self.reply("250 2.1.5 OK")
            elif verb == "DATA":
                self.reply("354 End data with <CR><LF>.<CR><LF>")
                lines = []
                while (data := self.rfile.readline()) not in (b".\r\n", b""):
                    lines.append(data[1:] if data.startswith(b".") else data)
                self.server.received.append(
                    (recipients, email.message_from_bytes(b"".join(lines), policy=policy.default))
                )
                self.reply("250 2.0.0 Queued")
            elif verb in ("RSET", "NOOP"):
                self.reply("250 2.0.0 OK")
            elif verb == "QUIT":
                self.reply("221 2.0.0 Bye")
                return
            else:
                self.reply("502 5.5.1 Not implemented")


class SmtpServer(socketserver.ThreadingTCPServer):
    """Use as a context manager: it serves in a thread from `with` to the block's end."""

    allow_reuse_address = True
    daemon_threads = True

    def __init__(self, port: int, *, mode: str = "accept"):
        assert mode in ("accept", "refuse", "hang")
        super().__init__(("127.0.0.1", port), _SmtpHandler)
        self.mode = mode
        self.received = []
        self.connections = 0
        self.hanging = threading.Event()  # set once a client is connected to the hanging server

    def __enter__(self):
        threading.Thread(target=self.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.shutdown()
        self.server_close()


def use_smtp(settings, port: int, *, timeout: float = 5) -> None:
    """Point the real SMTP backend (via pytest-django's `settings`) at a local port, no TLS, no login."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = timeout
