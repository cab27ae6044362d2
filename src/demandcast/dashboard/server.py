"""Start the dashboards: ``demandcast dashboard [--published FOLDER] [--port N]``.

Streamlit serves app.py on the address and port given, headless (no browser opened),
without usage statistics, and without watching the source files for changes. No
Streamlit import here: the browser check reads the pages and the command from this module.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

APP = Path(__file__).resolve().parent / "app.py"
# The demo warehouse's publish folder (make demo), read from the project folder.
DEFAULT_FOLDER = Path("warehouse") / "published"
# url path (the exposure's name, models/exposures.yml) and title of each page, in menu
# order; app.py runs page_scripts/<url path>.py for each.
PAGES = (
    ("forecast_review", "Forecast review"),
    ("model_monitoring", "Model monitoring"),
    ("data_quality", "Data quality"),
    ("replenishment", "Replenishment"),
)
DEFAULT_PORT = 8501
DEFAULT_ADDRESS = "127.0.0.1"


def streamlit_command(
    published: str | Path, *, address: str = DEFAULT_ADDRESS, port: int = DEFAULT_PORT
) -> list[str]:
    """The ``streamlit run`` command line that serves the app on a published folder."""
    return [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(APP),
        "--server.address",
        address,
        "--server.port",
        str(port),
        "--server.headless",
        "true",
        "--server.fileWatcherType",
        "none",
        "--browser.gatherUsageStats",
        "false",
        "--client.toolbarMode",
        "minimal",
        "--",
        "--published",
        str(Path(published).absolute()),
    ]


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``demandcast dashboard``: serve until interrupted."""
    parser = argparse.ArgumentParser(prog="demandcast dashboard", description=__doc__)
    parser.add_argument(
        "--published",
        default=str(DEFAULT_FOLDER),
        help=f"the publish folder (var bi_publish_path; default {DEFAULT_FOLDER})",
    )
    parser.add_argument("--address", default=DEFAULT_ADDRESS)
    parser.add_argument("--port", type=int, default=DEFAULT_PORT)
    args = parser.parse_args(argv)
    command = streamlit_command(args.published, address=args.address, port=args.port)
    print(f"Dashboards on http://{args.address}:{args.port}/ reading {args.published}", flush=True)
    try:
        return subprocess.call(command, env=os.environ.copy())
    except KeyboardInterrupt:
        return 0
