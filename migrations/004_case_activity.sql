-- When the user last wrote to a case and when staff last answered it: a claimed case whose user waits
-- without an answer is reminded ("claimed and forgotten").

-- Up Migration

alter table cases add column user_at timestamptz, add column staff_at timestamptz;
create index cases_claimed_waiting on cases ((greatest(coalesce(claimed_at, created_at), user_at, reminded_at)))
  where status = 'claimed';

-- Down Migration

drop index cases_claimed_waiting;
alter table cases drop column user_at, drop column staff_at;
