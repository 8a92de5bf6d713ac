-- The supervisor's dashboard: one-time sign-in links and sessions (only SHA-256 hashes of their
-- tokens), durable daily aggregates of the conversations (flow steps, FAQ entries used), hourly step
-- counts for "who is at which step now", and indexes for the case reports.

-- Up Migration

create table dashboard_links (
  hash       text primary key,
  principal  jsonb not null,
  expires_at timestamptz not null
);
create index dashboard_links_expires on dashboard_links (expires_at);

create table dashboard_sessions (
  hash       text primary key,
  principal  jsonb not null,
  expires_at timestamptz not null
);
create index dashboard_sessions_expires on dashboard_sessions (expires_at);

-- Per WIB day and flow step: moved here from another step, moved on from here, reached here as a
-- successful end, invalid answers here. Never per user.
create table journey_daily (
  day       date not null,
  flow      text not null,
  state     text not null,
  entered   integer not null default 0,
  went_on   integer not null default 0,
  completed integer not null default 0,
  invalid   integer not null default 0,
  primary key (day, flow, state)
);

-- The same per hour, kept a few days: "who is at which step now" is entered − went on over 24 hours.
create table journey_hourly (
  hour      timestamptz not null,
  flow      text not null,
  state     text not null,
  entered   integer not null default 0,
  went_on   integer not null default 0,
  completed integer not null default 0,
  invalid   integer not null default 0,
  primary key (hour, flow, state)
);

-- FAQ entries given as answers (used) or offered as "Apakah maksud Anda…" (unsure), per WIB day.
create table faq_daily (
  day    date not null,
  entry  text not null,
  used   integer not null default 0,
  unsure integer not null default 0,
  primary key (day, entry)
);

-- Case reports: the oldest open cases of a scope.
create index cases_open_by_instansi on cases (instansi, created_at) where status in ('open', 'claimed');
create index cases_open_created on cases (created_at) where status in ('open', 'claimed');

-- Down Migration

drop index cases_open_created;
drop index cases_open_by_instansi;
drop table faq_daily, journey_hourly, journey_daily, dashboard_sessions, dashboard_links;
