{#- Fails with every row whose column is outside [min_value, max_value] (either bound may
    be omitted). Nulls are not checked: pair with not_null where they matter. -#}
{% test accepted_range(model, column_name, min_value=none, max_value=none, inclusive=true) %}

select *
from {{ model }}
where
    {%- if min_value is none and max_value is none %}
    1 = 0
    {%- else %}
    not (
        {%- if min_value is not none %}
        {{ column_name }} {{ '>=' if inclusive else '>' }} {{ min_value }}
        {%- endif %}
        {%- if min_value is not none and max_value is not none %} and{% endif %}
        {%- if max_value is not none %}
        {{ column_name }} {{ '<=' if inclusive else '<' }} {{ max_value }}
        {%- endif %}
    )
    {%- endif %}

{% endtest %}
