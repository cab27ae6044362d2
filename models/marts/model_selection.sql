{#- The final forecast's rule: in each segment (var model_selection_level) the candidates
    are compared on identical rows. A candidate is eligible in a segment only when it has a
    row for every backtest row of the segment (a row with a null prediction counts as 0:
    a seasonal naive without last season's value pays for it); a candidate that forecasts
    only part of a segment cannot win it on its own easier rows. Among the eligible ones,
    the lowest backtest WAPE over the segment's backtest rows wins, baselines and the
    combination included (a baseline that wins a segment is used there). Ties go to the
    simpler model. A segment whose backtests cover fewer than model_selection_min_origins
    origins uses model_selection_fallback instead, when it is eligible: one origin is too
    little evidence, and an early origin trains on a short history the final model does
    not have. One row per segment_id and model_name, with its rank; selection_rank = 1 is
    the model used. Provenance: each candidate's model_version is the version that scores
    the as-of date (its backtest rows carry their origin fits' versions), and every row
    carries the dbt invocation_id of the run that chose. -#}

{%- set candidates = candidate_models() %}
{%- set margin = number_var('model_selection_margin') %}
{#- Ties go to the simpler model. #}
{%- set simplicity = candidate_simplicity('model_name') %}
{%- if var('model_selection_fallback') not in candidates %}
    {{ exceptions.raise_compiler_error("var model_selection_fallback: '" ~ var('model_selection_fallback')
        ~ "' is not a candidate; use one of " ~ candidates | join(', ')) }}
{%- endif %}

with

candidates as (
    select * from {{ ref('forecast_candidates') }}
),

backtests as (
    select * from candidates
    where is_backtest
),

scoring_versions as (
    {#- One version per candidate scores the as-of date. -#}
    select
        model_name,
        max(model_version) as model_version
    from candidates
    where not is_backtest
    group by model_name
),

segment_keys as (
    select distinct
        segment_id,
        store_id,
        item_id,
        cutoff_date,
        horizon_step
    from backtests
),

segment_sizes as (
    select
        segment_id,
        count(*) as segment_backtest_rows
    from segment_keys
    group by segment_id
),

by_model as (
    select
        segment_id,
        model_name,
        count(*) as backtest_rows,
        count(distinct cutoff_date) as backtest_origins,
        {{ wape() }} as backtest_wape
    from backtests
    group by segment_id, model_name
),

by_segment as (
    select
        by_model.*,
        by_model.backtest_rows = segment_sizes.segment_backtest_rows as is_eligible
    from by_model
    inner join segment_sizes
        on by_model.segment_id = segment_sizes.segment_id
),

with_evidence as (
    select
        *,
        max(backtest_origins) over (partition by segment_id)
        >= {{ number_var('model_selection_min_origins') }} as has_enough_origins,
        max(
            case when model_name = {{ sql_string(var('model_selection_fallback')) }} and is_eligible then 1 else 0 end
        ) over (partition by segment_id) = 1 as has_eligible_fallback
    from by_segment
),

pooled_wapes as (
    {#- Every segment's rows together. -#}
    select
        model_name,
        {{ wape() }} as pooled_wape
    from backtests
    group by model_name
),

pooled as (
    {#- The candidate that is best overall, among those eligible in every segment. -#}
    select
        by_segment.model_name,
        pooled_wapes.pooled_wape,
        count(*) = (select count(*) from segment_sizes)
        and min(case when by_segment.is_eligible then 1 else 0 end) = 1 as is_eligible_everywhere
    from by_segment
    inner join pooled_wapes
        on by_segment.model_name = pooled_wapes.model_name
    group by by_segment.model_name, pooled_wapes.pooled_wape
),

pooled_best as (
    select model_name as pooled_model_name
    from (
        select
            model_name,
            row_number() over (order by pooled_wape, {{ simplicity }}) as pooled_rank
        from pooled
        where is_eligible_everywhere and pooled_wape is not null
    ) as pooled_ranked
    where pooled_rank = 1
),

candidate_ranked as (
    select
        *,
        row_number() over (
            partition by segment_id
            order by
                case when is_eligible then 0 else 1 end,
                case
                    when has_enough_origins then 1
                    when model_name = {{ sql_string(var('model_selection_fallback')) }} then 0
                    else 1
                end,
                backtest_wape,
                {{ simplicity }}
        ) as candidate_rank
    from with_evidence
),

segment_choice as (
    {#- A segment leaves the pooled best only for a candidate whose WAPE there is lower by
        more than model_selection_margin: a few origins of one segment are noisy evidence,
        and a choice that barely wins on them is as likely to lose after the origin. -#}
    select
        candidate_ranked.segment_id,
        max(case when candidate_ranked.candidate_rank = 1 then candidate_ranked.model_name end)
            as best_model_name,
        max(case when candidate_ranked.candidate_rank = 1 then candidate_ranked.backtest_wape end)
            as best_wape,
        max(pooled_best.pooled_model_name) as pooled_model_name,
        max(
            case
                when candidate_ranked.model_name = pooled_best.pooled_model_name
                    then candidate_ranked.backtest_wape
            end
        ) as pooled_model_wape,
        max(case when candidate_ranked.has_enough_origins then 1 else 0 end) = 1
            as has_enough_origins
    from candidate_ranked
    left join pooled_best
        on candidate_ranked.model_name = pooled_best.pooled_model_name
    group by candidate_ranked.segment_id
),

chosen as (
    select
        segment_id,
        best_model_name,
        case
            when
                has_enough_origins
                and pooled_model_name is not null
                and not coalesce(best_wape < (1 - {{ margin }}) * pooled_model_wape, false)
                then pooled_model_name
            else best_model_name
        end as chosen_model_name
    from segment_choice
),

ranked as (
    select
        candidate_ranked.*,
        chosen.best_model_name,
        chosen.chosen_model_name,
        row_number() over (
            partition by candidate_ranked.segment_id
            order by
                case when candidate_ranked.model_name = chosen.chosen_model_name then 0 else 1 end,
                candidate_ranked.candidate_rank
        ) as selection_rank
    from candidate_ranked
    inner join chosen
        on candidate_ranked.segment_id = chosen.segment_id
),

final as (
    select
        ranked.segment_id,
        ranked.model_name,
        scoring_versions.model_version,
        {{ sql_string(invocation_id) }} as invocation_id,
        ranked.backtest_rows,
        ranked.backtest_origins,
        ranked.backtest_wape,
        ranked.is_eligible,
        ranked.selection_rank,
        ranked.selection_rank = 1 as is_selected,
        case
            when not ranked.has_enough_origins and ranked.has_eligible_fallback
                then 'fallback_too_few_origins'
            when ranked.chosen_model_name = ranked.best_model_name then 'lowest_backtest_wape'
            else 'pooled_best_within_margin'
        end as selection_rule
    from ranked
    left join scoring_versions
        on ranked.model_name = scoring_versions.model_name
)

select * from final
