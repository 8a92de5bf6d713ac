-- Dead letters expire by `expires_at`: every drain (twice a second per instance) deletes the expired
-- ones, which without an index read the whole table.

-- Up Migration

create index outbox_dead_expires on outbox_dead (expires_at);

-- Down Migration

drop index outbox_dead_expires;
