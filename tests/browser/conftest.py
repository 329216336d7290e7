"""Headless Chromium (Debian's /usr/bin/chromium) driven by Playwright, for the review page's tests.

Never ``playwright install``: the tests use the system browser and skip, saying why, without it."""

from __future__ import annotations

import os
import shutil

import pytest

CHROMIUM = os.environ.get("ALIGNER_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright not installed (pip install -e .[test])")
    if not os.path.exists(CHROMIUM):
        pytest.skip("Chromium not installed (Debian: apt-get install -y chromium)")
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield chromium
        chromium.close()


@pytest.fixture
def open_page(browser):
    """Open a page from file:// in a fresh context with every network request refused and recorded;
    fails the test on any script error or console error."""
    contexts = []

    def open_(path, width=1440, height=900):
        context = browser.new_context(viewport={"width": width, "height": height}, accept_downloads=True)
        contexts.append(context)
        page = context.new_page()
        page.network = []
        page.errors = []

        def refuse(route):
            page.network.append(route.request.url)
            route.abort()

        context.route("http*://**/*", refuse)
        page.on("dialog", lambda d: (page.errors.append("dialog: " + d.message), d.dismiss()))
        page.on("pageerror", lambda e: page.errors.append(str(e)))
        page.on("console", lambda m: page.errors.append(m.text) if m.type == "error" else None)
        page.goto(path.as_uri())
        page.wait_for_selector(".bead[data-k]")
        return page

    yield open_
    for context in contexts:
        for page in context.pages:
            assert not page.errors, page.errors
            assert not page.network, page.network
        context.close()
