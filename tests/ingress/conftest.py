"""Fixtures for the ingress tests: a real listener on a free loopback port."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from sqlalchemy import func, select

from corrbot.ingress.smtp import ListenerHandle, start_listener
from corrbot.model import Message
from corrbot.runtime import Runtime
from tests.servers.ports import free_port


def listener_config(protocol: str = "smtp", max_bytes: int = 1_000_000) -> str:
    return (
        f'[listener]\nprotocol = "{protocol}"\nhost = "127.0.0.1"\n'
        f"port = {free_port()}\nmax_message_bytes = {max_bytes}\n"
    )


@pytest.fixture
def listen() -> Iterator[Callable[[Runtime], ListenerHandle]]:
    """Start corrbot's listener for a runtime; stopped at the end of the test."""
    started: list[ListenerHandle] = []

    def start(runtime: Runtime) -> ListenerHandle:
        handle = start_listener(runtime)
        started.append(handle)
        return handle

    yield start
    for handle in started:
        handle.stop()


def stored_count(runtime: Runtime) -> int:
    with runtime.sessions() as session:
        return (
            session.scalar(
                select(func.count()).select_from(Message).where(Message.placeholder.is_(False))
            )
            or 0
        )
