{{ config(severity='warn') }}

{#- Warns when sales rows with a valid key and date are dated after the default as-of
    date (a period too few series reported in: a stray or mistyped date). They are
    beyond_as_of; set var as_of_date to include them. The run log's warning from
    stg_run_context's post-hook names the rows' dates and the vars. -#}

select
    default_as_of_date,
    sparse_tail_rows,
    sparse_tail_dates
from {{ ref('stg_run_context') }}
where
    sparse_tail_rows > 0
    and not is_as_of_date_from_var
