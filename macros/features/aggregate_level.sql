{#- The aggregates Prophet fits, finest first: var prophet_level, then each coarser level
    up to the total. A series outside the fitted aggregates of one level is forecast from
    the next fitted level up (demandcast.prophet_models). The one place the chain is
    defined; int_aggregate_sales and int_aggregate_shares carry each level's position. -#}
{% macro prophet_level_chain() %}
    {%- set chains = {
        'store_department': ['store_department', 'store', 'total'],
        'store_category': ['store_category', 'store', 'total'],
        'store': ['store', 'total'],
        'total': ['total'],
    } %}
    {%- set level = var('prophet_level') %}
    {%- if level not in chains %}
        {% do exceptions.raise_compiler_error(
            "var prophet_level = '" ~ level ~ "' is not one of: " ~ (chains.keys() | join(', '))) %}
    {%- endif %}
    {{- return(chains[level]) -}}
{% endmacro %}


{#- The aggregate a series belongs to at a level of the chain (default: var prophet_level),
    as text: 'S01' (store), 'S01|foods' (store_category, store_department), 'all' (total). -#}
{% macro aggregate_level_id(level=none) %}
    {%- set level = level or var('prophet_level') %}
    {%- set parts = {
        'store': ['store_id'],
        'store_category': ['store_id', "coalesce(category_id, '')"],
        'store_department': ['store_id', "coalesce(department_id, '')"],
        'total': ["'all'"],
    } %}
    {%- if level not in parts %}
        {% do exceptions.raise_compiler_error(
            "var prophet_level = '" ~ level ~ "' is not one of: " ~ (parts.keys() | join(', '))) %}
    {%- endif %}
    {{- return(parts[level] | join(" || '|' || ")) -}}
{% endmacro %}


{#- A sum of fractional quantities that does not depend on the order the engine adds the
    rows in: summed as an exact decimal and returned as a double. A double sum over the
    same rows differed in the last bits between two builds of the same data on DuckDB
    (parallel aggregation adds in whatever order the threads finish), which changed
    Prophet's input, its version hash and its forecasts from one build to the next.
    Ten decimals: quantities up to 10^27 in total. over: a window (the text inside
    "over (...)"), or none for a group's sum. -#}
{% macro exact_sum(expression, over=none) -%}
    cast(sum(cast({{ expression }} as decimal(38, 10)))
    {%- if over is not none %} over ({{ over }}){% endif %} as double)
{%- endmacro %}
