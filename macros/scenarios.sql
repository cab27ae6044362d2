{#- What-if scenarios (the forecast_scenarios seed, var forecast_scenarios) and the price
    features a scenario's price recomputes. -#}

{#- The text columns of a scenario row, in the seed's order. -#}
{% macro forecast_scenario_columns() %}
    {{ return(['scenario_name', 'store_id', 'item_id', 'start_date', 'end_date', 'price', 'is_promotion']) }}
{% endmacro %}


{#- The rows of var forecast_scenarios (a list of mappings, values as text) as a relation
    of source_row_number and raw_<column> texts, numbered from 1 in list order; no rows
    when the var is empty. An unknown key is an error naming it, so a typo ("prise") is
    never ignored. -#}
{% macro forecast_scenario_var_rows() %}
    {%- set rows = var('forecast_scenarios', []) or [] -%}
    {%- set columns = forecast_scenario_columns() -%}
    {%- if rows is mapping or rows is string or rows is not iterable -%}
        {%- do exceptions.raise_compiler_error(
            "var forecast_scenarios must be a list of rows {scenario_name: ..., store_id: ..., "
            ~ "item_id: ..., start_date: ..., end_date: ..., price: ..., is_promotion: ...}; got: " ~ rows) -%}
    {%- endif -%}
    {%- set selects = [] -%}
    {%- for row in rows -%}
        {%- if row is not mapping -%}
            {%- do exceptions.raise_compiler_error(
                "var forecast_scenarios row " ~ loop.index ~ " is not a mapping: " ~ row) -%}
        {%- endif -%}
        {%- for key in row if key not in columns -%}
            {%- do exceptions.raise_compiler_error(
                "var forecast_scenarios row " ~ loop.index ~ " has an unknown key '" ~ key
                ~ "'. Known keys: " ~ (columns | join(', '))) -%}
        {%- endfor -%}
        {%- set values = [] -%}
        {%- for column in columns -%}
            {%- set value = row.get(column) -%}
            {%- do values.append(('cast(null as ' ~ dbt.type_string() ~ ')') if value is none
                else ('cast(' ~ sql_string(value) ~ ' as ' ~ dbt.type_string() ~ ')')) -%}
        {%- endfor -%}
        {%- set select -%}
    select
        {{ loop.index }} as source_row_number{% for column in columns %},
        {{ values[loop.index0] }} as raw_{{ column }}{% endfor %}
        {%- endset -%}
        {%- do selects.append(select) -%}
    {%- endfor -%}
    {%- if selects -%}
        {{- return(selects | join('\n    union all\n    ')) -}}
    {%- endif -%}
    {%- set empty -%}
    select
        cast(null as {{ dbt.type_int() }}) as source_row_number{% for column in columns %},
        cast(null as {{ dbt.type_string() }}) as raw_{{ column }}{% endfor %}
    where 1 = 0
    {%- endset -%}
    {{- return(empty) -}}
{% endmacro %}


{#- The row number of a seed row in its file (1 = the first row after the header): DuckDB
    keeps a seed's rows in the order dbt inserts them, the file's; elsewhere the rows'
    order by their values (no engine promises the file's order). -#}
{% macro seed_row_number(columns) %}
    {{- return(adapter.dispatch('seed_row_number', 'demandcast')(columns)) -}}
{% endmacro %}

{% macro default__seed_row_number(columns) -%}
    row_number() over (order by {{ columns | join(', ') }})
{%- endmacro %}

{% macro duckdb__seed_row_number(columns) -%}
    cast(rowid + 1 as bigint)
{%- endmacro %}


{#- The price features that follow from a price, the regular price and the price of the
    period before (int_price_features; int_forecast_scenario_features recomputes them for
    a scenario's price): {column: SQL expression}, in int_price_features' column order. -#}
{% macro price_derived_features(price, regular_price, previous_price) %}
    {{ return({
        'price_relative_to_regular': price ~ ' / nullif(' ~ regular_price ~ ', 0)',
        'price_change': price ~ ' - ' ~ previous_price,
        'discount_depth': 'greatest(1 - ' ~ price ~ ' / nullif(' ~ regular_price ~ ', 0), 0)',
        'is_price_cut': price ~ ' < 0.95 * ' ~ regular_price,
    }) }}
{% endmacro %}
