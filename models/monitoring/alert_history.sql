{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key='alert_history_id',
    on_schema_change='append_new_columns',
) }}

{#- Every run's alerts, kept: monitoring_alerts holds this run's only (each build replaces
    it); this table appends them, one row per alert per run, keyed by the run's
    invocation_id and the alert's type, metric and scope (a rerun of the same invocation
    replaces its own rows). The registry reads it on the next run as the declared source
    feedback.alert_history (a ref would close a cycle: see _alert_history.yml). The
    no_alerts gates are on this model, so an error-level alert still lands here before
    it stops publishing. -#}

with

alerts as (
    select * from {{ ref('monitoring_alerts') }}
),

run_context as (
    select * from {{ ref('stg_run_context') }}
),

final as (
    select
        {{ dbt.hash(dbt.concat([
            'alerts.invocation_id', "'|'",
            'alerts.alert_type', "'|'",
            "coalesce(alerts.metric_name, '')", "'|'",
            "coalesce(alerts.scope, '')",
        ])) }} as alert_history_id,
        alerts.invocation_id,
        run_context.run_started_at,
        alerts.as_of_date,
        alerts.alert_type,
        alerts.metric_name,
        alerts.scope,
        alerts.algorithm,
        alerts.model_version,
        alerts.observed_value,
        alerts.threshold,
        alerts.severity,
        alerts.suggested_action,
        alerts.triggers_retraining
    from alerts
    cross join run_context
)

select * from final
