{#- Fails for every input whose raw rows are not all accounted for:
    raw_rows = clean_rows + quarantined_rows + beyond_as_of_rows. -#}
{% test row_accounting_balances(model) %}

select *
from {{ model }}
where raw_rows is not null
    and raw_rows <> clean_rows + quarantined_rows + beyond_as_of_rows

{% endtest %}
