{#
    Text -> typed value, the same way for every input. Each returns null for text it cannot
    read; staging turns "raw text present but typed value null" into a quarantine reason.
#}

{#- Trimmed text, null when it is one of var('null_markers'). -#}
{% macro clean_text(expression) %}
    {%- set markers = [] -%}
    {%- for marker in var('null_markers') -%}{%- do markers.append(sql_string(marker)) -%}{%- endfor -%}
    case when trim({{ expression }}) in ({{ markers | join(', ') }}) then null else trim({{ expression }}) end
{%- endmacro %}


{#- formats: a strptime format or a list tried in order; by default var date_format, or
    ISO dates for the M5 files, which always use them. -#}
{% macro parse_date(expression, formats=none) %}
    {%- set default_formats = '%Y-%m-%d' if var('input_format') == 'm5' else var('date_format') -%}
    {{- return(adapter.dispatch('parse_date', 'demandcast')(expression, formats or default_formats)) -}}
{% endmacro %}

{% macro default__parse_date(expression, formats) %}
    {%- set format_list = [formats] if formats is string else formats -%}
    coalesce(
    {%- for fmt in format_list %}
        try_to_date({{ expression }}, {{ sql_string(fmt) }}){{ ',' if not loop.last }}
    {%- endfor %}
    )
{%- endmacro %}

{% macro duckdb__parse_date(expression, formats) %}
    {%- set format_list = [formats] if formats is string else formats -%}
    {%- set quoted = [] -%}
    {%- for fmt in format_list -%}{%- do quoted.append(sql_string(fmt)) -%}{%- endfor -%}
    cast(try_strptime({{ expression }}, [{{ quoted | join(', ') }}]) as date)
{%- endmacro %}


{% macro parse_number(expression) %}
    {{- return(adapter.dispatch('parse_number', 'demandcast')(expression)) -}}
{% endmacro %}

{% macro default__parse_number(expression) %}
    {{- dbt.safe_cast(expression, api.Column.translate_type('double')) -}}
{% endmacro %}

{#- dbt-duckdb's safe_cast is a plain cast, which fails the whole query on bad text. -#}
{% macro duckdb__parse_number(expression) %}try_cast({{ expression }} as double){% endmacro %}


{#- true/false, yes/no, 1/0, t/f in any case; null for anything else. -#}
{% macro parse_boolean(expression) %}
    case
        when lower({{ expression }}) in ('true', 't', 'yes', 'y', '1') then true
        when lower({{ expression }}) in ('false', 'f', 'no', 'n', '0') then false
    end
{%- endmacro %}


{#- ISO day of week, 1 = Monday .. 7 = Sunday. -#}
{% macro iso_day_of_week(expression) %}
    {{- return(adapter.dispatch('iso_day_of_week', 'demandcast')(expression)) -}}
{% endmacro %}

{% macro default__iso_day_of_week(expression) %}dayofweekiso({{ expression }}){% endmacro %}

{% macro duckdb__iso_day_of_week(expression) %}isodow({{ expression }}){% endmacro %}


{#- The raw values of a row as one JSON text, for the quarantine. -#}
{% macro raw_values_json(columns) %}
    {{- return(adapter.dispatch('raw_values_json', 'demandcast')(columns)) -}}
{% endmacro %}

{% macro default__raw_values_json(columns) %}
    to_json(object_construct_keep_null(
    {%- for name in columns %}
        {{ sql_string(name) }}, {{ name }}{{ ',' if not loop.last }}
    {%- endfor %}
    ))
{%- endmacro %}

{% macro duckdb__raw_values_json(columns) %}
    cast(to_json(struct_pack(
    {%- for name in columns %}
        {{ name }} := {{ name }}{{ ',' if not loop.last }}
    {%- endfor %}
    )) as varchar)
{%- endmacro %}


{#- A text column of a raw input, or null when the input's raw view has no such column
    (an optional column the file does not have). Looks at the registered view itself, not
    at source(), which a unit test replaces by its fixture. -#}
{% macro raw_column_or_null(input_name, column) %}
    {%- if column and execute -%}
        {%- set relation = adapter.get_relation(
            database=target.database, schema=schema_var('raw_schema'), identifier=input_name) -%}
        {%- set present = adapter.get_columns_in_relation(relation) | map(attribute='name') | list
            if relation else [] -%}
        {%- if column in present -%}
            {{- return(quote_identifier(column)) -}}
        {%- endif -%}
    {%- endif -%}
    {{- return('cast(null as varchar)') -}}
{% endmacro %}


{#- Why a date cannot be trusted (null when it can). -#}
{% macro date_rejection_reason(text_column, date_column, allow_future=false) %}
    {%- set max_valid = '9999-12-31' if allow_future
        else (var('max_valid_date') or run_started_at.strftime('%Y-%m-%d')) -%}
    when {{ text_column }} is null then 'missing_date'
            when {{ date_column }} is null then 'unparseable_date'
            when {{ date_column }} < cast({{ sql_string(var('min_valid_date')) }} as date)
                or {{ date_column }} > cast({{ sql_string(max_valid) }} as date)
                then 'date_out_of_range'
{%- endmacro %}


{#- Why a number cannot be used (null when it can); missing numbers are allowed when
    missing_reason is none. -#}
{% macro number_rejection_reason(text_column, number_column, name, missing_reason=none) %}
    {%- if missing_reason %}
    when {{ text_column }} is null then {{ sql_string(missing_reason) }}
    {%- endif %}
            when {{ text_column }} is not null and {{ number_column }} is null
                then {{ sql_string('unparseable_' ~ name) }}
            when not abs({{ number_column }}) <= {{ number_var('max_abs_quantity') }}
                then {{ sql_string('absurd_' ~ name) }}
{%- endmacro %}


{#- True for rows with more fields than the header: the CSV reader keeps the surplus in
    columns it names column<N>, which no mapping uses. Such a row's fields may be shifted,
    so nothing in it can be trusted. -#}
{% macro has_extra_fields(input_name) %}
    {%- set conditions = [] -%}
    {%- if execute -%}
        {%- set relation = adapter.get_relation(
            database=target.database, schema=schema_var('raw_schema'), identifier=input_name) -%}
        {%- set mapped = input_columns(input_name).values() | list -%}
        {%- for column in (adapter.get_columns_in_relation(relation) if relation else []) -%}
            {%- if modules.re.match('^column[0-9]+$', column.name) and column.name not in mapped -%}
                {%- do conditions.append(quote_identifier(column.name) ~ ' is not null') -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
    {{- return('(' ~ (conditions | join(' or ')) ~ ')' if conditions else 'false') -}}
{% endmacro %}
