"""The in-process runner's parse cache (demandcast.tools.parse_cache): the same answers as
Jinja's and dbt's own checks, never a shared object."""

from __future__ import annotations

from dataclasses import dataclass

import jinja2
import pytest
from dbt_common.clients.jinja import MacroFuzzEnvironment
from dbt_common.dataclass_schema import ValidationError, dbtClassMixin

from demandcast.tools import parse_cache

SOURCE = "{% for name in names %}hello {{ name | upper }} {% endfor %}"


def test_a_cached_parse_is_a_fresh_tree_bound_to_the_asking_environment():
    parse_cache.install()
    first_env, second_env = MacroFuzzEnvironment(), MacroFuzzEnvironment()
    first = first_env.parse(SOURCE)
    before = parse_cache.entries()
    second = second_env.parse(SOURCE)
    assert parse_cache.entries() == before  # a hit, nothing new kept
    assert second is not first
    assert second.dump() == first.dump()  # type: ignore[attr-defined]
    assert all(node.environment is second_env for node in second.find_all(jinja2.nodes.Node))
    assert all(node.environment is first_env for node in first.find_all(jinja2.nodes.Node))
    # A tree mutated by its user does not change the next hit.
    second.body.clear()
    assert first_env.parse(SOURCE).dump() == first.dump()  # type: ignore[attr-defined]
    assert second_env.from_string(SOURCE).render({"names": ["x", "y"]}) == "hello X hello Y "


def test_other_syntax_is_parsed_on_its_own():
    parse_cache.install()
    text = "<% if true %>yes<% endif %>{% if true %}"
    other = jinja2.Environment(block_start_string="<%", block_end_string="%>")
    assert other.from_string(text).render() == "yes{% if true %}"
    with pytest.raises(jinja2.TemplateSyntaxError):
        jinja2.Environment().parse(text)


@dataclass
class Sample(dbtClassMixin):
    count: int


def test_a_config_that_fails_its_schema_fails_every_time():
    parse_cache.install()
    Sample.validate({"count": 2})
    Sample.validate({"count": 2})
    for _ in range(2):
        with pytest.raises(ValidationError):
            Sample.validate({"count": "two"})
