{#
    Decides the fate of every parsed row of one input, in this order:
      1. key_rejection_reason set (null key, missing/unparseable/out-of-range date)
         -> quarantined: without a trustworthy key or date nothing else can be decided;
      2. dated after the run's as-of date -> beyond_as_of: invisible to this run, counted;
      3. value_rejection_reason set (unparseable, negative, absurd value) -> quarantined;
      4. several rows for one key -> the row from the file whose name sorts last wins, and
         within a file the last row (a later delivery corrects an earlier one); the others
         are quarantined as exact_duplicate (same values as the kept row) or
         conflicting_duplicate (different values), naming the row that was kept.
    Returns every row with row_status (clean | quarantined | beyond_as_of), reason_code
    and reason_detail, so that raw = clean + quarantined + beyond_as_of holds by design
    and is tested. With flag_sparse_tail (sales), a beyond_as_of row after the default
    as-of date (var as_of_date not set: its period had too few reporting series, e.g. a
    stray mistyped date) gets reason_code after_default_as_of and a detail naming the vars.
#}
{% macro classify_rows(parsed_relation, key_columns, value_columns, date_column=none, flag_sparse_tail=false) %}
    {%- set key_partition = key_columns | join(', ') -%}
    {%- set key_targets = key_columns | join(',\n        ') -%}
    {%- set latest_first -%}
        partition by pre_status, {{ key_partition }}
        order by source_file desc, source_row_number desc
    {%- endset %}

with

parsed as (
    select * from {{ parsed_relation }}
),

run_context as (
    select
        as_of_date,
        is_as_of_date_from_var
    from {{ ref('stg_run_context') }}
),

staged as (
    select
        parsed.*,
        case
            when parsed.key_rejection_reason is not null then 'quarantined'
            {%- if date_column %}
            when parsed.{{ date_column }} > run_context.as_of_date then 'beyond_as_of'
            {%- endif %}
            when parsed.value_rejection_reason is not null then 'quarantined'
            else 'candidate'
        end as pre_status
    from parsed
    cross join run_context
),

{# Most keys have one row: only the rows of a repeated pre_status and key need the window
    (a sort of every row costs minutes at tens of millions of rows); a lone row is its own
    rank-1 row. -#}
repeated_keys as (
    select
        pre_status,
        {{ key_targets }}
    from staged
    group by pre_status, {{ key_partition }}
    having count(*) > 1
),

{%- set same_key %}
        on
            staged.pre_status = repeated_keys.pre_status
            {%- for key in key_columns %}
            and staged.{{ key }} is not distinct from repeated_keys.{{ key }}
            {%- endfor %}
{%- endset %}

repeated_rows as (
    select staged.*
    from staged
    inner join repeated_keys{{ same_key }}
),

ranked as (
    select
        staged.*,
        1 as key_rank,
        staged.source_file as kept_source_file,
        {%- for column in value_columns %}
        staged.{{ column }} as kept_{{ column }},
        {%- endfor %}
        staged.source_row_number as kept_source_row_number
    from staged
    left join repeated_keys{{ same_key }}
    where repeated_keys.pre_status is null
    union all
    select
        *,
        row_number() over ({{ latest_first }}) as key_rank,
        first_value(source_file) over ({{ latest_first }}) as kept_source_file,
        {%- for column in value_columns %}
        first_value({{ column }}) over ({{ latest_first }}) as kept_{{ column }},
        {%- endfor %}
        first_value(source_row_number) over ({{ latest_first }}) as kept_source_row_number
    from repeated_rows
),

final as (
    select
        ranked.*,
        case
            when ranked.pre_status = 'candidate' and ranked.key_rank = 1 then 'clean'
            when ranked.pre_status = 'candidate' then 'quarantined'
            else ranked.pre_status
        end as row_status,
        case
            when ranked.pre_status = 'quarantined'
                then coalesce(ranked.key_rejection_reason, ranked.value_rejection_reason)
            {%- if flag_sparse_tail %}
            when ranked.pre_status = 'beyond_as_of' and not run_context.is_as_of_date_from_var
                then 'after_default_as_of'
            {%- endif %}
            when ranked.pre_status = 'candidate' and ranked.key_rank > 1
                {%- for column in value_columns %}
                and (
                    ranked.{{ column }} = ranked.kept_{{ column }}
                    or (ranked.{{ column }} is null and ranked.kept_{{ column }} is null)
                )
                {%- endfor %}
                then 'exact_duplicate'
            when ranked.pre_status = 'candidate' and ranked.key_rank > 1 then 'conflicting_duplicate'
        end as reason_code,
        case
            when ranked.pre_status = 'candidate' and ranked.key_rank > 1
                then 'kept row ' || cast(ranked.kept_source_row_number as {{ text_type() }})
                    || ' of ' || ranked.kept_source_file
            {%- if flag_sparse_tail %}
            when ranked.pre_status = 'beyond_as_of' and not run_context.is_as_of_date_from_var
                then 'dated after the default as-of date '
                    || cast(run_context.as_of_date as {{ text_type() }})
                    || ': too few of the recently reporting series reported in its period'
                    || ' (var as_of_min_reporting_share); set var as_of_date to include it'
            {%- endif %}
        end as reason_detail
    from ranked
    cross join run_context
)

{# AM04 (unknown number of result columns) cannot hold here: the rows pass through every
    column of parsed_relation (parsed.*), which this macro does not know. The noqa is
    rendered into the SQL because sqlfluff reads only the SQL; it exempts this one query. -#}
-- noqa: AM04
select * from final
{%- endmacro %}
