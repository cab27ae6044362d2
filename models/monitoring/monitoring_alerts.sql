{#- Every alert of this run, one row each: the metric, its scope, the observed value, the
    threshold (vars alert_*), severity (var alert_severities), a suggested action, and
    whether it asks the registry to retrain (kept across runs in alert_history, which
    registry_* read on the next run and record as monitoring_trigger; one retrain per
    alert, see registry.pending_triggers). Gated by the no_alerts tests on alert_history. -#}

{%- set severities = var('alert_severities') %}
{%- set horizon_days = feature_setting('forecast_horizon_periods') * period_days() %}

with

run_context as (
    select * from {{ ref('stg_run_context') }}
),

accuracy as (
    select * from {{ ref('forecast_accuracy') }}
    where
        horizon_bucket = 'all'
        and segment_id = 'all'
        and row_count >= {{ number_var('alert_min_rows') }}
),

registry as (
    select * from {{ ref('model_registry') }}
),

drift as (
    select * from {{ ref('monitoring_drift') }}
),

dq_metrics as (
    select * from {{ ref('dq_run_metrics') }}
),

freshness as (
    select * from {{ ref('dq_store_freshness') }}
),

recent_accuracy as (
    select
        accuracy.*,
        registry.algorithm
    from accuracy
    cross join run_context
    left join registry
        on accuracy.model_version = registry.model_version
    where accuracy.forecast_origin_date >= {{ dbt.dateadd('day', -horizon_days, 'run_context.as_of_date') }}
),

current_run as (
    select dq_metrics.*
    from dq_metrics
    inner join run_context
        on dq_metrics.invocation_id = run_context.invocation_id
),

earlier_runs as (
    select
        dq_metrics.*,
        dense_rank() over (order by dq_metrics.run_started_at desc) as run_rank
    from dq_metrics
    inner join run_context
        on dq_metrics.run_started_at < run_context.run_started_at
),

previous_run as (
    select * from earlier_runs
    where run_rank = 1
),

{#- The union's later branches take their column names from the first. #}

alerts as ( -- noqa: disable=AL03
    select
        'accuracy_degradation' as alert_type,
        'live WAPE / backtest WAPE' as metric_name,
        model_name || ' ' || model_version || ' origin ' || cast(forecast_origin_date as {{ text_type() }}) as scope,
        algorithm,
        model_version,
        live_to_backtest_wape_ratio as observed_value,
        1 + {{ number_var('alert_accuracy_degradation') }} as threshold,
        'Live accuracy is worse than the backtest promised: check drift and data quality, then retrain.'
            as suggested_action,
        true as triggers_retraining
    from recent_accuracy
    where live_to_backtest_wape_ratio > 1 + {{ number_var('alert_accuracy_degradation') }}
    union all
    select
        'forecast_bias',
        'bias (sum error / sum |actual|)',
        model_name || ' ' || model_version || ' origin ' || cast(forecast_origin_date as {{ text_type() }}),
        algorithm,
        model_version,
        bias,
        {{ number_var('alert_bias') }},
        'Forecasts are systematically ' || case when bias > 0 then 'high' else 'low' end
        || ': look for a level shift (promotion, new range, price change) and retrain.',
        true
    from recent_accuracy
    where abs(bias) > {{ number_var('alert_bias') }}
    union all
    select
        drift.subject || '_drift',
        'PSI',
        drift.name,
        'xgboost',
        drift.model_version,
        drift.psi,
        {{ number_var('alert_psi') }},
        'The ' || drift.subject || ' ' || drift.name || ' moved away from the training reference (KS '
        || cast(round(drift.ks_statistic, 3) as {{ text_type() }}) || '): retrain on recent data.',
        true
    from drift
    inner join run_context
        on drift.as_of_date = run_context.as_of_date
    where
        drift.psi > {{ number_var('alert_psi') }}
        and drift.current_rows >= {{ number_var('alert_min_rows') }}
    union all
    select
        'null_rate',
        'share of rows missing or unreadable',
        input_name || '.' || scope,
        cast(null as {{ text_type() }}),
        cast(null as {{ text_type() }}),
        metric_value,
        {{ number_var('alert_null_rate') }},
        'Fix the feed: the rows are quarantined in stg_quarantined_rows with their reason.',
        false
    from current_run
    where metric_name = 'null_rate' and metric_value > {{ number_var('alert_null_rate') }}
    union all
    select
        'row_count_drop',
        'raw rows vs the previous run',
        current_run.input_name,
        cast(null as {{ text_type() }}),
        cast(null as {{ text_type() }}),
        current_run.metric_value / nullif(previous_run.metric_value, 0),
        1 - {{ number_var('alert_row_count_drop') }},
        'Far fewer rows arrived than last run: check that every file was delivered.',
        false
    from current_run
    inner join previous_run
        on
            current_run.metric_name = previous_run.metric_name
            and current_run.input_name = previous_run.input_name
            and current_run.scope = previous_run.scope
    where
        current_run.metric_name = 'raw_rows'
        and current_run.metric_value < (1 - {{ number_var('alert_row_count_drop') }}) * previous_run.metric_value
    union all
    select
        'stale_data',
        'days since the store''s latest sales',
        store_id,
        cast(null as {{ text_type() }}),
        cast(null as {{ text_type() }}),
        lag_days,
        allowed_lag_days,
        'The store''s sales stopped arriving: its forecasts rest on old data.',
        false
    from freshness
    where is_stale
), -- noqa: enable=AL03

final as (
    select
        run_context.as_of_date,
        run_context.invocation_id,
        alerts.alert_type,
        alerts.metric_name,
        alerts.scope,
        alerts.algorithm,
        alerts.model_version,
        cast(alerts.observed_value as double) as observed_value,
        cast(alerts.threshold as double) as threshold,
        case alerts.alert_type
            {%- for alert_type, severity in severities.items() %}
            when {{ sql_string(alert_type) }} then {{ sql_string(severity) }}
            {%- endfor %}
            else 'warn'
        end as severity,
        alerts.suggested_action,
        alerts.triggers_retraining
    from alerts
    cross join run_context
)

select * from final
