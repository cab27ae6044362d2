"""Check the dashboards in a real browser: ``make browser-check`` (run by .ci/run after
``make test``).

    python -m demandcast.tools.browser_check --published warehouse/published \\
        --out artifacts/browser [--docs docs/dashboards]

Starts the app (``demandcast.dashboard.server``) on 127.0.0.1 on a free port, drives
headless Chromium through chromedriver (selenium) to each page, waits until the script
has finished and every chart has drawn its marks (never a fixed sleep: a plain
``chromium --screenshot`` shoots before the app's websocket has rendered anything), takes
a screenshot of the whole page, and fails on:

- a page exception (Streamlit's ``stException`` element) or a page without its title;
- a page without any chart, or a chart without any visible data mark (the charts are
  SVG, see demandcast.dashboard.charts: a mark is an element under a ``role-mark`` group,
  visible when it has some extent and a fill or stroke that is not transparent);
- a blank screenshot (nearly every pixel one colour).

Screenshots go to ``--out`` (git-ignored) and, with ``--docs``, are copied there too.
"""

from __future__ import annotations

import argparse
import json
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from demandcast.dashboard.server import DEFAULT_FOLDER, PAGES, streamlit_command

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
WINDOW_WIDTH = 1400
WINDOW_HEIGHT = 1000
# Tallest screenshot: a page longer than this is shot down to here.
MAX_HEIGHT = 5000
SERVER_TIMEOUT_S = 120.0
PAGE_TIMEOUT_S = 120.0
POLL_S = 0.25
# A chart still without a visible mark this long after the page settled is empty (Vega
# draws within milliseconds of getting its data).
EMPTY_AFTER_S = 5.0
# A screenshot whose most common colour covers more than this share of pixels is blank.
BLANK_SHARE = 0.995

# What a page shows, read in the browser: Streamlit's script state, exceptions, titles,
# and for each chart whether it has an SVG and how many data marks it drew.
PAGE_STATE_JS = """
// A data mark that shows: some extent, and a fill or stroke that is not transparent.
const visible = (mark) => {
    const box = mark.getBBox ? mark.getBBox() : {width: 0, height: 0};
    const style = getComputedStyle(mark);
    const paints = (paint, opacity) => paint && paint !== 'none'
        && paint !== 'transparent' && !paint.endsWith(', 0)') && parseFloat(opacity) > 0;
    return box.width + box.height > 0 && parseFloat(style.opacity) > 0
        && (paints(style.fill, style.fillOpacity) || paints(style.stroke, style.strokeOpacity));
};
const app = document.querySelector('[data-testid="stApp"]');
const charts = [...document.querySelectorAll('[data-testid="stVegaLiteChart"]')];
const main = document.querySelector('[data-testid="stMainBlockContainer"]')
    || document.querySelector('[data-testid="stMain"]');
return {
    script_state: app ? app.getAttribute('data-test-script-state') : null,
    exceptions: [...document.querySelectorAll('[data-testid="stException"]')]
        .map(e => e.innerText.slice(0, 2000)),
    titles: [...document.querySelectorAll('h1')].map(e => e.innerText.trim()),
    charts: charts.map(c => {
        const svg = c.querySelector('svg.marks');
        const marks = svg ? [...svg.querySelectorAll('g.role-mark > *')] : [];
        return {svg: svg !== null, marks: marks.filter(visible).length};
    }),
    height: main ? main.scrollHeight : document.body.scrollHeight,
};
"""


@dataclass(frozen=True)
class PageResult:
    """One page's check: its screenshot and what was wrong (nothing when it passed)."""

    name: str
    screenshot: Path | None
    charts: int
    problems: list[str]


def free_port() -> int:
    """A TCP port nothing listens on at 127.0.0.1 (the OS's choice)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def wait_for_server(url: str, server: subprocess.Popen[bytes], log: Path) -> None:
    """Until Streamlit's health endpoint answers ok; fails if the server exits."""
    deadline = time.monotonic() + SERVER_TIMEOUT_S
    while time.monotonic() < deadline:
        if server.poll() is not None:
            tail = log.read_text(errors="replace")[-3000:]
            raise RuntimeError(f"the dashboard server exited ({server.returncode}):\n{tail}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=5) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(POLL_S)
    raise RuntimeError(f"the dashboard server did not answer at {url} in {SERVER_TIMEOUT_S} s")


def chrome(window_height: int = WINDOW_HEIGHT) -> Any:
    """Headless Chromium driven through /usr/bin/chromedriver."""
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    for path in (CHROMIUM, CHROMEDRIVER):
        if not path.exists():
            raise RuntimeError(
                f"{path} not found: apt-get install chromium chromium-driver (make "
                "browser-check installs them when run as root)"
            )
    options = Options()
    options.binary_location = str(CHROMIUM)
    for argument in (
        "--headless=new",
        "--no-sandbox",  # CI runs as root, where Chromium's sandbox cannot start
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--hide-scrollbars",
        "--force-device-scale-factor=1",
        f"--window-size={WINDOW_WIDTH},{window_height}",
    ):
        options.add_argument(argument)
    return webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)


