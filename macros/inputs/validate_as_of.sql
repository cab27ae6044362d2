{#
    The as-of date, checked twice. Before anything runs (validate_as_of_date, called by
    validate_run_vars): the vars that choose it are well formed. After stg_run_context is
    built (check_run_context, its post-hook): the row it computed is usable, else an
    error names the var or file to fix instead of a failing not_null test or a model's
    traceback further down.
#}

{#- var as_of_date: null, or a real calendar date written YYYY-MM-DD. -#}
{% macro validate_as_of_date() %}
    {% set as_of = var('as_of_date') %}
    {% if as_of %}
        {% set text = as_of | string %}
        {% set parts = modules.re.match('^([0-9]{4})-([0-9]{2})-([0-9]{2})$', text) %}
        {% set is_real_date = false %}
        {% if parts %}
            {% set year, month, day = parts.group(1) | int, parts.group(2) | int, parts.group(3) | int %}
            {% if year >= 1 and 1 <= month <= 12 and day >= 1 %}
                {#- Last day of the month: the day before the first of the next one. -#}
                {% set next_month = modules.datetime.date(year + month // 12, month % 12 + 1, 1)
                    if year < 9999 or month < 12 else modules.datetime.date(9999, 12, 31) %}
                {% set last_day = 31 if (year == 9999 and month == 12)
                    else (next_month - modules.datetime.timedelta(days=1)).day %}
                {% set is_real_date = day <= last_day %}
            {% endif %}
        {% endif %}
        {% if not is_real_date %}
            {% do exceptions.raise_compiler_error(
                "var as_of_date = '" ~ text ~ "' is not a calendar date written YYYY-MM-DD "
                ~ "(e.g. 2024-01-31), or null for the latest reported sales date") %}
        {% endif %}
    {% endif %}
{% endmacro %}


{#- var as_of_min_reporting_share, checked (typed_var_rules): a number in (0, 1]. -#}
{% macro as_of_min_reporting_share() %}
    {{ return(number_var('as_of_min_reporting_share')) }}
{% endmacro %}


{#- The sales input's path var and the files it matches (for messages). -#}
{% macro sales_input_files() %}
    {% set spec = input_contract()['m5_sales' if var('input_format') == 'm5' else 'sales'] %}
    {% set path = var(spec['path_var'], '') %}
    {{ return({'path_var': spec['path_var'], 'path': path,
        'files': adapter.dispatch('input_file_names', 'demandcast')(path)}) }}
{% endmacro %}

{% macro default__input_file_names(path) %}
    {{ return([]) }}
{% endmacro %}

{% macro spark__input_file_names(path) %}
    {% if not path %}{{ return([]) }}{% endif %}
    {{ return(raw_file_listing(path) | map(attribute='filename') | list) }}
{% endmacro %}

{% macro duckdb__input_file_names(path) %}
    {% if not path %}{{ return([]) }}{% endif %}
    {% set found = run_query('select file from glob(' ~ sql_string(path) ~ ') order by file') %}
    {{ return(found.columns[0].values() | list) }}
{% endmacro %}


{#- Post-hook of stg_run_context: errors for a row no model can use, a warning for sales
    rows the default as-of date leaves out. -#}
{% macro check_run_context(relation) %}
    {% if not execute %}{{ return('') }}{% endif %}
    {% set rows = run_query('select * from ' ~ relation) %}
    {% set context = rows.rows[0] %}
    {% set input = sales_input_files() %}
    {% set where = "var " ~ input['path_var'] ~ " = '" ~ input['path'] ~ "'" %}
    {% set names = input['files'] | map('string') | list %}
    {% set file_list = (names[:5] | join(', ')) ~ (' ...' if names | length > 5 else '') %}

    {% if context['parsed_sales_rows'] == 0 %}
        {% do exceptions.raise_compiler_error(
            "The sales input has no rows: " ~ where ~ " matches " ~ (names | length)
            ~ " file(s) (" ~ file_list ~ "), with a header but no data row. Point "
            ~ input['path_var'] ~ " at files that hold sales rows.") %}
    {% endif %}
    {% if context['dated_sales_rows'] == 0 %}
        {% if var('input_format') == 'm5' %}
            {% set fix = "var m5_calendar_path: its date column must give a YYYY-MM-DD date for each d_ column" %}
        {% else %}
            {% set fix = "var date_format = '" ~ var('date_format') ~ "' (a strptime format or a list of them)" %}
        {% endif %}
        {% do exceptions.raise_compiler_error(
            "No sales date parsed: none of the " ~ context['parsed_sales_rows'] ~ " sales rows of "
            ~ where ~ " has a date readable with " ~ fix ~ "; e.g. raw value '"
            ~ context['sample_unparsed_sales_date'] ~ "'. Set date_format to the format of "
            ~ "your dates (e.g. '%Y-%m-%d' for 2024-01-31, '%d/%m/%Y' for 31/01/2024).") %}
    {% endif %}
    {% if context['latest_valid_sales_date'] is none %}
        {% set reasons = run_query(
            'select key_rejection_reason, count(*) as n from ' ~ ref('base_sales__parsed')
            ~ ' group by 1 order by 2 desc') %}
        {% set counts = [] %}
        {% for row in reasons.rows %}{% do counts.append(row[0] ~ ': ' ~ row[1]) %}{% endfor %}
        {% do exceptions.raise_compiler_error(
            "No sales row of " ~ where ~ " has a usable key and date (" ~ (counts | join(', '))
            ~ "); the rows are in stg_quarantined_rows with their reasons") %}
    {% endif %}
    {% if context['as_of_date'] < context['earliest_valid_sales_date'] %}
        {% do exceptions.raise_compiler_error(
            "var as_of_date = '" ~ var('as_of_date') ~ "' is before every sales row: the valid "
            ~ "sales dates of " ~ where ~ " run from " ~ context['earliest_valid_sales_date']
            ~ " to " ~ context['latest_valid_sales_date'] ~ ". Set as_of_date within that range, "
            ~ "or null for the latest reported date.") %}
    {% endif %}
    {% if context['sparse_tail_rows'] > 0 and not context['is_as_of_date_from_var'] %}
        {% do exceptions.warn(
            context['sparse_tail_rows'] ~ " sales row(s) dated after the default as-of date "
            ~ context['default_as_of_date'] ~ " are left out of this run (beyond_as_of): "
            ~ "fewer than var as_of_min_reporting_share = " ~ var('as_of_min_reporting_share')
            ~ " of the recently reporting series reported in their period(s) (latest dates: "
            ~ context['sparse_tail_dates'] ~ "). A stray or mistyped date? Fix the rows, or set "
            ~ "var as_of_date explicitly to include them.") %}
    {% endif %}
    {{ return('select 1') }}
{% endmacro %}


{#- Post-hook of int_training_history: when the history is too short to train the
    models, its message (why, and the periods needed) as a warning in the build log. The
    build goes on: the baselines are published, model_training_log records the reason. -#}
{% macro warn_forecast_history(relation) %}
    {% if not execute %}{{ return('') }}{% endif %}
    {% set found = run_query(
        'select history_message from ' ~ relation ~ ' where not has_enough_history') %}
    {% for row in found.rows %}{% do exceptions.warn(row[0]) %}{% endfor %}
    {{ return('select 1') }}
{% endmacro %}
