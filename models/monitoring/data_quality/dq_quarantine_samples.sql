{%- set sample_rows = number_var('dq_quarantine_sample_rows') %}

{#- Example rows of the quarantine, for the data-quality dashboard: the first
    dq_quarantine_sample_rows rows of each input_name and reason_code (by file and row
    number), with their raw values. One row per input_name, reason_code, sample_rank.
    Bounded by inputs x reasons x that many rows, however many rows a bad delivery
    quarantines; the counts per reason are dq_run_metrics' quarantined_rows_by_reason. -#}

with

quarantine as (
    select * from {{ ref('stg_quarantined_rows') }}
),

ranked as (
    select
        input_name,
        reason_code,
        {#- bigint on every engine (Spark's row_number is an int). #}
        cast(row_number() over (
            partition by input_name, reason_code
            order by source_file, source_row_number, raw_values
        ) as bigint) as sample_rank,
        source_file,
        source_row_number,
        reason_detail,
        raw_values,
        as_of_date,
        invocation_id
    from quarantine
),

final as (
    select *
    from ranked
    where sample_rank <= {{ sample_rows }}
)

select * from final
