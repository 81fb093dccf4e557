-- The sessions a user has open (GET /api/auth/sessions, accounts.SessionLog): one row per sign-in, its sid as in the
-- session tokens. A session is open while its newest token lives (expires_at, moved on at each renewal), it was not
-- ended (sign-out, or ended from another session: ended_at, beside the revocation that stops its tokens), and it was
-- issued under the user's current session epoch (a password change or a disable ends every session at once).
create table gateway.sessions (
    sid          text primary key,
    username     text not null references gateway.users (username),
    epoch        integer not null,
    -- the browser or program that signed in, as its User-Agent header said (cut to 300 characters, no control characters)
    user_agent   text,
    created_at   timestamptz not null default now(),
    -- written at most once a minute per session and gateway instance, off the request's path
    last_seen_at timestamptz not null default now(),
    expires_at   timestamptz not null,
    ended_at     timestamptz
);
create index sessions_open on gateway.sessions (username, expires_at) where ended_at is null;

-- What a user chose in the studio's settings (GET/PUT /api/preferences, accounts.Preferences): the create form's
-- defaults and the theme. A null column is "no preference": the studio's own default applies.
create table gateway.preferences (
    username      text primary key references gateway.users (username),
    theme         text check (theme in ('system', 'light', 'dark')),
    style_profile text,
    aspect_ratio  text,
    lane          text check (lane in ('interactive', 'batch')),
    enhance       boolean,
    notifications boolean,
    updated_at    timestamptz not null default now()
);
