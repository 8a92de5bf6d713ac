-- /riwayat reads a group's own history (routes, claims, cards): the audit rows of the group that
-- belong to no case, newest first. Without this index an active group's case events are read through.

-- Up Migration

create index audit_group_own on audit (group_addr, id) where case_id is null;

-- Down Migration

drop index audit_group_own;
