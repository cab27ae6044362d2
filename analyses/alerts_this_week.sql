-- Which alerts fired on this week's run: every alert of the latest build, errors first,
-- with what to do about each. Retraining triggers are acted on by the next build (see
-- model_training_log). One alert type only: --vars '{analysis_alert_type: feature_drift}'.

{%- set alert_type = var('analysis_alert_type', none) %}
{%- set type_condition = 'alert_type = ' ~ sql_string(alert_type) if alert_type else '1 = 1' %}

with

alerts as (
    select * from {{ ref('monitoring_alerts') }}
),

final as (
    select
        as_of_date,
        severity,
        alert_type,
        scope,
        metric_name,
        observed_value,
        threshold,
        triggers_retraining,
        suggested_action
    from alerts
    where {{ type_condition }}
)

select * from final
order by
    case severity when 'error' then 0 else 1 end,
    alert_type,
    scope
