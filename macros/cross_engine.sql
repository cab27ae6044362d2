{#
    Types and expressions that DuckDB and Spark spell differently, each behind
    adapter.dispatch: default__ is DuckDB's (or portable) SQL, spark__ Spark 3.5's
    (Databricks falls back to spark__). A construct used in one model only sits beside the
    model's other dispatched macros; these are the shared ones.
#}

{#- The text type of casts: DuckDB's varchar; Spark's varchar needs a length. -#}
{% macro text_type() %}
    {{- return(adapter.dispatch('text_type', 'demandcast')()) -}}
{% endmacro %}

{% macro default__text_type() %}varchar{% endmacro %}

{% macro spark__text_type() %}string{% endmacro %}


{#- The window function's argument: the last non-null value of the frame. -#}
{% macro last_value_ignore_nulls(expression) %}
    {{- return(adapter.dispatch('last_value_ignore_nulls', 'demandcast')(expression)) -}}
{% endmacro %}

{% macro default__last_value_ignore_nulls(expression) %}last_value({{ expression }} ignore nulls){% endmacro %}

{#- Spark 3.5 takes IGNORE NULLS as last_value's second argument. -#}
{% macro spark__last_value_ignore_nulls(expression) %}last_value({{ expression }}, true){% endmacro %}


{#- The texts of a group joined by separator (a SQL literal), in order_by order (the
    expression itself by default), the first `limit` of them when a limit is given. -#}
{% macro ordered_string_agg(expression, separator, order_by=none, limit=none) %}
    {{- return(adapter.dispatch('ordered_string_agg', 'demandcast')(expression, separator, order_by or expression, limit)) -}}
{% endmacro %}

{% macro default__ordered_string_agg(expression, separator, order_by, limit) -%}
    {{ dbt.listagg(expression, separator, 'order by ' ~ order_by, limit) }}
{%- endmacro %}

{#- dbt-spark's listagg ignores its order (collect_list follows the scan): sort pairs of
    (order key, text) and keep the texts. -#}
{% macro spark__ordered_string_agg(expression, separator, order_by, limit) -%}
    {%- set sorted = 'transform(array_sort(collect_list(struct(' ~ order_by ~ ' as sort_key, '
        ~ expression ~ ' as text_value))), pair -> pair.text_value)' -%}
    array_join({{ 'slice(' ~ sorted ~ ', 1, ' ~ limit ~ ')' if limit else sorted }}, {{ separator }})
{%- endmacro %}


{#- relation_alias.* with some columns replaced: {column: expression}. -#}
{% macro star_replace(relation, relation_alias, replacements) %}
    {{- return(adapter.dispatch('star_replace', 'demandcast')(relation, relation_alias, replacements)) -}}
{% endmacro %}

{% macro default__star_replace(relation, relation_alias, replacements) -%}
    {%- set replaced = [] -%}
    {%- for column, expression in replacements.items() -%}
        {%- do replaced.append(expression ~ ' as ' ~ column) -%}
    {%- endfor -%}
    {{ relation_alias }}.* replace ({{ replaced | join(', ') }})
{%- endmacro %}

{#- Spark 3.5 has no * replace: the relation's columns, listed, in their order. -#}
{% macro spark__star_replace(relation, relation_alias, replacements) -%}
    {%- if not execute -%}{{ return(relation_alias ~ '.*') }}{%- endif -%}
    {%- set targets = [] -%}
    {%- for column in adapter.get_columns_in_relation(relation) -%}
        {%- if column.name in replacements -%}
            {%- do targets.append(replacements[column.name] ~ ' as ' ~ column.name) -%}
        {%- else -%}
            {%- do targets.append(relation_alias ~ '.' ~ column.name) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ targets | join(',\n        ') }}
{%- endmacro %}
