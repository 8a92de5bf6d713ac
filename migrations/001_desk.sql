-- Pandu's desk records: cases, the audit trail, routes, groups, message links,
-- rate windows and the transactional outbox. Times are timestamptz; ids of
-- people and groups are channel addresses ("tg:123").

-- Up Migration

create table cases (
  id              bigint primary key,
  v               smallint not null,
  type            text not null,
  status          text not null check (status in ('open', 'claimed', 'resolved', 'returned', 'cancelled')),
  user_addr       text not null,
  instansi        text,
  group_addr      text not null,
  fallback        boolean not null default false,
  fields          jsonb not null default '{}',
  card_ref        text,
  topic_ref       text,
  claimed_by      text,
  claimed_by_name text,
  created_at      timestamptz not null,
  claimed_at      timestamptz,
  first_answer_at timestamptz,
  closed_at       timestamptz,
  reminded_at     timestamptz,
  reopened        integer not null default 0,
  rating          smallint check (rating between 1 and 5),
  comment         text,
  messages        integer not null default 0,
  redacted        boolean not null default false
);
create sequence case_number_seq;
-- One open case per user, enforced by the database.
create unique index cases_one_open_per_user on cases (user_addr) where status in ('open', 'claimed');
create index cases_open_by_group on cases (group_addr, created_at) where status in ('open', 'claimed');
create index cases_unclaimed_due on cases ((coalesce(reminded_at, created_at))) where status = 'open';
create index cases_closed on cases (closed_at) where closed_at is not null;
create index cases_created on cases (created_at);
create index cases_instansi_created on cases (instansi, created_at);
create index cases_group_created on cases (group_addr, created_at);
create index cases_user on cases (user_addr);

-- Who did what, when: case events and route changes. Never message text.
create table audit (
  id         bigserial primary key,
  at         timestamptz not null,
  actor      text not null,
  actor_name text,
  kind       text not null,
  case_id    bigint references cases (id) on delete cascade,
  group_addr text,
  instansi   text,
  detail     jsonb
);
create index audit_case on audit (case_id, id);
create index audit_group on audit (group_addr, id);
create index audit_actor on audit (actor);

create table routes (
  instansi   text primary key,
  group_addr text not null,
  since      timestamptz not null
);
create index routes_group on routes (group_addr);

create table groups (
  addr  text primary key,
  title text,
  forum boolean not null default false
);

-- Which case a message in a group (card, relayed message) or a forum topic belongs to.
create table message_links (
  group_addr text not null,
  ref        text not null,
  case_id    bigint not null references cases (id) on delete cascade,
  primary key (group_addr, ref)
);
create index message_links_case on message_links (case_id);
create table topic_links (
  group_addr text not null,
  topic      text not null,
  case_id    bigint not null references cases (id) on delete cascade,
  primary key (group_addr, topic)
);
create index topic_links_case on topic_links (case_id);

-- Fixed windows for per-user limits (cases per day, relayed messages per minute).
create table rate_windows (
  key     text primary key,
  start_ms bigint not null,
  count   integer not null
);

-- The outbox: items per chat in order (seq), each chat's schedule, rate window and lease.
create table outbox (
  id          text primary key,
  seq         bigserial not null unique,
  chat        text not null,
  lane        text not null check (lane in ('group', 'user')),
  message     jsonb not null,
  tag         text,
  case_id     bigint,
  enqueued_at timestamptz not null,
  attempts    integer not null default 0
);
create index outbox_chat_seq on outbox (chat, seq);
create index outbox_case on outbox (case_id);
create table outbox_chats (
  chat        text primary key,
  lane        text not null,
  due_at      timestamptz,
  sent_at     timestamptz[] not null default '{}',
  lease_until timestamptz,
  lease_owner text
);
create index outbox_chats_due on outbox_chats (due_at) where due_at is not null;
-- Delivered ids, remembered for idempotency until `until`.
create table outbox_done (
  id    text primary key,
  until timestamptz not null
);
create index outbox_done_until on outbox_done (until);
-- Items that failed for good, kept for operators until `expires_at`; erasure removes a user's.
create table outbox_dead (
  id          text primary key,
  chat        text not null,
  item        jsonb not null,
  description text not null,
  at          timestamptz not null,
  expires_at  timestamptz not null,
  case_id     bigint
);
create index outbox_dead_at on outbox_dead (at);
create index outbox_dead_case on outbox_dead (case_id);

-- Down Migration

drop table outbox_dead, outbox_done, outbox_chats, outbox, rate_windows, topic_links, message_links,
  groups, routes, audit, cases;
drop sequence case_number_seq;
