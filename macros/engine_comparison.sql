{#
    dbt run-operation engine_counts --args '{models: [...]}': the numbers `make
    test-spark-sql` compares between the DuckDB and the Spark build of one fixture (issue
    17): every listed model's row count, the quarantine by input and reason, the row
    accounting, and the sums of the baselines' forecasts. Printed as one JSON line after
    a marker, read by demandcast.tools.engine_comparison. The same SQL on both engines.
#}
{% macro engine_counts(models) %}
    {% set rows = {} %}
    {% for name in models | sort %}
        {% set result = run_query('select count(*) as row_count from ' ~ ref(name)) %}
        {% do rows.update({name: result.rows[0][0] | int}) %}
    {% endfor %}
    {% set quarantine = {} %}
    {% set found = run_query('select input_name, reason_code, count(*) as row_count from '
        ~ ref('stg_quarantined_rows') ~ ' group by input_name, reason_code') %}
    {% for row in found.rows %}
        {% do quarantine.update({row[0] ~ '/' ~ row[1]: row[2] | int}) %}
    {% endfor %}
    {% set accounting = {} %}
    {% set found = run_query('select input_name, raw_rows, clean_rows, quarantined_rows, beyond_as_of_rows from '
        ~ ref('stg_row_accounting')) %}
    {% for row in found.rows %}
        {% for column in ['raw_rows', 'clean_rows', 'quarantined_rows', 'beyond_as_of_rows'] %}
            {% do accounting.update({row['input_name'] ~ '/' ~ column: row[column] | int}) %}
        {% endfor %}
    {% endfor %}
    {% set sums = {} %}
    {% set found = run_query('select model_name, count(predicted_quantity) as forecasts, '
        ~ 'sum(predicted_quantity) as predicted, sum(actual_quantity) as actual from '
        ~ ref('baseline_forecasts') ~ ' group by model_name') %}
    {% for row in found.rows %}
        {% do sums.update({row['model_name'] ~ '/forecasts': row['forecasts'] | int,
            row['model_name'] ~ '/sum_predicted': row['predicted'] | float,
            row['model_name'] ~ '/sum_actual': row['actual'] | float}) %}
    {% endfor %}
    {% do print('DEMANDCAST_ENGINE_COUNTS ' ~ tojson({'engine': target.type, 'rows': rows,
        'quarantine': quarantine, 'accounting': accounting, 'baselines': sums})) %}
{% endmacro %}
