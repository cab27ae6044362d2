{#- Like relationships, but a master table that was not delivered (empty) cannot vouch
    for anything, so the test passes with nothing to check rather than failing every row.
    Fails with each distinct child key absent from the parent. -#}
{% test related_to(model, column_name, to, field) %}

with

parent as (
    select {{ field }} as parent_key from {{ to }}
),

child as (
    select distinct {{ column_name }} as child_key
    from {{ model }}
    where {{ column_name }} is not null
)

select child.child_key
from child
left join parent
    on child.child_key = parent.parent_key
where parent.parent_key is null
    and exists (select 1 from parent)

{% endtest %}
