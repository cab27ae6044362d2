{#
    Text -> typed value, the same way for every input. Each returns null for text it cannot
    read; staging turns "raw text present but typed value null" into a quarantine reason.
#}

{#- The null markers as a list (one string is one marker). -#}
{% macro null_markers() %}
    {%- set markers = var('null_markers') -%}
    {%- if markers is none -%}
        {{- return([]) -}}
    {%- endif -%}
    {{- return([markers] if markers is string else markers) -}}
{% endmacro %}


{#- Text without surrounding whitespace of any kind (space, tab, CR, LF, vertical tab,
    form feed, no-break space): a tab-padded id is the same id. -#}
{% macro trim_whitespace(expression) %}
    {{- return(adapter.dispatch('trim_whitespace', 'demandcast')(expression)) -}}
{% endmacro %}

{% macro default__trim_whitespace(expression) -%}
    trim({{ expression }}, chr(32) || chr(9) || chr(10) || chr(11) || chr(12) || chr(13) || chr(160))
{%- endmacro %}

{#- Spark's trim takes the characters to strip in the SQL-standard form only. -#}
{% macro spark__trim_whitespace(expression) -%}
    trim(both chr(32) || chr(9) || chr(10) || chr(11) || chr(12) || chr(13) || chr(160) from {{ expression }})
{%- endmacro %}


{#- Trimmed text, null when it is one of the null markers. -#}
{% macro clean_text(expression) %}
    {%- set markers = [] -%}
    {%- for marker in null_markers() -%}{%- do markers.append(sql_string(marker)) -%}{%- endfor -%}
    {%- set trimmed = trim_whitespace(expression) -%}
    case when {{ trimmed }} in ({{ markers | join(', ') if markers else 'null' }}) then null else {{ trimmed }} end
{%- endmacro %}


{#- An id: clean text in the letter case of var id_case. -#}
{% macro clean_id(expression) %}
    {%- set policy = var('id_case') -%}
    {%- if policy == 'lower' -%}
        lower({{ clean_text(expression) }})
    {%- elif policy == 'upper' -%}
        upper({{ clean_text(expression) }})
    {%- else -%}
        {{ clean_text(expression) }}
    {%- endif -%}
{%- endmacro %}


{#- formats: a strptime format or a list tried in order; by default var date_format, or
    ISO dates for the M5 files, which always use them. -#}
{% macro parse_date(expression, formats=none) %}
    {%- set default_formats = '%Y-%m-%d' if var('input_format') == 'm5' else var('date_format') -%}
    {{- return(adapter.dispatch('parse_date', 'demandcast')(
        date_without_midnight(expression), formats or default_formats)) -}}
{% endmacro %}


{#- A timestamp at midnight is its date (Parquet TIMESTAMP columns read as text end in
    " 00:00:00"); any other time of day stays and does not parse (date_has_time). -#}
{% macro date_without_midnight(expression) -%}
    regexp_replace({{ expression }}, '[ T]00:00(:00([.]0*)?)?$', '')
{%- endmacro %}

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


{#- Spark: to_date with the strptime format translated to a Java pattern (1- or 2-digit
    month and day, as DuckDB's strptime reads them). Unparseable text gives null; the
    profile sets spark.sql.legacy.timeParserPolicy = CORRECTED so that no text raises. -#}
{% macro spark__parse_date(expression, formats) %}
    {%- set format_list = [formats] if formats is string else formats -%}
    coalesce(
    {%- for fmt in format_list %}
        to_date({{ expression }}, {{ sql_string(java_date_pattern(fmt)) }}){{ ',' if not loop.last }}
    {%- endfor %}
    )
{%- endmacro %}

{#- A strptime format as a java.time pattern (the directives dates use). -#}
{% macro java_date_pattern(strptime_format) %}
    {%- set directives = {'Y': 'y', 'y': 'yy', 'm': 'M', 'd': 'd', 'e': 'd', 'b': 'MMM', 'B': 'MMMM',
        'j': 'D', 'H': 'H', 'M': 'm', 'S': 's', '%': "'%'"} -%}
    {%- set parts = [] -%}
    {%- set state = {'escape': false} -%}
    {%- for character in strptime_format -%}
        {%- if state['escape'] -%}
            {%- if character not in directives -%}
                {%- do exceptions.raise_compiler_error(
                    "date_format '" ~ strptime_format ~ "': %" ~ character ~ " has no Spark equivalent here") -%}
            {%- endif -%}
            {%- do parts.append(directives[character]) -%}
            {%- do state.update({'escape': false}) -%}
        {%- elif character == '%' -%}
            {%- do state.update({'escape': true}) -%}
        {%- elif modules.re.match('[A-Za-z]', character) -%}
            {%- do parts.append("'" ~ character ~ "'") -%}
        {%- elif character == "'" -%}
            {%- do parts.append("''") -%}
        {%- else -%}
            {%- do parts.append(character) -%}
        {%- endif -%}
    {%- endfor -%}
    {{- return(parts | join('')) -}}
{% endmacro %}


{% macro parse_number(expression) %}
    {{- return(adapter.dispatch('parse_number', 'demandcast')(expression)) -}}
{% endmacro %}

{% macro default__parse_number(expression) %}
    {{- dbt.safe_cast(expression, api.Column.translate_type('double')) -}}
{% endmacro %}

{#- dbt-duckdb's safe_cast is a plain cast, which fails the whole query on bad text. -#}
{#- DuckDB's cast also reads "1_000" as 1000; no CSV writes numbers that way, so such
    text is unparseable. -#}
{% macro duckdb__parse_number(expression) -%}
    case when not contains({{ expression }}, '_') then try_cast({{ expression }} as double) end
{%- endmacro %}


{#- Spark's cast reads more than numbers ("1d", "0x1p3"): only decimal text, optionally
    signed, with an exponent, or inf / infinity / nan, as DuckDB's try_cast. -#}
{% macro spark__parse_number(expression) -%}
    case
        when {{ expression }} rlike '^ *[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][+-]?[0-9]+)? *$'
            or lower(trim({{ expression }})) in ('inf', '+inf', '-inf', 'infinity', '+infinity', '-infinity', 'nan')
            then cast(trim({{ expression }}) as double)
    end
{%- endmacro %}


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

{#- Spark's weekday is 0 = Monday. -#}
{% macro spark__iso_day_of_week(expression) %}(weekday({{ expression }}) + 1){% endmacro %}


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

{#- Spark's to_json leaves null fields out unless told to keep them. -#}
{% macro spark__raw_values_json(columns) %}
    to_json(named_struct(
    {%- for name in columns %}
        {{ sql_string(name) }}, {{ name }}{{ ',' if not loop.last }}
    {%- endfor %}
    ), map('ignoreNullFields', 'false'))
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
    {{- return('cast(null as ' ~ text_type() ~ ')') -}}
{% endmacro %}


{#- True for text holding a time of day after a date ("2024-01-01 13:30"). -#}
{% macro has_time_of_day(expression) %}
    {{- return(adapter.dispatch('has_time_of_day', 'demandcast')(expression)) -}}
{% endmacro %}

{% macro default__has_time_of_day(expression) -%}
    regexp_like({{ expression }}, '.*[0-9][ T][0-9]{1,2}:[0-9]{2}.*')
{%- endmacro %}

{% macro duckdb__has_time_of_day(expression) -%}
    regexp_matches({{ expression }}, '[0-9][ T][0-9]{1,2}:[0-9]{2}')
{%- endmacro %}


{% macro spark__has_time_of_day(expression) -%}
    ({{ expression }} rlike '[0-9][ T][0-9]{1,2}:[0-9]{2}')
{%- endmacro %}


{#- Why a date cannot be trusted (null when it can). -#}
{% macro date_rejection_reason(text_column, date_column, allow_future=false) %}
    {%- set max_valid = '9999-12-31' if allow_future
        else (var('max_valid_date') or run_started_at.strftime('%Y-%m-%d')) -%}
    when {{ text_column }} is null then 'missing_date'
            when {{ date_column }} is null
                and {{ has_time_of_day(text_column) }} then 'date_has_time'
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
