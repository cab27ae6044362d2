"""What every dashboard page shares: where the published set is, the empty states, the
header naming the set the page shows, and re-reading when a set vanished mid-read."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import streamlit as st

from demandcast.dashboard.charts import AnyChart
from demandcast.dashboard.published_view import (
    NothingPublished,
    PublishedView,
    SetReplaced,
    open_view,
)
from demandcast.dashboard.server import DEFAULT_FOLDER

# The publish folder: this environment variable, else ``--published`` after ``--`` on the
# ``streamlit run`` line, else the demo warehouse's (server.DEFAULT_FOLDER).
FOLDER_ENV = "DEMANDCAST_PUBLISHED_PATH"
# Page runs restarted in a row because the resolved set was deleted while it was read.
_RESTARTS_KEY = "_published_set_restarts"
_MAX_RESTARTS = 3


def published_folder(argv: Sequence[str] | None = None) -> Path:
    """The folder the app reads (see FOLDER_ENV)."""
    if os.environ.get(FOLDER_ENV):
        return Path(os.environ[FOLDER_ENV])
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--published")
    known, _ = parser.parse_known_args(sys.argv[1:] if argv is None else argv)
    return Path(known.published) if known.published else DEFAULT_FOLDER


@dataclass(frozen=True)
class PageSpec:
    """A page: its title, one line on what it answers, the published tables it reads
    (models/exposures.yml lists the same under depends_on) and how it renders a set."""

    title: str
    question: str
    tables: tuple[str, ...]
    render: Callable[[PublishedView], None]


def run_page(spec: PageSpec) -> None:
    """Render a page from one resolved published set, or say why there is nothing."""
    st.title(spec.title)
    st.caption(spec.question)
    folder = published_folder()
    try:
        view = open_view(folder)
        missing = view.missing(spec.tables)
        if missing:
            old_set(view, missing)
            return
        header(view)
        spec.render(view)
    except NothingPublished:
        nothing_published(folder)
    except SetReplaced:
        restarts = int(st.session_state.get(_RESTARTS_KEY, 0))
        if restarts >= _MAX_RESTARTS:
            st.error(
                f"The published set in `{folder}` was replaced {restarts} times while this "
                "page read it: reload the page."
            )
            return
        st.session_state[_RESTARTS_KEY] = restarts + 1
        st.rerun()
    else:
        st.session_state[_RESTARTS_KEY] = 0


def header(view: PublishedView) -> None:
    """Which set the page shows: every table on it comes from this one version."""
    st.caption(
        f"Published set `{view.version_id}` (run `{view.run_id or 'unknown'}`, published "
        f"{view.published_at}) from `{view.folder}`. The page reads only these Parquet "
        "files, never the warehouse: a build running now swaps its set in when it ends; "
        "reload to see it."
    )


def nothing_published(folder: Path) -> None:
    st.warning(
        f"Nothing is published in `{folder.absolute()}`: it has no `CURRENT` file nor "
        "`current` link (the folder where `dbt build` publishes its Parquet set)."
    )
    st.markdown("Build the demo warehouse, which publishes to `warehouse/published`:")
    st.code("make demo", language="bash")
    st.markdown(
        "or point the app at your warehouse's folder (var `bi_publish_path`, by default "
        "`published/` beside the `.duckdb` file):"
    )
    st.code("make dashboard PUBLISHED=path/to/published", language="bash")


def old_set(view: PublishedView, missing: Sequence[str]) -> None:
    st.error(
        f"The published set `{view.version_id}` in `{view.folder}` has no "
        + ", ".join(f"`{name}`" for name in missing)
        + ": it was published by an earlier version of the project. Run `dbt build` "
        "(`make demo` for the demo warehouse) to publish a complete set."
    )


def empty(message: str, command: str | None = None) -> None:
    """An empty state that says why, and what fills it."""
    st.info(message)
    if command:
        st.code(command, language="bash")


def chart(spec: AnyChart, key: str) -> None:
    """An Altair chart across the page's width, in a container named ``key`` (tests find
    it by that name: Streamlit gives a chart without selections no key of its own)."""
    with st.container(key=key):
        st.altair_chart(spec, width="stretch")


def table(
    frame: pd.DataFrame, columns: Sequence[str] | None = None, *, key: str | None = None
) -> None:
    """A published table's rows (its columns as published, in the given order), in a
    container named ``key`` when given (as chart); a column of dates without a time shows
    as dates."""
    shown = frame[list(columns)] if columns else frame
    dates = {
        name: st.column_config.DateColumn(format="YYYY-MM-DD")
        for name in shown.columns
        if pd.api.types.is_datetime64_any_dtype(shown[name])
        and shown[name].dropna().eq(shown[name].dropna().dt.normalize()).all()
    }
    with st.container(key=key):
        st.dataframe(shown, hide_index=True, width="stretch", column_config=dates)
