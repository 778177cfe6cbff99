"""A live app (uvicorn on a free loopback port) and Debian's headless Chromium via Playwright.

No browser is ever downloaded: Playwright drives the Chromium at ``GRADMATCH_CHROMIUM``
(default ``/usr/bin/chromium``). Without it the browser tests skip locally and fail under
``CI=true``.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from playwright.sync_api import Browser, Playwright, sync_playwright

from jobs_api.app import create_app
from jobs_api.core.container import Container
from tests.servers import in_ci

CHROMIUM_ENV = "GRADMATCH_CHROMIUM"
DEFAULT_CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-quic",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOT_DIR_ENV = "GRADMATCH_SCREENSHOT_DIR"


def _unavailable(message: str) -> None:
    if in_ci():
        pytest.fail(f"{message} (CI=true forbids skipping the browser tests)")
    pytest.skip(message)


def chromium_path() -> str:
    path = os.environ.get(CHROMIUM_ENV, DEFAULT_CHROMIUM)
    if not (Path(path).is_file() and os.access(path, os.X_OK)):
        _unavailable(f"Chromium not found at {path} (set {CHROMIUM_ENV})")
    return path


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture
def platform() -> str:
    """Browser tests run on the embedded platform only (the shell is the same on both)."""
    return "embedded"


@pytest.fixture
def live_server(container: Container) -> Iterator[str]:
    """The real app served by uvicorn in a background thread; yields its base URL."""
    config = uvicorn.Config(
        create_app(container=container),
        host="127.0.0.1",
        port=free_port(),
        log_level="warning",
        lifespan="on",
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="live-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            server.should_exit = True
            pytest.fail("the live server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{config.port}"
    finally:
        server.should_exit = True
        thread.join(timeout=20)


@pytest.fixture(scope="session")
def playwright_instance() -> Iterator[Playwright]:
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright_instance: Playwright) -> Iterator[Browser]:
    executable = chromium_path()
    launched = playwright_instance.chromium.launch(
        executable_path=executable, headless=True, args=CHROMIUM_ARGS
    )
    try:
        yield launched
    finally:
        launched.close()


@pytest.fixture
def screenshot_dir(tmp_path: Path) -> Path:
    """Where the tests leave screenshots: ``$GRADMATCH_SCREENSHOT_DIR`` or a temp dir."""
    configured = os.environ.get(SCREENSHOT_DIR_ENV)
    directory = Path(configured) if configured else tmp_path / "screenshots"
    directory.mkdir(parents=True, exist_ok=True)
    return directory
