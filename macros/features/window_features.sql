{#
    Feature columns over one ordered series, written once and used by every feature model.
    Each looks back only: frames end at the current row (the cut-off), so a value after
    the cut-off can never reach a feature. Arguments:
      column       - the measure, e.g. 'quantity'
      name         - the feature name prefix, e.g. 'quantity' or 'store_quantity'
      partition_by - the series key columns, comma separated
      order_by     - the period column
#}

{#- name_lag_<k><d|w>: the value k - 1 periods before the cut-off (lag 1 = the cut-off). -#}
{% macro lag_features(column, name, partition_by, order_by, lags) %}
    {%- for k in lags %}
        lag({{ column }}, {{ k - 1 }}) over (
            partition by {{ partition_by }} order by {{ order_by }}
        ) as {{ name }}_lag_{{ k }}{{ period_suffix() }}{{ ',' if not loop.last }}
    {%- endfor %}
{%- endmacro %}


{#- name_<stat>_<w><d|w> over the w periods ending at the cut-off: mean, std, min, max. -#}
{% macro rolling_features(column, name, partition_by, order_by, windows, stats=['mean', 'std', 'min', 'max']) %}
    {%- set functions = {'mean': 'avg', 'std': 'stddev_samp', 'min': 'min', 'max': 'max', 'sum': 'sum'} %}
    {%- for w in windows %}
        {%- set outer_loop = loop %}
        {%- for stat in stats %}
        {{ functions[stat] }}({{ column }}) over (
            partition by {{ partition_by }} order by {{ order_by }}
            rows between {{ w - 1 }} preceding and current row
        ) as {{ name }}_{{ stat }}_{{ w }}{{ period_suffix() }}{{ ',' if not (loop.last and outer_loop.last) }}
        {%- endfor %}
    {%- endfor %}
{%- endmacro %}


{#- Periods since the last non-zero value, and the share of zero periods per window. -#}
{% macro intermittency_features(column, name, partition_by, row_number_column, windows) %}
        {{ row_number_column }} - max(case when {{ column }} > 0 then {{ row_number_column }} end) over (
            partition by {{ partition_by }} order by {{ row_number_column }}
            rows between unbounded preceding and current row
        ) as {{ name }}_periods_since_last_sale,
    {%- for w in windows %}
        avg(case when {{ column }} = 0 then 1.0 when {{ column }} is not null then 0.0 end) over (
            partition by {{ partition_by }} order by {{ row_number_column }}
            rows between {{ w - 1 }} preceding and current row
        ) as {{ name }}_zero_share_{{ w }}{{ period_suffix() }}{{ ',' if not loop.last }}
    {%- endfor %}
{%- endmacro %}


{#
    name_ewm_<alpha*100>: exponentially weighted mean, weight alpha * (1 - alpha)^k for the
    value k periods before the cut-off, over the periods with a value, truncated where the
    weights fall below 1/1000.

    Computed as decay^t * sum(value * decay^-t) over a frame, which overflows a double for
    long series; so t is counted from the start of a segment of `segment` periods, in two
    segmentations offset by half a segment. Every cut-off lies at least half a segment
    from the start of one of them, and the truncated frame fits in that one.
#}
{% macro ewm_features(column, name, partition_by, row_number_column, alphas) %}
    {%- set smallest_decay = 1 - (alphas | max) %}
    {#- decay^-segment must stay far below the double maximum (1.8e308). -#}
    {#- The loops below stop with break: a loop filter (for ... if) would test all 100,000
        values, which made this macro half of the project's parse time (4.6 of 8.9 s). -#}
    {%- set ns = namespace(segment=0, weight=1.0) %}
    {%- for _ in range(100000) %}
        {%- if ns.weight <= 1e-250 %}{% break %}{% endif %}
        {%- set ns.weight = ns.weight * smallest_decay %}
        {%- set ns.segment = ns.segment + 1 %}
    {%- endfor %}
    {%- set segment = ns.segment %}
    {%- for alpha in alphas %}
        {%- set decay = 1 - alpha %}
        {%- set tail = namespace(periods=0, weight=1.0) %}
        {%- for _ in range(100000) %}
            {%- if tail.weight <= 0.001 %}{% break %}{% endif %}
            {%- set tail.weight = tail.weight * decay %}
            {%- set tail.periods = tail.periods + 1 %}
        {%- endfor %}
        {%- set outer_loop = loop %}
        {%- set by_segmentation = [] %}
        {%- for offset in [0, segment // 2] %}
            {%- set local -%}
                mod({{ row_number_column }} + {{ offset }}, {{ segment }})
            {%- endset %}
            {%- set frame -%}
                over (
                    partition by {{ partition_by }}, floor(({{ row_number_column }} + {{ offset }}) / {{ segment }})
                    order by {{ row_number_column }}
                    rows between {{ tail.periods }} preceding and current row
                )
            {%- endset %}
            {%- do by_segmentation.append({
                'local': local,
                'value': 'sum(' ~ column ~ ' * power(' ~ decay ~ ', -' ~ local ~ ')) ' ~ frame,
                'weight': 'sum(case when ' ~ column ~ ' is not null then power(' ~ decay ~ ', -' ~ local ~ ') end) ' ~ frame,
            }) %}
        {%- endfor %}
        case
            when {{ by_segmentation[0]['local'] }} >= {{ tail.periods }}
                then {{ by_segmentation[0]['value'] }} / {{ by_segmentation[0]['weight'] }}
            else {{ by_segmentation[1]['value'] }} / {{ by_segmentation[1]['weight'] }}
        end as {{ name }}_ewm_{{ (alpha * 100) | round | int }}{{ ',' if not outer_loop.last }}
    {%- endfor %}
{%- endmacro %}
