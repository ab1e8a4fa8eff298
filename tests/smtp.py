"""A pytest plugin: a real SMTP server (aiosmtpd) on 127.0.0.1 that keeps what it receives.

`smtp_server` starts one per test on a free port and points both test apps' MAIL_SERVER and
MAIL_PORT at it. `start_smtp_server(...)` starts one with other settings (AUTH, refusals).
Messages are parsed with the modern e-mail policy, so tests read `EmailMessage` objects with
decoded headers and bodies.
"""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

HOST = "127.0.0.1"


@dataclass
class SmtpServer:
    host: str
    port: int
    messages: list[EmailMessage] = field(default_factory=list)
    envelopes: list[tuple[str, list[str]]] = field(default_factory=list)
    logins: list[tuple[str, str]] = field(default_factory=list)
    # RCPT TO answers by address, e.g. {"x@example.se": "450 4.2.0 Mailbox busy"}.
    refuse: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds to wait before accepting DATA (to make deliveries overlap)
    rcpt_seen: int = 0

    def wait_for(self, count: int, timeout: float = 5.0) -> list[EmailMessage]:
        deadline = time.monotonic() + timeout
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.01)
        return self.messages

    def config(self) -> dict:
        return {"MAIL_SERVER": self.host, "MAIL_PORT": self.port, "MAIL_USE_TLS": False,
                "MAIL_USERNAME": "", "MAIL_PASSWORD": "", "MAIL_TIMEOUT": 5,
                "MAIL_FROM": "Kontaktcenter <kontaktcenter@exempelkommun.se>",
                "MAIL_ENABLED": True}


class _Handler:
    def __init__(self, server: SmtpServer) -> None:
        self.server = server

    async def handle_RCPT(self, _server, _session, envelope, address, _options):
        self.server.rcpt_seen += 1
        if address in self.server.refuse:
            return self.server.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, _server, _session, envelope):
        if self.server.delay:
            await asyncio.sleep(self.server.delay)
        message = BytesParser(policy=policy.default).parsebytes(envelope.content)
        self.server.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        self.server.messages.append(message)
        return "250 Message accepted"


def free_port() -> int:
    """A port nothing listens on right now (also the way to get "SMTP server is down")."""
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


@contextmanager
def start_smtp_server(*, users: dict[str, str] | None = None) -> Iterator[SmtpServer]:
    """Serve SMTP on a free port until the block ends; `users` requires AUTH (plain text)."""
    server = SmtpServer(HOST, free_port())
    options: dict = {}
    if users is not None:

        def authenticate(_server, _session, _envelope, mechanism, data):
            if isinstance(data, LoginPassword):
                login, password = data.login.decode(), data.password.decode()
                server.logins.append((login, password))
                return AuthResult(success=users.get(login) == password, handled=False)
            return AuthResult(success=False, handled=False)

        options = {"authenticator": authenticate, "auth_required": True,
                   "auth_require_tls": False}
    controller = Controller(_Handler(server), hostname=HOST, port=server.port, **options)
    controller.start()
    try:
        yield server
    finally:
        controller.stop()


@pytest.fixture
def smtp_server(app, data_app, monkeypatch) -> Iterator[SmtpServer]:
    """A real SMTP server for this test; the apps' MAIL_SERVER/MAIL_PORT point at it."""
    with start_smtp_server() as server:
        for application in (app, data_app):
            monkeypatch.setitem(application.config, "MAIL_SERVER", server.host)
            monkeypatch.setitem(application.config, "MAIL_PORT", server.port)
        yield server
