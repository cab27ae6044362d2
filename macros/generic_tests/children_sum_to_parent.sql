{#- Fails with every parent whose column differs from the sum of its children's by more
    than tolerance (absolute), within each combination of group_by (e.g. cut-off and
    horizon step), and with every child whose parent has no row there. A row's parent is
    the row whose node_column equals its parent_column (null: a root); a row that is
    nobody's parent is a leaf and is not checked. The children's sum is exact (exact_sum),
    so the tolerance measures the model's rounding only. -#}
{% test children_sum_to_parent(model, column_name, node_column, parent_column, group_by, tolerance=0.000001) %}

with

model_rows as (
    select * from {{ model }}
),

children as (
    select
        {{ parent_column }} as parent_node,
        {%- for column in group_by %}
        {{ column }},
        {%- endfor %}
        {{ exact_sum(column_name) }} as children_total,
        count(*) as child_count
    from model_rows
    where {{ parent_column }} is not null
    group by {{ parent_column }}{% for column in group_by %}, {{ column }}{% endfor %}
),

compared as (
    select
        children.parent_node,
        {%- for column in group_by %}
        children.{{ column }},
        {%- endfor %}
        children.child_count,
        children.children_total,
        model_rows.{{ column_name }} as parent_value
    from children
    left join model_rows
        on
            children.parent_node = model_rows.{{ node_column }}
            {%- for column in group_by %}
            and children.{{ column }} = model_rows.{{ column }}
            {%- endfor %}
)

select *
from compared
where
    parent_value is null
    or abs(parent_value - children_total) > {{ tolerance }}

{% endtest %}
