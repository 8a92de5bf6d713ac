-- Outbox priority: a group's new case cards go before one case's chatter and before reminders.

-- Up Migration

alter table outbox add column priority smallint not null default 1;
drop index outbox_chat_seq;
create index outbox_chat_priority_seq on outbox (chat, priority, seq);

-- Down Migration

drop index outbox_chat_priority_seq;
create index outbox_chat_seq on outbox (chat, seq);
alter table outbox drop column priority;
