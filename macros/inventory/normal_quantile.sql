{#- Standard normal quantile (inverse CDF) z such that P(Z <= z) = p, as a SQL expression.

    Acklam's rational approximation (relative error below 1.15e-9 over (0, 1)): a rational
    function of p - 0.5 in the centre, of sqrt(-2 ln p) in the tails. Null when p is null
    or outside the open interval (0, 1): a service level of 0 or 1 has no finite quantile.
    Uses only arithmetic, sqrt and ln, so the default body is portable; an adapter with a
    native inverse normal CDF can override it (e.g. snowflake__normal_quantile).

    Args:
        p (string): SQL expression of the probability; repeated in the output, so pass a
            column or a literal rather than a costly expression. -#}
{% macro normal_quantile(p) %}
    {{- return(adapter.dispatch('normal_quantile', 'demandcast')(p)) -}}
{% endmacro %}


{% macro default__normal_quantile(probability) %}
    {#- As a double: exact decimal literals would overflow the decimal scale in the powers. -#}
    {%- set p = 'cast(' ~ probability ~ ' as ' ~ type_double() ~ ')' -%}
    {%- set a = [-39.69683028665376, 220.9460984245205, -275.9285104469687,
                 138.3577518672690, -30.66479806614716, 2.506628277459239] -%}
    {%- set b = [-54.47609879822406, 161.5858368580409, -155.6989798598866,
                 66.80131188771972, -13.28068155288572] -%}
    {%- set c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838,
                 -2.549732539343734, 4.374664141464968, 2.938163982698783] -%}
    {%- set d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996,
                 3.754408661907416] -%}
    {%- set p_low = 0.02425 -%}
    {%- set centre = '((' ~ p ~ ') - 0.5)' -%}
    {%- set centre_squared = '(' ~ centre ~ ' * ' ~ centre ~ ')' -%}
    {%- set lower_tail = 'sqrt(-2 * ln(' ~ p ~ '))' -%}
    {%- set upper_tail = 'sqrt(-2 * ln(1 - (' ~ p ~ ')))' -%}
    case
        when ({{ p }}) is null or ({{ p }}) <= 0 or ({{ p }}) >= 1 then null
        when ({{ p }}) < {{ p_low }}
            then {{ horner_polynomial(c, lower_tail) }} / {{ horner_polynomial(d + [1], lower_tail) }}
        when ({{ p }}) <= {{ 1 - p_low }}
            then {{ horner_polynomial(a, centre_squared) }} * {{ centre }} / {{ horner_polynomial(b + [1], centre_squared) }}
        else -{{ horner_polynomial(c, upper_tail) }} / {{ horner_polynomial(d + [1], upper_tail) }}
    end
{%- endmacro %}


{#- Polynomial coefficients[0] x^(n-1) + ... + coefficients[n-1] in Horner form. -#}
{% macro horner_polynomial(coefficients, x) %}
    {%- set expression = namespace(text=coefficients[0] | string) -%}
    {%- for coefficient in coefficients[1:] -%}
        {%- set expression.text = '(' ~ expression.text ~ ' * ' ~ x ~ ' + ' ~ coefficient ~ ')' -%}
    {%- endfor -%}
    {{- return(expression.text) -}}
{% endmacro %}
