"""What dbt's parse computes from text alone, kept for the next in-process dbt run.

Every dbt invocation parses the project again: its 700-odd macros, every model and every
YAML test are lexed and parsed by Jinja afresh (about 7 s of a 17 s parse of this project,
measured with cProfile on a staging build), and vars that differ between runs rule out
dbt's partial parsing. The parse of a source text is a pure function of that text and the
environment's syntax (its class, extensions and delimiters), so the in-process runner
(``project.run_dbt(in_process=True)``, the test suite's default) keeps the parsed trees,
pickled: each hit unpickles a tree of its own and binds it to the asking environment, so
no tree is shared between runs or threads. Likewise the JSON-schema checks of node configs
(``dbtClassMixin.validate``, about 2 s a parse): a config dict that passed once passes
again (only passes are kept; a failing one is checked, and fails, every time).
Command-line dbt (users, benchmarks) never loads this module.
"""

from __future__ import annotations

import json
import pickle
import threading
from collections.abc import Callable
from typing import Any

import jinja2
from jinja2 import nodes

# At most this many parsed templates (a whole build of this project parses about 4,000).
MAX_ENTRIES = 20_000

_lock = threading.Lock()
_installed = False
_cache: dict[tuple[Any, ...], bytes] = {}
_valid: set[tuple[Any, ...]] = set()


def _syntax(environment: jinja2.Environment) -> tuple[Any, ...]:
    """What decides how an environment parses a text."""
    return (
        type(environment),
        tuple(sorted(environment.extensions)),
        environment.block_start_string,
        environment.block_end_string,
        environment.variable_start_string,
        environment.variable_end_string,
        environment.comment_start_string,
        environment.comment_end_string,
        environment.line_statement_prefix,
        environment.line_comment_prefix,
        environment.trim_blocks,
        environment.lstrip_blocks,
        environment.newline_sequence,
        environment.keep_trailing_newline,
        environment.is_async,
        environment.optimized,
        environment.finalize,
        environment.autoescape,
    )


def _cached(parse: Callable[..., nodes.Template]) -> Callable[..., nodes.Template]:
    def _parse(
        self: jinja2.Environment, source: str, name: str | None, filename: str | None
    ) -> nodes.Template:
        key = (_syntax(self), source, name, filename)
        with _lock:
            stored = _cache.get(key)
        if stored is None:
            tree = parse(self, source, name, filename)
            with _lock:
                if len(_cache) < MAX_ENTRIES:
                    tree.set_environment(None)  # type: ignore[arg-type]
                    try:
                        _cache[key] = pickle.dumps(tree, protocol=pickle.HIGHEST_PROTOCOL)
                    except (pickle.PicklingError, TypeError, AttributeError):
                        pass  # a constant that does not pickle: parsed every time
                    finally:
                        tree.set_environment(self)
            return tree
        fresh: nodes.Template = pickle.loads(stored)
        fresh.set_environment(self)
        return fresh

    return _parse


def _cached_validate(validate: Callable[..., None]) -> Callable[..., None]:
    def checked(cls: type, data: Any) -> None:
        try:
            key = (cls, json.dumps(data, sort_keys=True, default=repr))
        except (TypeError, ValueError):
            validate(cls, data)
            return
        with _lock:
            if key in _valid:
                return
        validate(cls, data)
        with _lock:
            if len(_valid) < MAX_ENTRIES:
                _valid.add(key)

    return classmethod(checked)  # type: ignore[return-value]


def install() -> None:
    """Keep parsed templates and passed config checks from now on in this process
    (idempotent)."""
    global _installed
    with _lock:
        if _installed:
            return
        from dbt_common import dataclass_schema as dbt_schema
        from dbt_common.clients import jinja as dbt_jinja

        for cls in (jinja2.Environment, dbt_jinja.MacroFuzzEnvironment):
            if "_parse" in vars(cls):
                cls._parse = _cached(vars(cls)["_parse"])  # type: ignore[method-assign]
        mixin = dbt_schema.dbtClassMixin
        mixin.validate = _cached_validate(vars(mixin)["validate"].__func__)  # type: ignore[method-assign]
        _installed = True


def entries() -> int:
    """How many parsed templates are kept."""
    with _lock:
        return len(_cache)
