{% macro hierarchy_node_rows(bottom, candidates, items, series_source='final_forecast') %}
{#- The CTEs from a hierarchy's series rows to the base rows of every node (the body of
    int_hierarchy_forecasts and int_reconciliation_bases, which differ only in the
    series' base forecast), ending in a CTE `final`. Arguments are CTE names:
    - bottom: one row per series, cutoff_date, horizon_step (store_id, item_id,
      target_date, is_backtest, predicted_quantity, actual_quantity, lower_80 ..
      upper_95: the series' base and its bounds);
    - candidates: the candidate forecasts (forecast_candidates or
      int_candidate_point_forecasts), whose prophet rows are forecast_prophet's split rows;
    - items: stg_items;
    - series_source: the base_source of the series rows (their sums: its name + '_sum').
    Levels, coarsest first: total, store, store_department (or store_category when no
    item has a department; none when no item has either), store_item. An aggregate's base
    is the sum of the Prophet split rows where Prophet forecasts its level
    (prophet_level_chain) and covers every series of the node, else the sum of its
    series' bases; its bounds come from the interval rule on its level's backtest scores,
    on the as-of date's rows only. -#}
{%- set prophet_levels = [] %}
{%- for level in prophet_level_chain() %}{% do prophet_levels.append(sql_string(level)) %}{% endfor %}

prophet as (
    select
        cast(store_id as {{ dbt.type_string() }}) as store_id,
        cast(item_id as {{ dbt.type_string() }}) as item_id,
        cutoff_date,
        horizon_step,
        cast(predicted_quantity as {{ type_double() }}) as prophet_quantity
    from {{ candidates }}
    where model_name = 'prophet'
),

grouping_level as (
    {#- The group level of this run: departments when any item has one, else categories. -#}
    select
        case
            when count(department_id) > 0 then 'store_department'
            when count(category_id) > 0 then 'store_category'
        end as group_level
    from {{ items }}
),

series as (
    select
        bottom.*,
        prophet.prophet_quantity,
        grouping_level.group_level,
        case grouping_level.group_level
            when 'store_department' then coalesce(items.department_id, 'unknown')
            when 'store_category' then coalesce(items.category_id, 'unknown')
        end as group_id
    from {{ bottom }} as bottom
    cross join grouping_level
    left join {{ items }} as items
        on bottom.item_id = items.item_id
    left join prophet
        on
            bottom.store_id = prophet.store_id
            and bottom.item_id = prophet.item_id
            and bottom.cutoff_date = prophet.cutoff_date
            and bottom.horizon_step = prophet.horizon_step
),

series_nodes as (
    select
        *,
        'total:all' as total_node_id,
        'store:' || store_id as store_node_id,
        case
            when group_level is not null then group_level || ':' || store_id || '|' || group_id
        end as group_node_id
    from series
),

{% set levels = {
    'total': {'keys': [], 'node': 'total_node_id', 'parent': 'null'},
    'store': {'keys': ['store_id'], 'node': 'store_node_id', 'parent': 'total_node_id'},
    'group': {'keys': ['store_id', 'group_id'], 'node': 'group_node_id', 'parent': 'store_node_id'},
} %}
{%- for name, level in levels.items() %}
{{ name }}_rows as (
    select
        {%- if name == 'group' %}
        min(group_level) as hierarchy_level,
        {%- else %}
        '{{ name }}' as hierarchy_level,
        {%- endif %}
        {{ level.node }} as node_id,
        {%- if name == 'total' %}
        cast(null as {{ dbt.type_string() }}) as parent_node_id,
        {%- else %}
        min({{ level.parent }}) as parent_node_id,
        {%- endif %}
        {%- for key in ['store_id', 'group_id'] %}
        {{ key if key in level['keys'] else 'cast(null as ' ~ dbt.type_string() ~ ') as ' ~ key }},
        {%- endfor %}
        cast(null as {{ dbt.type_string() }}) as item_id,
        cutoff_date,
        horizon_step,
        min(target_date) as target_date,
        is_backtest,
        {{ exact_sum('predicted_quantity') }} as series_quantity,
        {{ exact_sum('prophet_quantity') }} as prophet_quantity,
        count(prophet_quantity) = count(*) as is_prophet_complete,
        {{ exact_sum('actual_quantity') }} as actual_quantity
    from series_nodes
    {%- if name == 'group' %}
    where group_level is not null
    {%- endif %}
    group by
        {{ level.node }},
        {%- for key in level['keys'] %}
        {{ key }},
        {%- endfor %}
        cutoff_date,
        horizon_step,
        is_backtest
),

{% endfor %}
aggregates as (
    select
        hierarchy_level,
        node_id,
        parent_node_id,
        store_id,
        group_id,
        item_id,
        cutoff_date,
        horizon_step,
        target_date,
        is_backtest,
        case
            when hierarchy_level in ({{ prophet_levels | join(', ') }}) and is_prophet_complete
                then 'prophet'
            else {{ sql_string(series_source ~ '_sum') }}
        end as base_source,
        case
            when hierarchy_level in ({{ prophet_levels | join(', ') }}) and is_prophet_complete
                then prophet_quantity
            else series_quantity
        end as predicted_quantity,
        actual_quantity,
        {{ horizon_bucket('horizon_step') }} as horizon_bucket
    from (
        {%- for name in levels %}
        select * from {{ name }}_rows
        {%- if not loop.last %}
        union all
        {%- endif %}
        {%- endfor %}
    ) as level_rows
),

scores as (
    select
        hierarchy_level,
        horizon_bucket,
        abs(actual_quantity - predicted_quantity) / {{ forecast_spread('predicted_quantity') }}
            as conformity_score
    from aggregates
    where is_backtest and actual_quantity is not null
),

ranked_scores as (
    select
        *,
        row_number() over (
            partition by hierarchy_level, horizon_bucket order by conformity_score
        ) as score_rank,
        count(*) over (partition by hierarchy_level, horizon_bucket) as score_count
    from scores
),

calibration as (
    select
        hierarchy_level,
        horizon_bucket,
        {{ conformal_quantiles() }}
    from ranked_scores
    group by hierarchy_level, horizon_bucket
),

aggregate_rows as (
    select
        aggregates.hierarchy_level,
        aggregates.node_id,
        aggregates.parent_node_id,
        aggregates.store_id,
        aggregates.group_id,
        aggregates.item_id,
        aggregates.cutoff_date,
        aggregates.horizon_step,
        aggregates.target_date,
        aggregates.is_backtest,
        aggregates.base_source,
        aggregates.predicted_quantity as base_quantity,
        aggregates.actual_quantity,
        case when not aggregates.is_backtest then {{ interval_bound('aggregates', 'calibration.q80', '-') }} end
            as lower_80,
        case when not aggregates.is_backtest then {{ interval_bound('aggregates', 'calibration.q80', '+') }} end
            as upper_80,
        case when not aggregates.is_backtest then {{ interval_bound('aggregates', 'calibration.q95', '-') }} end
            as lower_95,
        case when not aggregates.is_backtest then {{ interval_bound('aggregates', 'calibration.q95', '+') }} end
            as upper_95
    from aggregates
    left join calibration
        on
            aggregates.hierarchy_level = calibration.hierarchy_level
            and aggregates.horizon_bucket = calibration.horizon_bucket
),

bottom_rows as (
    select
        'store_item' as hierarchy_level,
        'store_item:' || store_id || '|' || item_id as node_id,
        coalesce(group_node_id, store_node_id) as parent_node_id,
        store_id,
        group_id,
        item_id,
        cutoff_date,
        horizon_step,
        target_date,
        is_backtest,
        {{ sql_string(series_source) }} as base_source,
        predicted_quantity as base_quantity,
        actual_quantity,
        lower_80,
        upper_80,
        lower_95,
        upper_95
    from series_nodes
),

final as (
    select * from aggregate_rows
    union all
    select * from bottom_rows
)

{% endmacro %}
