"""``demandcast``: the project's command line.

demandcast demo-data --out data/demo [--stores N --items N --days N --seed N --no-faults]
demandcast vars walmart|m5|favorita|canonical DATA_DIR     # prints --vars for dbt build
demandcast replay --start DATE --end DATE [--every-days N --data DIR]  # as-of replay
demandcast dashboard [--published FOLDER --port N]          # the Streamlit dashboards
"""

from __future__ import annotations

import argparse
import json
import sys

from demandcast.tools import demo_data, presets, replay


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``demandcast`` command."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "demo-data":
        return demo_data.main(argv[1:])
    if argv and argv[0] == "replay":
        return replay.main(argv[1:])
    if argv and argv[0] == "dashboard":
        # Imported here: Streamlit loads for this command only.
        from demandcast.dashboard import server

        return server.main(argv[1:])
    parser = argparse.ArgumentParser(prog="demandcast")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("demo-data", help="generate the demo data (see --help of the subcommand)")
    sub.add_parser("replay", help="build as of a series of past dates (see --help)")
    sub.add_parser("dashboard", help="serve the dashboards on the published set (see --help)")
    vars_parser = sub.add_parser(
        "vars", help="print dbt --vars for a data folder in a known layout"
    )
    vars_parser.add_argument("layout", choices=sorted(presets.preset_functions()))
    vars_parser.add_argument("data_dir")
    args = parser.parse_args(argv)
    if args.command == "vars":
        print(json.dumps(presets.vars_for_preset(args.layout, args.data_dir)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
