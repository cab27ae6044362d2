{#- An identifier (a column or relation name from a var or a file header) quoted for SQL,
    its quote characters doubled, so that any name, a real header holding a quote or a
    hostile one, stays one identifier. Every such identifier goes through this macro;
    text literals go through sql_string (macros/inputs/register_raw_inputs.sql).
    adapter.quote does not escape: never use it on names from outside the project. -#}
{% macro quote_identifier(name) %}
    {{- return(adapter.dispatch('quote_identifier', 'demandcast')(name | string)) -}}
{% endmacro %}

{#- ANSI SQL (DuckDB, Postgres, Snowflake, Redshift): "name", " doubled. -#}
{% macro default__quote_identifier(name) %}
    {{- return('"' ~ (name | replace('"', '""')) ~ '"') -}}
{% endmacro %}

{#- Spark (and Databricks, whose adapter falls back to spark__): `name`, ` doubled. -#}
{% macro spark__quote_identifier(name) %}
    {{- return('`' ~ (name | replace('`', '``')) ~ '`') -}}
{% endmacro %}


{#- A schema name from a var (raw_schema): a plain identifier, or an error naming the var.
    Checked as well as quoted: a schema name reaches places (profiles, sources, other
    tools) that no macro quotes. -#}
{% macro schema_var(name) %}
    {%- set value = var(name) -%}
    {%- if value is not string or not modules.re.match('^[A-Za-z_][A-Za-z0-9_]{0,62}$', value) -%}
        {%- do exceptions.raise_compiler_error(
            "var " ~ name ~ " = '" ~ value ~ "' is not a plain schema name: use letters, digits "
            ~ "and underscores, starting with a letter or underscore (e.g. raw)") -%}
    {%- endif -%}
    {{- return(value) -}}
{% endmacro %}
