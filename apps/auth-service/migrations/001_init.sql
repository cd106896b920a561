create table users (
  id uuid primary key,
  email text not null,
  name text not null check (char_length(name) between 1 and 200),
  password_hash text not null,
  role text not null default 'donor' check (role in ('donor', 'admin')),
  disabled boolean not null default false,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create unique index users_email_key on users (lower(email));
create index users_created_idx on users (created_at desc, id desc);
