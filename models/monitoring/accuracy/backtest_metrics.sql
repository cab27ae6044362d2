{#- Backtest accuracy of every candidate and of the final forecast (each segment's
    selected model), measured on the same rows: one row per model_name, cutoff_date
    (origin, or 'all' origins as null), horizon_bucket ('all' for every step) and
    segment_id ('all' for every segment). Metrics: see macro accuracy_metrics, plus MASE
    (error / the series' in-sample seasonal-naive error up to the origin) and WMAE
    (holiday periods weigh var wmae_holiday_weight). The final forecast's backtest rows
    are the selected models' own, so its figures carry the selection's optimism. -#}

with

candidates as (
    select * from {{ ref('forecast_candidates') }}
    where is_backtest
),

selection as (
    select * from {{ ref('model_selection') }}
    where is_selected
),

scales as (
    select * from {{ ref('int_series_scale') }}
),

final_rows as (
    select
        candidates.* replace ('final' as model_name)
    from candidates
    inner join selection
        on
            candidates.segment_id = selection.segment_id
            and candidates.model_name = selection.model_name
),

predictions as (
    select
        rows.*,
        scales.mase_scale,
        case when rows.is_holiday_period then {{ var('wmae_holiday_weight') }} else 1 end
            as period_weight
    from (
        select * from candidates
        union all
        select * from final_rows
    ) as rows
    left join scales
        on
            rows.store_id = scales.store_id
            and rows.item_id = scales.item_id
            and rows.cutoff_date = scales.cutoff_date
),

grouped as (
    select
        model_name,
        cutoff_date,
        coalesce(horizon_bucket, 'all') as horizon_bucket,
        coalesce(segment_id, 'all') as segment_id,
        {{ accuracy_metrics() }},
        avg(abs(coalesce(predicted_quantity, 0) - actual_quantity) / nullif(mase_scale, 0)) as mase,
        sum(period_weight * abs(coalesce(predicted_quantity, 0) - actual_quantity))
        / sum(period_weight) as wmae
    from predictions
    group by grouping sets (
        (model_name, cutoff_date, horizon_bucket, segment_id),
        (model_name, cutoff_date, horizon_bucket),
        (model_name, cutoff_date, segment_id),
        (model_name, cutoff_date),
        (model_name, horizon_bucket),
        (model_name, segment_id),
        (model_name)
    )
),

final as (
    select * from grouped
)

select * from final
