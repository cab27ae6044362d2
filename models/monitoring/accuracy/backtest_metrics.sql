{#- Backtest accuracy of every candidate and of the final forecast (each segment's
    selected model), measured on the same rows: one row per model_name, cutoff_date
    (origin, or 'all' origins as null), horizon_bucket ('all' for every step) and
    segment_id ('all' for every segment). Metrics: see macro accuracy_metrics, plus MASE
    (error / the series' in-sample seasonal-naive error up to the origin) and WMAE
    (holiday periods weigh var wmae_holiday_weight). The final forecast's backtest rows
    are the selected models' own, so its figures carry the selection's optimism.
    Provenance: model_version is the candidate's scoring version (model_selection); for
    'final' the selected versions joined by '+'; invocation_id is this run's. -#}

with

candidates as (
    select * from {{ ref('forecast_candidates') }}
    where is_backtest
),

model_selection as (
    select * from {{ ref('model_selection') }}
),

selection as (
    select * from model_selection
    where is_selected
),

candidate_versions as (
    select distinct
        model_name,
        model_version
    from model_selection
),

final_version as (
    select
        'final' as model_name,
        {{ ordered_string_agg('model_version', "'+'") }} as model_version
    from (
        select distinct model_version
        from selection
    ) as selected_versions
),

versions as (
    select * from candidate_versions
    union all
    select * from final_version
),

scales as (
    select * from {{ ref('int_series_scale') }}
),

final_rows as (
    select {{ star_replace(ref('forecast_candidates'), 'candidates', {'model_name': "'final'"}) }}
    from candidates
    inner join selection
        on
            candidates.segment_id = selection.segment_id
            and candidates.model_name = selection.model_name
),

predictions as (
    select
        scored_rows.*,
        scales.mase_scale,
        case when scored_rows.is_holiday_period then {{ number_var('wmae_holiday_weight') }} else 1 end
            as period_weight
    from (
        select * from candidates
        union all
        select * from final_rows
    ) as scored_rows
    left join scales
        on
            scored_rows.store_id = scales.store_id
            and scored_rows.item_id = scales.item_id
            and scored_rows.cutoff_date = scales.cutoff_date
),

{%- set grouping_sets = [
    ['cutoff_date', 'horizon_bucket', 'segment_id'],
    ['cutoff_date', 'horizon_bucket'],
    ['cutoff_date', 'segment_id'],
    ['cutoff_date'],
    ['horizon_bucket'],
    ['segment_id'],
    [],
] %}

grouped as (
    {%- call(dimensions) union_of_group_bys(grouping_sets, ['model_name']) %}
    select
        model_name,
        {{ dimension_or_all('cutoff_date', dimensions, 'cast(null as date)') }},
        {{ dimension_or_all('horizon_bucket', dimensions) }},
        {{ dimension_or_all('segment_id', dimensions) }},
        {{ accuracy_metrics() }},
        {{ mase() }} as mase,
        sum(period_weight * abs(coalesce(predicted_quantity, 0) - actual_quantity))
        / sum(period_weight) as wmae
    from predictions
    {%- endcall %}
),

final as (
    select
        grouped.*,
        versions.model_version,
        {{ sql_string(invocation_id) }} as invocation_id
    from grouped
    left join versions
        on grouped.model_name = versions.model_name
)

select * from final