def page_state(driver: Any) -> dict[str, Any]:
    state: dict[str, Any] = driver.execute_script(PAGE_STATE_JS)
    return state


def wait_until_rendered(driver: Any, title: str) -> tuple[dict[str, Any], list[str]]:
    """Poll the page until its script has run, its title shows and every chart has its
    SVG, and the charts' marks stay the same over two polls (every chart with marks), or
    for EMPTY_AFTER_S (some chart without: ``_result`` reports it empty); or until a page
    exception or the timeout. Returns the last state and the problems found."""
    deadline = time.monotonic() + PAGE_TIMEOUT_S
    previous: list[Any] | None = None
    settled_at = time.monotonic()
    state: dict[str, Any] = {}
    while time.monotonic() < deadline:
        state = page_state(driver)
        if state["exceptions"]:
            return state, [f"page exception: {text}" for text in state["exceptions"]]
        charts = state["charts"]
        settled = (
            state["script_state"] == "notRunning"
            and title in state["titles"]
            and charts
            and all(chart["svg"] for chart in charts)
        )
        if settled and charts == previous:
            drawn = all(chart["marks"] for chart in charts)
            if drawn or time.monotonic() - settled_at >= EMPTY_AFTER_S:
                return state, []
        elif settled:
            settled_at = time.monotonic()
        previous = charts if settled else None
        time.sleep(POLL_S)
    return state, [f"not rendered in {PAGE_TIMEOUT_S} s: {json.dumps(state)[:2000]}"]


def blank_share(png: bytes) -> float:
    """Share of the screenshot's pixels that have its most common colour."""
    import io

    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("RGB")
    counts = image.getcolors(maxcolors=image.width * image.height) or []
    return max(count for count, _ in counts) / (image.width * image.height)


def check_page(driver: Any, base_url: str, name: str, title: str, out: Path) -> PageResult:
    """Open one page, wait for it, screenshot it whole and judge it."""
    driver.set_window_size(WINDOW_WIDTH, WINDOW_HEIGHT)
    driver.get(f"{base_url}/{name}")
    state, problems = wait_until_rendered(driver, title)
    if problems:
        return _result(driver, name, state, problems, out)
    # The page scrolls inside Streamlit's main block: grow the window to show it whole,
    # then wait again (the charts lay out anew at the new size).
    height = min(MAX_HEIGHT, int(state["height"]) + 200)
    if height > WINDOW_HEIGHT:
        driver.set_window_size(WINDOW_WIDTH, height)
        state, problems = wait_until_rendered(driver, title)
    return _result(driver, name, state, problems, out)


def _result(
    driver: Any, name: str, state: dict[str, Any], problems: list[str], out: Path
) -> PageResult:
    png: bytes = driver.get_screenshot_as_png()
    path = out / f"{name}.png"
    path.write_bytes(png)
    share = blank_share(png)
    if share > BLANK_SHARE:
        problems = [*problems, f"blank screenshot: {share:.1%} of its pixels are one colour"]
    charts = state.get("charts") or []
    if not charts and not problems:
        problems = ["no chart on the page"]
    empty = [index for index, chart in enumerate(charts) if not chart["marks"]]
    if empty and not any("not rendered" in problem for problem in problems):
        problems = [*problems, f"charts without marks (empty): {empty}"]
    return PageResult(name, path, len(charts), problems)


def run(published: Path, out: Path, docs: Path | None) -> list[PageResult]:
    """Serve the app on ``published``, check every page; screenshots into ``out`` (and
    copies into ``docs``)."""
    out.mkdir(parents=True, exist_ok=True)
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    log = out / "streamlit.log"
    with open(log, "wb") as handle:
        server = subprocess.Popen(
            streamlit_command(published, port=port), stdout=handle, stderr=subprocess.STDOUT
        )
    driver = None
    try:
        wait_for_server(base_url, server, log)
        driver = chrome()
        results = [check_page(driver, base_url, name, title, out) for name, title in PAGES]
    finally:
        if driver is not None:
            driver.quit()
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    if docs is not None:
        docs.mkdir(parents=True, exist_ok=True)
        for result in results:
            if result.screenshot is not None and not result.problems:
                shutil.copyfile(result.screenshot, docs / result.screenshot.name)
    return results


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m demandcast.tools.browser_check", description=__doc__
    )
    parser.add_argument("--published", type=Path, default=DEFAULT_FOLDER)
    parser.add_argument("--out", type=Path, default=Path("artifacts") / "browser")
    parser.add_argument("--docs", type=Path, help="also copy each passing page's screenshot here")
    args = parser.parse_args(argv)
    started = time.monotonic()
    results = run(args.published, args.out, args.docs)
    for result in results:
        status = "ok" if not result.problems else "FAILED"
        print(f"{result.name}: {status}, {result.charts} charts, screenshot {result.screenshot}")
        for problem in result.problems:
            print(f"    {problem}")
    failed = [result.name for result in results if result.problems]
    print(
        f"browser check: {len(results) - len(failed)} of {len(results)} pages ok "
        f"in {time.monotonic() - started:.1f} s" + (f"; failed: {failed}" if failed else "")
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
