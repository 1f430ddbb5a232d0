"""Helpers for the HTTP tests: the two paths a request can take, a bounded event loop, and a
throwaway certificate authority for HTTPS."""

from __future__ import annotations

import asyncio
import datetime
import ipaddress
import ssl
from collections.abc import Coroutine
from pathlib import Path
from typing import Any

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from jobwatch.core.errors import RetryableError
from jobwatch.http.client import Client, send
from tests.hostile import ForwardProxy

PATHS = ["direct", "proxy"]


def run(coro: Coroutine[Any, Any, Any], within: float = 10.0) -> Any:
    """Run one test's coroutine on a fresh event loop, bounded in time."""

    async def bounded() -> Any:
        async with asyncio.timeout(within):
            return await coro

    return asyncio.run(bounded())


class Via:
    """The path a test's requests take: "direct" (jobwatch's h11 pool) or "proxy" (httpx's
    own transport, through a ForwardProxy on loopback named in the Client's env)."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.proxy = ForwardProxy() if name == "proxy" else None

    def __enter__(self) -> Via:
        if self.proxy is not None:
            self.proxy.__enter__()
        return self

    def __exit__(self, *exc_info: Any) -> None:
        if self.proxy is not None:
            self.proxy.__exit__(*exc_info)

    @property
    def env(self) -> dict[str, str]:
        if self.proxy is None:
            return {}
        return {"HTTP_PROXY": self.proxy.url, "HTTPS_PROXY": self.proxy.url}

    def client(self, **kwargs: Any) -> Client:
        return Client(env=self.env, **kwargs)


async def get(client: Client, url: str, limit: float = 5.0, **headers: str) -> httpx.Response:
    """GET through jobwatch.http.send, as the poller does."""
    return await send(client, client.build_request("GET", url, headers=headers), limit)


def refused(via: Via, url: str, **headers: str) -> str:
    """The RetryableError a GET of `url` ends in, as text (the test fails if the GET works)."""

    async def main() -> str:
        async with via.client() as client:
            with pytest.raises(RetryableError) as caught:
                await get(client, url, **headers)
            return str(caught.value)

    return str(run(main()))


def self_signed(folder: Path) -> tuple[Path, Path]:
    """A throwaway certificate for 127.0.0.1 (its own CA) and its key."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "jobwatch test")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = folder / "cert.pem", folder / "key.pem"
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_file, key_file


def server_tls(cert_file: Path, key_file: Path) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert_file, key_file)
    return context
