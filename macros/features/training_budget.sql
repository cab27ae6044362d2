{#- The rule that keeps training rows under var training_row_budget (int_forecast_features).

    Training rows are series x cut-off x horizon step. Under the budget, step s of series n
    at the cut-off with grid number g (int_forecast_cutoffs) is kept when s + a x g + n is
    a multiple of the stride k. Over a series' cut-offs, g runs through consecutive
    numbers, so s runs through every residue mod k when a is coprime to k; the target
    period, g x every + s periods from the epoch, is then congruent to (every - a) x g
    plus a constant, and runs through every residue when every - a is coprime to k. So
    with a and k chosen that way every series keeps every horizon step and every target
    period (of the year, the week): the rows are thinned, not a part of the calendar.

    Returns a (1, or 2 when cut-offs are every period) and the primes k must avoid: those
    of a x |every - a|. -#}
{% macro training_stride_rule(every) %}
    {%- set multiplier = 2 if every == 1 else 1 %}
    {%- set product = multiplier * ((every - multiplier) | abs) %}
    {%- set primes = [] %}
    {%- for candidate in range(2, product + 1) %}
        {%- if product % candidate == 0 %}
            {%- set divisors = [] %}
            {%- for factor in range(2, candidate) %}
                {%- if candidate % factor == 0 %}{% do divisors.append(factor) %}{% endif %}
            {%- endfor %}
            {%- if not divisors %}{% do primes.append(candidate) %}{% endif %}
        {%- endif %}
    {%- endfor %}
    {{- return({'multiplier': multiplier, 'primes': primes}) -}}
{% endmacro %}
