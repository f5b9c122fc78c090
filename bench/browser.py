"""The one way the workbench's browser tests and benchmark drive a browser: Debian's headless
Chromium (/usr/bin/chromium, `apt-get install chromium`) through Playwright, never a browser that
Playwright downloads. Each browser gets a fresh profile, and every request to a host other than
the server's is refused and recorded, so a caller can fail on it."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from playwright.sync_api import BrowserContext, Page, Playwright, Route, sync_playwright

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@dataclass
class Browser:
    """A browser context for one server: `foreign` holds every request to another host, `errors`
    every script error and console error of its pages."""

    context: BrowserContext
    origin: str
    foreign: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def new_page(self, width: int = 1280, height: int = 900) -> Page:
        page = self.context.new_page()
        page.set_viewport_size({"width": width, "height": height})
        page.on("pageerror", lambda error: self.errors.append(f"{page.url}: {error}"))
        page.on("console", lambda message: message.type == "error" and self.errors.append(f"{page.url}: console: {message.text}"))
        return page


def _origin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.scheme, parts.netloc


@contextmanager
def browser(server_url: str, *, playwright: Playwright | None = None) -> Iterator[Browser]:
    """Chromium with a fresh profile, for pages of `server_url`; requests anywhere else are aborted
    and listed in `foreign`."""
    if shutil.which(CHROMIUM) is None:
        raise RuntimeError(f"{CHROMIUM} is missing: apt-get install -y chromium")
    profile = tempfile.mkdtemp(prefix="grcgraph-chromium-")
    manager = sync_playwright() if playwright is None else None
    driver = manager.start() if manager is not None else playwright
    assert driver is not None
    try:
        context = driver.chromium.launch_persistent_context(
            profile, executable_path=CHROMIUM, headless=True, args=ARGS, accept_downloads=True, service_workers="block"
        )
        found = Browser(context, server_url)
        home = _origin(server_url)

        def guard(route: Route) -> None:
            url = route.request.url
            if _origin(url) == home or url.startswith(("data:", "blob:")):
                route.continue_()
            else:
                found.foreign.append(url)
                route.abort()

        context.route("**/*", guard)
        for page in context.pages:  # the persistent context opens with a blank page
            page.close()
        try:
            yield found
        finally:
            context.close()
    finally:
        if manager is not None:
            driver.stop()
        shutil.rmtree(profile, ignore_errors=True)
