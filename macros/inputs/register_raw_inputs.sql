{#
    on-run-start hook: the embedded "loader". Checks the run's vars, then for every input of
    the chosen input_format loads raw.<input> from its files, with every column as text plus
    _source_file and _source_row_number (1 = first data row after the header), so staging
    can type, quarantine and account for every row. CSV files are read once, file by file,
    into a table; a row the CSV reader cannot read (it does not decode in the input's
    encoding, or has more or fewer fields than the header) goes to raw.unreadable_rows with
    its reason and line instead of stopping the load. Parquet files are a view. Anything a
    user must fix (a missing path, an empty file, a missing or duplicated column) stops the
    run here with a message that names the var, file and column.
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


{#- DuckDB and local Spark read the files themselves: the same checks, engine-specific
    listing, header reading and loading (the *_raw_* macros below). -#}
{% macro duckdb__register_raw_inputs() %}
    {{ return(register_raw_files()) }}
{% endmacro %}

{% macro spark__register_raw_inputs() %}
    {{ return(register_raw_files()) }}
{% endmacro %}


{% macro register_raw_files() %}
    {% do run_query('create schema if not exists ' ~ quote_identifier(schema_var('raw_schema'))) %}
    {% do create_unreadable_rows_table() %}
    {% set registered = [] %}
    {% for input_name, spec in input_contract().items() %}
        {% if spec['format'] == var('input_format') %}
            {% do register_raw_input(input_name, spec) %}
            {% do registered.append(input_name) %}
        {% endif %}
    {% endfor %}
    {{ return('select ' ~ (registered | length) ~ ' as raw_inputs_registered') }}
{% endmacro %}


{#- raw.unreadable_rows, empty: filled by load_csv_files, one row per line the reader
    could not read. -#}
{% macro create_unreadable_rows_table() %}
    {{ return(adapter.dispatch('create_unreadable_rows_table', 'demandcast')()) }}
{% endmacro %}

{% macro default__create_unreadable_rows_table() %}
    {% do run_query('create or replace table ' ~ unreadable_rows_table() ~ ' ('
        ~ 'raw_source varchar, source_file varchar, source_row_number bigint, '
        ~ 'kept_rows_before bigint, reason_code varchar, reason_detail varchar, raw_line varchar)') %}
{% endmacro %}

{#- Spark replaces only v2 (Delta) tables: drop, then create. -#}
{% macro spark__create_unreadable_rows_table() %}
    {% do run_query('drop table if exists ' ~ unreadable_rows_table()) %}
    {% do run_query('create table ' ~ unreadable_rows_table() ~ ' ('
        ~ 'raw_source string, source_file string, source_row_number bigint, '
        ~ 'kept_rows_before bigint, reason_code string, reason_detail string, raw_line string)'
        ~ ' using ' ~ config.get('file_format', 'parquet')) %}
    {% do remember_raw_relation('unreadable_rows', 'table') %}
{% endmacro %}


{#- dbt fills its relation cache before this hook runs: on Spark, models then look up
    raw.<input> (raw_column_or_null) in that cache, so a relation made here is added to it
    (a first build into an empty warehouse would not see it). DuckDB looks it up afresh. -#}
{% macro remember_raw_relation(identifier, kind) %}
    {% do adapter.dispatch('remember_raw_relation', 'demandcast')(identifier, kind) %}
{% endmacro %}

{% macro default__remember_raw_relation(identifier, kind) %}{% endmacro %}

{% macro spark__remember_raw_relation(identifier, kind) %}
    {% do adapter.cache_added(api.Relation.create(
        database=none, schema=schema_var('raw_schema'), identifier=identifier, type=kind)) %}
{% endmacro %}


{% macro sql_string(value) %}
    {{ return("'" ~ (value | string | replace("'", "''")) ~ "'") }}
{% endmacro %}


{#- A list literal of texts: ['a', 'b']. -#}
{% macro sql_string_list(values) %}
    {% set literals = [] %}
    {% for value in values %}{% do literals.append(sql_string(value)) %}{% endfor %}
    {{ return('[' ~ (literals | join(', ')) ~ ']') }}
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
            {% do empty_columns.append('cast(null as ' ~ text_type() ~ ') as ' ~ quote_identifier(column)) %}
        {% endfor %}
        {% do drop_raw_relation(input_name) %}
        {% do run_query('create view ' ~ view ~ ' as select '
            ~ (empty_columns | join(', '))
            ~ ', cast(null as ' ~ text_type() ~ ') as _source_file, cast(null as bigint) as _source_row_number'
            ~ ' where 1 = 0') %}
        {% do remember_raw_relation(input_name, 'view') %}
        {{ return(none) }}
    {% endif %}

    {#- Which files does the path match, and are any of them empty? -#}
    {% set listing = raw_file_listing(path) %}
    {% if listing is none or (listing | length) == 0 %}
        {% do exceptions.raise_compiler_error(
            "Input file not found: var " ~ path_var ~ " = '" ~ path ~ "' matches no file "
            ~ "(relative paths are read from the directory dbt runs in). Fix the path, e.g. "
            ~ "dbt build --vars '{" ~ path_var ~ ": path/to/" ~ input_name ~ ".csv}'") %}
    {% endif %}
    {% set files = [] %}
    {% for row in listing %}
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
    {% set all_columns = [] %}
    {% set columns_by_file = {} %}
    {% for file in files %}
        {% set file_columns = raw_file_columns(input_name, file, is_parquet) %}
        {% do columns_by_file.update({file: file_columns}) %}
        {% for column in file_columns if column not in all_columns %}
            {% do all_columns.append(column) %}
        {% endfor %}
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
                {% set delimiter_hint = [] %}
                {% for candidate in [';', '\t', '|', ','] if not delimiter_hint %}
                    {% for c in file_columns if candidate in c and not delimiter_hint %}
                        {% do delimiter_hint.append(
                            " The header holds '" ~ (candidate | replace('\t', '\\t')) ~ "', so the file looks "
                            ~ (candidate | replace('\t', 'tab')) ~ "-delimited while var csv_delimiter = '"
                            ~ var('csv_delimiter', '') ~ "': set csv_delimiter: '"
                            ~ (candidate | replace('\t', '\\t')) ~ "' (or '' to detect).") %}
                    {% endfor %}
                {% endfor %}
                {% do exceptions.raise_compiler_error(
                    "Column '" ~ column ~ "' (the " ~ canonical ~ " column of input '" ~ input_name
                    ~ "'" ~ (", mapped by var " ~ spec['columns_var'] ~ "." ~ canonical if spec['columns_var'] else "")
                    ~ ") is not in file '" ~ file ~ "'. Its columns are: " ~ (file_columns | join(', '))
                    ~ "." ~ (delimiter_hint[0] if delimiter_hint else
                    ((" Did you mean '" ~ near[0] ~ "'?" if near else "")
                    ~ (" Set " ~ spec['columns_var'] ~ ": {" ~ canonical ~ ": <your column>}." if spec['columns_var'] else "")
                    ~ hint))) %}
            {% endif %}
        {% endfor %}
    {% endfor %}

    {% do drop_raw_relation(input_name) %}
    {% if is_parquet %}
        {% do run_query('create view ' ~ view ~ ' as ' ~ parquet_view_sql(files)) %}
    {% else %}
        {% do load_csv_files(input_name, spec, files, all_columns, columns_by_file) %}
    {% endif %}
{% endmacro %}


{#- The table of rows the CSV reader could not read, for every input of this run. -#}
{% macro unreadable_rows_table() %}
    {{ return(quote_identifier(schema_var('raw_schema')) ~ '.' ~ quote_identifier('unreadable_rows')) }}
{% endmacro %}


{#- Drop raw.<input> whatever it is now: a view (Parquet, an absent input) or a table (CSV). -#}
{% macro drop_raw_relation(input_name) %}
    {% do adapter.dispatch('drop_raw_relation', 'demandcast')(input_name) %}
{% endmacro %}

{% macro default__drop_raw_relation(input_name) %}
    {% set found = run_query("select table_type from information_schema.tables where table_schema = "
        ~ sql_string(var('raw_schema')) ~ " and table_name = " ~ sql_string(input_name)) %}
    {% for row in found.rows %}
        {% set kind = 'view' if row[0] == 'VIEW' else 'table' %}
        {% do run_query('drop ' ~ kind ~ ' ' ~ quote_identifier(schema_var('raw_schema')) ~ '.' ~ quote_identifier(input_name)) %}
    {% endfor %}
{% endmacro %}

{#- Spark has no information_schema (3.5): the relation's type from the catalog. -#}
{% macro spark__drop_raw_relation(input_name) %}
    {% set found = adapter.get_relation(database=none, schema=schema_var('raw_schema'), identifier=input_name) %}
    {% if found %}
        {% do run_query('drop ' ~ ('view' if found.is_view else 'table') ~ ' '
            ~ quote_identifier(schema_var('raw_schema')) ~ '.' ~ quote_identifier(input_name)) %}
        {% do adapter.cache_dropped(found) %}
    {% endif %}
{% endmacro %}


{#- The files a path or glob matches, sorted by name: a list of {filename, size}. -#}
{% macro raw_file_listing(path) %}
    {{ return(adapter.dispatch('raw_file_listing', 'demandcast')(path)) }}
{% endmacro %}

{% macro default__raw_file_listing(path) %}
    {% if not glob_matches(path) %}{{ return([]) }}{% endif %}
    {% set listing = run_query('select filename, size from read_blob(' ~ sql_string(path) ~ ') order by filename') %}
    {% set files = [] %}
    {% for row in listing.rows %}{% do files.append({'filename': row['filename'], 'size': row['size']}) %}{% endfor %}
    {{ return(files) }}
{% endmacro %}

{#- Spark's binaryFile source lists a glob (its content column is never read). A path that
    matches nothing stops the run with Spark's own "Path does not exist" error. Names are
    given back the way the var spells them (relative paths stay relative), like DuckDB's
    glob: Spark itself reports absolute file: URIs. -#}
{% macro spark__raw_file_listing(path) %}
    {% set listing = run_query('select path, length from binaryFile.' ~ quote_identifier(path) ~ ' order by path') %}
    {% set files = [] %}
    {% for row in listing.rows %}
        {% do files.append({'filename': spark_path_as_given(path, row['path']), 'size': row['length']}) %}
    {% endfor %}
    {{ return(files | sort(attribute='filename')) }}
{% endmacro %}

{#- A file: URI that Spark listed for `pattern`, spelled like the pattern: absolute for an
    absolute pattern, else relative from the pattern's first folder (its fixed prefix up
    to the first glob character). -#}
{% macro spark_path_as_given(pattern, uri) %}
    {% set absolute = modules.re.sub('^file:(//)?', '', uri) %}
    {% if pattern.startswith('/') %}{{ return(absolute) }}{% endif %}
    {% set fixed = modules.re.split('[*?\\[{]', pattern)[0] %}
    {% set folder = fixed[:fixed.rfind('/') + 1] %}
    {% if not folder %}{{ return(absolute.split('/')[-1]) }}{% endif %}
    {% set at = absolute.rfind('/' ~ folder) %}
    {{ return(absolute[at + 1:] if at >= 0 else absolute) }}
{% endmacro %}


{#- The column names of one input file, as its reader names them. -#}
{% macro raw_file_columns(input_name, file, is_parquet) %}
    {{ return(adapter.dispatch('raw_file_columns', 'demandcast')(input_name, file, is_parquet)) }}
{% endmacro %}

{% macro default__raw_file_columns(input_name, file, is_parquet) %}
    {% set described = run_query('describe select * from ' ~ raw_reader(input_name, [file], is_parquet)) %}
    {% set file_columns = described.columns['column_name'].values() | list %}
    {% if not is_parquet %}
        {% do check_unique_header(input_name, file, file_columns) %}
    {% endif %}
    {{ return(file_columns) }}
{% endmacro %}

{#- Spark: the header line itself, read as a row (header = false), so a repeated name is
    seen as it is. Parquet inputs are not read on Spark yet (issue 17 phase 1: CSV). -#}
{% macro spark__raw_file_columns(input_name, file, is_parquet) %}
    {% if is_parquet %}
        {% do exceptions.raise_compiler_error(
            "Input '" ~ input_name ~ "' is Parquet ('" ~ file ~ "'): the Spark target reads CSV inputs "
            ~ "only for now (README, Spark). Convert it to CSV, or build it on DuckDB.") %}
    {% endif %}
    {% do run_query('create or replace temporary view demandcast_header using csv options ('
        ~ spark_csv_options(input_name, file, header=false) ~ ')') %}
    {% set header = run_query('select * from demandcast_header limit 1') %}
    {% set names = [] %}
    {% for name in (header.rows[0].values() | list if header.rows | length else []) %}
        {% do names.append(name if name is not none else '_c' ~ loop.index0) %}
    {% endfor %}
    {% set seen = {} %}
    {% for name in names %}
        {% set key = name | lower | trim %}
        {% if key in seen %}
            {% do raise_repeated_header(input_name, file, name, seen[key], loop.index) %}
        {% endif %}
        {% do seen.update({key: loop.index}) %}
    {% endfor %}
    {{ return(names) }}
{% endmacro %}


{#- The options of Spark's CSV reader for one input file, every column as text; the CSV
    dialect of DuckDB's reader: a doubled quote escapes a quote. csv_delimiter '' (detect)
    reads commas: Spark does not detect delimiters. -#}
{% macro spark_csv_options(input_name, file, header=true) %}
    {% set java_encodings = {'utf-8': 'UTF-8', 'utf-16': 'UTF-16', 'latin-1': 'ISO-8859-1'} %}
    {% set encoding = csv_encoding_of(input_name) %}
    {{ return("path " ~ sql_string(file)
        ~ ", header " ~ sql_string('true' if header else 'false')
        ~ ", sep " ~ sql_string(var('csv_delimiter', '') or ',')
        ~ ", encoding " ~ sql_string(java_encodings.get(encoding, encoding))
        ~ ", quote '\"', escape '\"', mode 'PERMISSIVE'") }}
{% endmacro %}


{#- The CSV reader renames a repeated header name (quantity, quantity -> quantity_1), and a
    mapping would then silently read only the first: stop, naming the column. -#}
{% macro check_unique_header(input_name, file, file_columns) %}
    {% set lowered = file_columns | map('lower') | list %}
    {% set suspects = [] %}
    {% for column in file_columns %}
        {% set match = modules.re.match('^(.*)_[0-9]+$', column) %}
        {% if match and (match.group(1) | lower) in lowered %}
            {% do suspects.append(column) %}
        {% endif %}
    {% endfor %}
    {% if not suspects %}
        {{ return(none) }}
    {% endif %}
    {#- Read the header line itself to tell a renamed repeat from a real "quantity_1". -#}
    {% set header = run_query('select * from ' ~ csv_reader(input_name, [file], header=false) ~ ' limit 1') %}
    {% set names = header.rows[0].values() | list if header.rows | length else [] %}
    {% set seen = {} %}
    {% for name in names %}
        {% set key = (name or '') | lower | trim %}
        {% if key in seen %}
            {% do raise_repeated_header(input_name, file, name, seen[key], loop.index) %}
        {% endif %}
        {% do seen.update({key: loop.index}) %}
    {% endfor %}
{% endmacro %}

{% macro raise_repeated_header(input_name, file, name, first_position, second_position) %}
    {% do exceptions.raise_compiler_error(
        "File '" ~ file ~ "' (input '" ~ input_name ~ "', var " ~ input_contract()[input_name]['path_var']
        ~ ") has two columns named '" ~ name ~ "' (columns " ~ first_position ~ " and " ~ second_position
        ~ " of its header): which one holds the data is ambiguous. Rename one of them in the file.") %}
{% endmacro %}


{#- The CSV encoding of an input: var csv_encodings[input], else var csv_encoding. -#}
{% macro csv_encoding_of(input_name) %}
    {{ return((var('csv_encodings', {}) or {}).get(input_name, var('csv_encoding', 'utf-8'))) }}
{% endmacro %}


{#- The read_csv call for a list of files, every column as text. A row that cannot be read
    is skipped by the reader (ignore_errors) and recorded by load_csv_files. -#}
{% macro csv_reader(input_name, files, header=true, rejects=false) %}
    {% set delimiter = var('csv_delimiter', '') %}
    {{ return("read_csv(" ~ sql_string_list(files) ~ ", all_varchar = true"
        ~ ", header = " ~ ('true' if header else 'false')
        ~ ", encoding = " ~ sql_string(csv_encoding_of(input_name))
        ~ ", ignore_errors = true"
        ~ (", store_rejects = true, rejects_table = 'demandcast_rejects', rejects_scan = 'demandcast_reject_scans'"
           if rejects else ", union_by_name = true")
        ~ (", delim = " ~ sql_string(delimiter) if delimiter else "") ~ ")") }}
{% endmacro %}


{#- The read call for a list of files, every column as text. -#}
{% macro raw_reader(input_name, files, is_parquet) %}
    {% if is_parquet %}
        {{ return("read_parquet(" ~ sql_string_list(files)
            ~ ", union_by_name = true, filename = '_source_file', file_row_number = true)") }}
    {% endif %}
    {{ return(csv_reader(input_name, files)) }}
{% endmacro %}


{% macro parquet_view_sql(files) %}
    {{ return("select columns(* exclude (_source_file, file_row_number))::varchar, "
        ~ "_source_file, file_row_number + 1 as _source_row_number from "
        ~ raw_reader(none, files, true)) }}
{% endmacro %}


{#- Load CSV files into raw.<input>, file by file (the reader's reject tables need one file
    per scan). Each file is read once into a temporary table, which also fills the reader's
    reject tables; rejected rows go to raw.unreadable_rows with their reason, and each kept
    row's number counts the rejected rows before it, so _source_row_number is the row's
    position in its file whatever was rejected. DuckDB keeps a scan in file order
    (preserve_insertion_order), so a running number over the scan is that position. -#}
{% macro load_csv_files(input_name, spec, files, all_columns, columns_by_file) %}
    {% do adapter.dispatch('load_raw_csv_rows', 'demandcast')(input_name, files, all_columns, columns_by_file) %}
    {#- Staging quarantines the unreadable rows of its inputs; a file it reads only through
        another (the M5 calendar) must be whole. -#}
    {% if input_name not in staged_inputs() | map(attribute='raw_source') | list %}
        {% set lost = run_query('select source_file, source_row_number, reason_code from '
            ~ unreadable_rows_table() ~ ' where raw_source = ' ~ sql_string(input_name)
            ~ ' order by 1, 2 limit 1') %}
        {% if lost.rows | length %}
            {% do exceptions.raise_compiler_error(
                "Row " ~ lost.rows[0][1] ~ " of file '" ~ lost.rows[0][0] ~ "' (var " ~ spec['path_var']
                ~ ") cannot be read (" ~ lost.rows[0][2] ~ "), and input '" ~ input_name
                ~ "' must be whole: fix the row" ~ (", or set csv_encodings: {" ~ input_name ~ ": <encoding>}"
                if lost.rows[0][2] == 'undecodable_row' else "") ~ ".") %}
        {% endif %}
    {% endif %}
{% endmacro %}

{% macro default__load_raw_csv_rows(input_name, files, all_columns, columns_by_file) %}
    {% set table = quote_identifier(schema_var('raw_schema')) ~ '.' ~ quote_identifier(input_name) %}
    {% set column_list = [] %}
    {% for column in all_columns %}{% do column_list.append(quote_identifier(column) ~ ' varchar') %}{% endfor %}
    {% do run_query('create table ' ~ table ~ ' (' ~ (column_list | join(', '))
        ~ ', _source_file varchar, _source_row_number bigint)') %}
    {% set encoding = csv_encoding_of(input_name) %}
    {% for file in files %}
        {% do run_query('drop table if exists temp.demandcast_rejects; '
            ~ 'drop table if exists temp.demandcast_reject_scans; '
            ~ 'create or replace temp table demandcast_file_rows as select *, '
            ~ 'row_number() over () as _kept_position from '
            ~ csv_reader(input_name, [file], rejects=true)) %}
        {% do run_query('insert into ' ~ unreadable_rows_table() ~ ' '
            ~ unreadable_rows_sql(input_name, file, encoding)) %}
        {% do run_query('with steps as (select kept_rows_before, count(*) as rejected '
            ~ 'from ' ~ unreadable_rows_table() ~ ' where raw_source = ' ~ sql_string(input_name)
            ~ ' and source_file = ' ~ sql_string(file) ~ ' group by kept_rows_before), '
            ~ 'cumulative as (select kept_rows_before, sum(rejected) over (order by kept_rows_before) as rejected_before '
            ~ 'from steps) '
            ~ 'insert into ' ~ table ~ ' by name select rows.* exclude (_kept_position), '
            ~ sql_string(file) ~ ' as _source_file, '
            ~ 'rows._kept_position + coalesce(cumulative.rejected_before, 0) as _source_row_number '
            ~ 'from demandcast_file_rows as rows asof left join cumulative '
            ~ 'on rows._kept_position > cumulative.kept_rows_before') %}
    {% endfor %}
    {% do run_query('drop table if exists temp.demandcast_file_rows') %}
{% endmacro %}

{#- Spark: each file is read once (cached) with every column as text and the reader's
    malformed-record column, numbered in scan order: a small file is one split, read in
    file order, so the number is the row's position in its file, counting the rows that
    cannot be read. Those (a field count other than the header's, or text that does not
    decode: Spark puts U+FFFD in its place) go to raw.unreadable_rows, the rest to
    raw.<input>. -#}
{% macro spark__load_raw_csv_rows(input_name, files, all_columns, columns_by_file) %}
    {% set table = quote_identifier(schema_var('raw_schema')) ~ '.' ~ quote_identifier(input_name) %}
    {% set column_list = [] %}
    {% for column in all_columns %}{% do column_list.append(quote_identifier(column) ~ ' string') %}{% endfor %}
    {% do run_query('create table ' ~ table ~ ' (' ~ (column_list | join(', '))
        ~ ', _source_file string, _source_row_number bigint) using '
        ~ config.get('file_format', 'parquet')) %}
    {% do remember_raw_relation(input_name, 'table') %}
    {% set delimiter = var('csv_delimiter', '') or ',' %}
    {% for file in files %}
        {% set file_columns = columns_by_file[file] %}
        {% set schema = [] %}
        {% set decoded_checks = [] %}
        {% for column in file_columns %}
            {% do schema.append(quote_identifier(column) ~ ' string') %}
            {% do decoded_checks.append('coalesce(instr(' ~ quote_identifier(column) ~ ", '\\uFFFD'), 0) > 0") %}
        {% endfor %}
        {% do run_query('create or replace temporary view demandcast_file_rows ('
            ~ (schema | join(', ')) ~ ', _demandcast_malformed_line string) using csv options ('
            ~ spark_csv_options(input_name, file)
            ~ ", columnNameOfCorruptRecord '_demandcast_malformed_line')") %}
        {% do run_query('cache table demandcast_numbered_rows as select *, '
            ~ '(' ~ (decoded_checks | join(' or ')) ~ ') as _demandcast_is_undecodable, '
            ~ 'row_number() over (order by _demandcast_scan_position) as _source_row_number '
            ~ 'from (select *, monotonically_increasing_id() as _demandcast_scan_position from demandcast_file_rows)') %}
        {% set targets = [] %}
        {% for column in all_columns %}
            {% do targets.append((quote_identifier(column) if column in file_columns
                else 'cast(null as string)') ~ ' as ' ~ quote_identifier(column)) %}
        {% endfor %}
        {% do run_query('insert into ' ~ table ~ ' select ' ~ (targets | join(', ')) ~ ', '
            ~ sql_string(file) ~ ' as _source_file, _source_row_number from demandcast_numbered_rows '
            ~ 'where _demandcast_malformed_line is null and not _demandcast_is_undecodable') %}
        {% set quoted_columns = [] %}
        {% for column in file_columns %}{% do quoted_columns.append(quote_identifier(column)) %}{% endfor %}
        {% do run_query('insert into ' ~ unreadable_rows_table() ~ ' '
            ~ spark_unreadable_rows_sql(input_name, file, file_columns | length, delimiter, quoted_columns)) %}
        {% do run_query('uncache table demandcast_numbered_rows') %}
        {% do run_query('drop view if exists demandcast_numbered_rows') %}
    {% endfor %}
{% endmacro %}

{#- The rows of one file Spark could not read, with the reasons of DuckDB's loader
    (unreadable_rows_sql). Fields are counted by splitting the line on the delimiter
    (quotes aside); Spark keeps no finer error per row. -#}
{% macro spark_unreadable_rows_sql(input_name, file, header_fields, delimiter, quoted_columns) %}
    {% set sql %}
        with rejected as (
            select
                _source_row_number as source_row_number,
                _demandcast_is_undecodable as is_undecodable,
                size(split(_demandcast_malformed_line, {{ sql_string(modules.re.escape(delimiter)) }}, -1)) as field_count,
                coalesce(_demandcast_malformed_line,
                    concat_ws({{ sql_string(delimiter) }}, {{ quoted_columns | join(', ') }})) as raw_line
            from demandcast_numbered_rows
            where _demandcast_malformed_line is not null or _demandcast_is_undecodable
        )
        select
            {{ sql_string(input_name) }} as raw_source,
            {{ sql_string(file) }} as source_file,
            source_row_number,
            source_row_number - row_number() over (order by source_row_number) as kept_rows_before,
            case
                when is_undecodable then 'undecodable_row'
                when field_count > {{ header_fields }} then 'extra_fields'
                when field_count < {{ header_fields }} then 'too_few_fields'
                else 'unreadable_row'
            end as reason_code,
            case
                when is_undecodable then {{ sql_string('not valid ' ~ csv_encoding_of(input_name)
                    ~ ' text: set var csv_encodings: {' ~ input_name
                    ~ ': <encoding>} (e.g. latin-1) if the file is written in another encoding') }}
                else concat('CSV reader: ', cast(field_count as string), ' fields, the header has ',
                    {{ sql_string(header_fields) }})
            end as reason_detail,
            raw_line
        from rejected
    {% endset %}
    {{ return(sql) }}
{% endmacro %}


{#- The reader's rejects of one file, one row per rejected line, with the project's reason:
    undecodable_row (not text in the input's encoding), extra_fields / too_few_fields
    (its fields may be shifted, so nothing in it can be trusted), else unreadable_row.
    line counts the header as 1, so the row number is line - 1; kept_rows_before is how
    many rows of the file were read before it. -#}
{% macro unreadable_rows_sql(input_name, file, encoding) %}
    {% set sql %}
        with rejected as (
            select
                line - 1 as source_row_number,
                max(case when error_type = 'INVALID ENCODING' then 1 else 0 end) as is_undecodable,
                max(case when error_type = 'TOO MANY COLUMNS' then 1 else 0 end) as has_extra_fields,
                max(case when error_type = 'MISSING COLUMNS' then 1 else 0 end) as has_too_few_fields,
                string_agg(distinct error_type, ', ') as error_types,
                min(csv_line) as raw_line
            from temp.demandcast_rejects
            group by line
        )
        select
            {{ sql_string(input_name) }} as raw_source,
            {{ sql_string(file) }} as source_file,
            source_row_number,
            source_row_number - row_number() over (order by source_row_number) as kept_rows_before,
            case
                when is_undecodable = 1 then 'undecodable_row'
                when has_extra_fields = 1 then 'extra_fields'
                when has_too_few_fields = 1 then 'too_few_fields'
                else 'unreadable_row'
            end as reason_code,
            case
                when is_undecodable = 1 then {{ sql_string('not valid ' ~ encoding ~ ' text: set var csv_encodings: {'
                    ~ input_name ~ ': <encoding>} (e.g. latin-1) if the file is written in another encoding') }}
                else 'CSV reader: ' || lower(error_types)
            end as reason_detail,
            raw_line
        from rejected
    {% endset %}
    {{ return(sql) }}
{% endmacro %}


{% macro glob_matches(path) %}
    {% set result = run_query('select count(*) as n from glob(' ~ sql_string(path) ~ ')') %}
    {{ return(result.columns[0].values()[0] > 0) }}
{% endmacro %}
