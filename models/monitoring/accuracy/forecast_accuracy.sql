{#- Live accuracy: every published forecast against the actuals that have arrived since
    (published_forecast_actuals). One row per model_name, model_version, forecast_origin_date,
    horizon_bucket and segment_id ('all' rows aggregate a dimension away): WAPE, MAE,
    bias, MASE (scale: the series' latest in-sample seasonal-naive error), interval
    coverage, forecast value added against seasonal naive (1 - WAPE / seasonal naive's
    WAPE on the same rows), and the ratio of live WAPE to the version's backtest WAPE.
    A missing prediction counts as 0 in every metric, as in backtest_metrics and the
    registry's backtest_wape (macro wape), so the ratio compares like with like. -#}

with

scored_history as (
    select * from {{ ref('published_forecast_actuals') }}
),

ranked_scales as (
    select
        store_id,
        item_id,
        mase_scale,
        row_number() over (partition by store_id, item_id order by cutoff_date desc) as scale_rank
    from {{ ref('int_series_scale') }}
),

latest_scales as (
    select
        store_id,
        item_id,
        mase_scale
    from ranked_scales
    where scale_rank = 1
),

registry as (
    select * from {{ ref('model_registry') }}
),

joined as (
    select
        scored_history.*,
        latest_scales.mase_scale
    from scored_history
    left join latest_scales
        on
            scored_history.store_id = latest_scales.store_id
            and scored_history.item_id = latest_scales.item_id
),

{%- set grouping_sets = [
    ['horizon_bucket', 'segment_id'], ['horizon_bucket'], ['segment_id'], []
] %}

grouped as (
    {%- call(dimensions) union_of_group_bys(grouping_sets, ['model_name', 'model_version', 'forecast_origin_date']) %}
    select
        model_name,
        model_version,
        forecast_origin_date,
        {{ dimension_or_all('horizon_bucket', dimensions) }},
        {{ dimension_or_all('segment_id', dimensions) }},
        count(*) as row_count,
        max(target_date) as latest_target_date,
        sum(abs(actual_quantity)) as actual_total,
        {{ mae() }} as mae,
        {{ wape() }} as wape,
        {{ bias() }} as bias,
        {{ mase() }} as mase,
        {{ interval_coverage(80) }} as coverage_80,
        {{ interval_coverage(95) }} as coverage_95,
        {{ wape(predicted='seasonal_naive_quantity') }} as seasonal_naive_wape
    from joined
    {%- endcall %}
),

final as (
    select
        grouped.*,
        1 - grouped.wape / nullif(grouped.seasonal_naive_wape, 0) as forecast_value_added,
        registry.backtest_wape,
        grouped.wape / nullif(registry.backtest_wape, 0) as live_to_backtest_wape_ratio
    from grouped
    left join registry
        on grouped.model_version = registry.model_version
)

select * from final
