-- The trusted HR network: claims approved by people who can vouch, regional manager groups,
-- the state of each group (public, broken, moved), and the contact cards offices keep.

-- Up Migration

alter table groups
  add column public       boolean not null default false,
  add column broken_at    timestamptz,
  add column broken_why   text,
  add column moved_to     text,
  add column welcomed_at  timestamptz;

-- A group asking to receive an instansi's cases; routes nothing until approved.
create table claims (
  id              bigserial primary key,
  group_addr      text not null,
  instansi        text not null,
  status          text not null check (status in ('pending', 'approved', 'rejected', 'withdrawn')),
  requested_by    text not null,
  requested_name  text,
  requested_at    timestamptz not null,
  members         integer,
  decided_by      text,
  decided_name    text,
  decided_at      timestamptz
);
create unique index claims_one_pending on claims (group_addr, instansi) where status = 'pending';
create index claims_group on claims (group_addr, id);

-- Groups whose admins may approve claims for a set of instansi (e.g. a Kanreg BKN group).
create table managers (
  group_addr text not null,
  instansi   text not null,
  since      timestamptz not null,
  primary key (group_addr, instansi)
);
create index managers_instansi on managers (instansi);

-- Contact cards kept by the offices themselves (shown to users beside the directory's own data).
create table contact_cards (
  instansi     text primary key,
  office_name  text,
  address      text,
  phone        text,
  whatsapp     text,
  email        text,
  website      text,
  hours        text,
  note         text,
  updated_by   text not null,
  updated_name text,
  updated_at   timestamptz not null,
  confirmed_at timestamptz not null,
  asked_at     timestamptz
);

create index audit_kind_group on audit (kind, group_addr);

-- Down Migration

drop index audit_kind_group;
drop table contact_cards, managers, claims;
alter table groups drop column public, drop column broken_at, drop column broken_why, drop column moved_to,
  drop column welcomed_at;
