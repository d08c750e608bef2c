-- One account's role, scope and password hash, for checking a sign-in.
-- params: $name
-- pupil counts: none
-- grain: zero or one row
-- reads: users
with

account_rows as (
    select * from users
),

final as (
    select
        name,
        role,
        scope,
        password_hash,
    from account_rows
    where name = $name
)

select * from final
