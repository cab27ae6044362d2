{#
    on-run-start hook: the embedded "loader". Checks the run's vars, then for every input of
    the chosen input_format creates a view raw.<input> over its files, with every column as
    text plus _source_file and _source_row_number (1 = first data row after the header), so
    staging can type, quarantine and account for every row. Anything a user must fix
    (a missing path, an empty file, a missing column) stops the run here with a message
    that names the var, file and column.
#}

{% macro register_raw_inputs() %}
    {% if not execute %}
        {{ return('') }}
    {% endif %}
    {% do validate_run_vars() %}
    {{ return(adapter.dispatch('register_raw_inputs', 'demandcast')()) }}
{% endmacro %}


{% macro default__register_raw_inputs() %}
    {#- On a cloud warehouse an EL tool lands the raw schema; nothing to register. -#}
    {{ return('select 1 as raw_inputs_landed_by_el_tool') }}
{% endmacro %}


{% macro duckdb__register_raw_inputs() %}
    {% do run_query('create schema if not exists ' ~ quote_identifier(schema_var('raw_schema'))) %}
    {% set registered = [] %}
    {% for input_name, spec in input_contract().items() %}
        {% if spec['format'] == var('input_format') %}
            {% do register_raw_input(input_name, spec) %}
            {% do registered.append(input_name) %}
        {% endif %}
    {% endfor %}
    {{ return('select ' ~ (registered | length) ~ ' as raw_inputs_registered') }}
{% endmacro %}


{% macro sql_string(value) %}
    {{ return("'" ~ (value | string | replace("'", "''")) ~ "'") }}
{% endmacro %}


{% macro register_raw_input(input_name, spec) %}
    {% set path_var = spec['path_var'] %}
    {% set path = var(path_var, '') %}
    {% set view = quote_identifier(schema_var('raw_schema')) ~ '.' ~ quote_identifier(input_name) %}
    {% set mapping = input_columns(input_name) %}

    {% if not input_is_provided(input_name) %}
        {% if spec['required'] %}
            {% do exceptions.raise_compiler_error(
                "Input '" ~ input_name ~ "' is required but var " ~ path_var ~ " is empty. Set it to "
                ~ "a CSV or Parquet path or glob, e.g. dbt build --vars '{" ~ path_var
                ~ ": path/to/" ~ input_name ~ ".csv}'") %}
        {% endif %}
        {#- Not provided: an empty view with the mapped columns keeps staging uniform. -#}
        {% set empty_columns = [] %}
        {% for canonical, column in mapping.items() if column and canonical != 'exclude' %}
            {% do empty_columns.append('cast(null as varchar) as ' ~ quote_identifier(column)) %}
        {% endfor %}
        {% do run_query('create or replace view ' ~ view ~ ' as select '
            ~ (empty_columns | join(', '))
            ~ ', cast(null as varchar) as _source_file, cast(null as bigint) as _source_row_number'
            ~ ' where 1 = 0') %}
        {{ return(none) }}
    {% endif %}

    {#- Which files does the path match, and are any of them empty? -#}
    {% set listing = run_query('select filename, size from read_blob(' ~ sql_string(path)
        ~ ') order by filename') if glob_matches(path) else none %}
    {% if listing is none or (listing.rows | length) == 0 %}
        {% do exceptions.raise_compiler_error(
            "Input file not found: var " ~ path_var ~ " = '" ~ path ~ "' matches no file "
            ~ "(relative paths are read from the directory dbt runs in). Fix the path, e.g. "
            ~ "dbt build --vars '{" ~ path_var ~ ": path/to/" ~ input_name ~ ".csv}'") %}
    {% endif %}
    {% set files = [] %}
    {% for row in listing.rows %}
        {% if row['size'] == 0 %}
            {% do exceptions.raise_compiler_error(
                "Input file '" ~ row['filename'] ~ "' (var " ~ path_var ~ ") is empty (0 bytes): "
                ~ "it has no header and no rows. Re-export it, or remove it from the path if "
                ~ "nothing was meant to be delivered.") %}
        {% endif %}
        {% do files.append(row['filename']) %}
    {% endfor %}

    {% set is_parquet = (files[0] | lower).endswith('.parquet') %}
    {#- Every mapped column must exist in every file, under the name the mapping gives. -#}
    {% for file in files %}
        {% set described = run_query('describe select * from '
            ~ raw_reader([file], is_parquet)) %}
        {% set file_columns = described.columns['column_name'].values() | list %}
        {% for canonical, column in mapping.items() if canonical != 'exclude' %}
            {% set explicitly_mapped = spec['columns_var'] and canonical in (var(spec['columns_var'], {}) or {}) %}
            {% set needed = canonical in spec['required_columns'] or explicitly_mapped %}
            {% if column and needed and column not in file_columns %}
                {% if input_name == 'sales' and canonical == 'item_id' and not explicitly_mapped %}
                    {% set hint = " For series keyed by store only, set sales_columns: {item_id: null}." %}
                {% else %}
                    {% set hint = "" %}
                {% endif %}
                {% set near = [] %}
                {% for c in file_columns if c | lower | trim == column | lower | trim %}
                    {% do near.append(c) %}
                {% endfor %}
                {% do exceptions.raise_compiler_error(
                    "Column '" ~ column ~ "' (the " ~ canonical ~ " column of input '" ~ input_name
                    ~ "'" ~ (", mapped by var " ~ spec['columns_var'] ~ "." ~ canonical if spec['columns_var'] else "")
                    ~ ") is not in file '" ~ file ~ "'. Its columns are: " ~ (file_columns | join(', '))
                    ~ "." ~ (" Did you mean '" ~ near[0] ~ "'?" if near else "")
                    ~ (" Set " ~ spec['columns_var'] ~ ": {" ~ canonical ~ ": <your column>}." if spec['columns_var'] else "")
                    ~ hint) %}
            {% endif %}
        {% endfor %}
    {% endfor %}

    {% do run_query('create or replace view ' ~ view ~ ' as ' ~ raw_view_sql(files, is_parquet)) %}
{% endmacro %}


{% macro glob_matches(path) %}
    {% set result = run_query('select count(*) as n from glob(' ~ sql_string(path) ~ ')') %}
    {{ return(result.columns[0].values()[0] > 0) }}
{% endmacro %}


{#- The read call for a list of files, every column as text. -#}
{% macro raw_reader(files, is_parquet) %}
    {% set file_list = [] %}
    {% for file in files %}{% do file_list.append(sql_string(file)) %}{% endfor %}
    {% if is_parquet %}
        {{ return("read_parquet([" ~ (file_list | join(', '))
            ~ "], union_by_name = true, filename = '_source_file', file_row_number = true)") }}
    {% endif %}
    {% set delimiter = var('csv_delimiter', '') %}
    {{ return("read_csv([" ~ (file_list | join(', ')) ~ "], all_varchar = true, header = true"
        ~ ", union_by_name = true, null_padding = true, filename = '_source_file'"
        ~ (", delim = " ~ sql_string(delimiter) if delimiter else "") ~ ")") }}
{% endmacro %}


{% macro raw_view_sql(files, is_parquet) %}
    {% if is_parquet %}
        {{ return("select columns(* exclude (_source_file, file_row_number))::varchar, "
            ~ "_source_file, file_row_number + 1 as _source_row_number from "
            ~ raw_reader(files, true)) }}
    {% endif %}
    {#- DuckDB keeps a scan in file order (preserve_insertion_order), so a running number
        over the scan, restarted per file, is each row's position in its file. -#}
    {{ return("with scanned as (select *, row_number() over () as _scan_position from "
        ~ raw_reader(files, false) ~ ") select * exclude (_scan_position), "
        ~ "_scan_position - min(_scan_position) over (partition by _source_file) + 1 "
        ~ "as _source_row_number from scanned") }}
{% endmacro %}
