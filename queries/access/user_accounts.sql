-- Sign-in accounts: role and scope per user name (or identity-provider e-mail), never the hashes.
-- params: none
-- pupil counts: none
-- grain: one row per account
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
        password_hash is not null as has_password,
        created_at,
    from account_rows
    order by name
)

select * from final
