-- normal_quantile against the standard normal quantiles to 1e-6 (Acklam's approximation
-- is good to about 1e-9), in the centre and in both tails, and null outside (0, 1).
-- Expected values: Python's statistics.NormalDist().inv_cdf.
-- Fails with every probability whose result is off.

with

known as (
    select
        known_values.probability,
        known_values.expected_z
    from (
        values
        (0.5, 0.0),
        (0.8, 0.8416212335729144),
        (0.9, 1.2815515655446008),
        (0.95, 1.6448536269514715),
        (0.975, 1.9599639845400536),
        (0.99, 2.3263478740408408),
        (0.999, 3.090232306167813),
        (0.01, -2.3263478740408408),
        (0.02, -2.0537489106318225),
        (0.05, -1.6448536269514726),
        (0.001, -3.090232306167813),
        (0.0000001, -5.199337582192817)
    ) as known_values (probability, expected_z)
),

outside as (
    select outside_values.probability
    from (values (0.0), (1.0), (-0.5), (1.5), (null)) as outside_values (probability)
),

checked as (
    select
        probability,
        expected_z,
        {{ normal_quantile('probability') }} as actual_z
    from known
    union all
    select
        probability,
        null as expected_z,
        {{ normal_quantile('probability') }} as actual_z
    from outside
),

final as (
    select *
    from checked
    where
        (expected_z is null and actual_z is not null)
        or (expected_z is not null and (actual_z is null or abs(actual_z - expected_z) > 1e-6))
)

select * from final
