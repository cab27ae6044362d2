-- Where did every raw row go, and which files and reasons account for the quarantine?
-- Start here after a load: one line per input and reason, with an example row to open.

with

accounting as (
    select * from {{ ref('stg_row_accounting') }}
),

quarantined as (
    select * from {{ ref('stg_quarantined_rows') }}
),

by_reason as (
    select
        input_name,
        reason_code,
        count(*) as row_count,
        min(source_file || ':' || cast(source_row_number as varchar)) as example_row
    from quarantined
    group by input_name, reason_code
),

final as (
    select
        accounting.input_name,
        accounting.raw_rows,
        accounting.clean_rows,
        accounting.beyond_as_of_rows,
        by_reason.reason_code,
        by_reason.row_count as quarantined_rows,
        by_reason.example_row
    from accounting
    left join by_reason
        on accounting.input_name = by_reason.input_name
)

select * from final
order by input_name asc, quarantined_rows desc
