{#- The forecast candidates, simplest first (the intermittent-demand methods, a flat
    smoothed level each, after the SQL baselines; the reconciled candidate, built on another
    candidate, last): the order that breaks ties in
    model_selection and picks the model of a series that has no selected forecast in
    fct_forecasts. -#}
{% macro candidate_models() %}
    {{ return(['seasonal_naive', 'moving_average', 'croston_sba', 'tsb', 'adida', 'prophet', 'xgboost',
        'combination', 'reconciled']) }}
{% endmacro %}


{#- A candidate's place in candidate_models() (1 = simplest), as a SQL expression. -#}
{% macro candidate_simplicity(column) %}
    {%- set whens = [] %}
    {%- for name in candidate_models() %}
        {%- do whens.append('when ' ~ sql_string(name) ~ ' then ' ~ loop.index) %}
    {%- endfor %}
    {{- return('case ' ~ column ~ ' ' ~ (whens | join(' ')) ~ ' else ' ~ (candidate_models() | length + 1) ~ ' end') }}
{% endmacro %}
