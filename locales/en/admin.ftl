### The hub's admin pages (/admin). Messages take only $count (a number): names,
### times and sizes are placed next to them by the page.

admin-title = Dermis hub
admin-nav-overview = Clinics and workstations
admin-nav-health = Storage and database
admin-signed-in-as = Signed in as
admin-sign-out = Sign out
admin-language = Language
admin-live-connected = Live: changes appear without reloading
admin-live-reconnecting = Connection lost, reconnecting…
admin-unavailable = The hub cannot read its database right now. This page keeps trying.
admin-yes = yes
admin-no = no
admin-never = never

## Sign-in

admin-login-title = Sign in to the hub
admin-login-username = Username
admin-login-password = Password
admin-login-submit = Sign in
admin-login-invalid = Unknown username or wrong password.
admin-login-rate-limited = Too many failed attempts. Wait a few minutes and try again.
admin-login-unavailable = The hub cannot reach its database. Try again later.

## Clinics and workstations

admin-overview-title = Clinics and workstations
admin-summary-online = Online: { $count }
admin-summary-behind = behind: { $count }
admin-summary-offline = offline: { $count }
admin-no-clinics = No clinics yet. Create one with: dermis-hub clinic add --name "…"
admin-no-nodes = No workstations in this clinic yet. Add one with: dermis-hub node add
admin-clinic-seq = change log at { $count }
admin-col-node = Workstation
admin-col-state = State
admin-col-last-seen = Last seen
admin-col-last-sync = Last sync
admin-col-version = App version
admin-col-cursor = Applied up to
admin-col-outbox = Waiting on the workstation
admin-col-error = Last error
admin-state-up-to-date = Up to date
admin-state-behind = { $count ->
    [one] Behind ({ $count } change)
   *[other] Behind ({ $count } changes)
}
admin-state-unsynced = { $count ->
    [one] Online, { $count } change to send
   *[other] Online, { $count } changes to send
}
admin-state-offline-since = Offline since
admin-state-never-connected = Never connected
admin-state-pending = Waiting for enrollment
admin-state-revoked = Access revoked
admin-outbox-empty = nothing
admin-outbox-changes = { $count ->
    [one] { $count } change
   *[other] { $count } changes
}
admin-outbox-oldest = oldest from
admin-size-units = B KB MB GB
admin-ago-seconds = { $count ->
    [one] { $count } second ago
   *[other] { $count } seconds ago
}
admin-ago-minutes = { $count ->
    [one] { $count } minute ago
   *[other] { $count } minutes ago
}
admin-ago-hours = { $count ->
    [one] { $count } hour ago
   *[other] { $count } hours ago
}
admin-ago-days = { $count ->
    [one] { $count } day ago
   *[other] { $count } days ago
}

## One workstation

admin-node-title = Workstation
admin-node-unknown-title = Unknown workstation
admin-node-unknown = There is no such workstation.
admin-node-back = All workstations
admin-node-clinic = Clinic
admin-node-number = Receipt prefix
admin-node-id = Workstation id
admin-node-access = Access
admin-node-chain = Receipt chain
admin-chain-intact = intact: { $count } receipts, { $first } … { $last }
admin-chain-none = no chained receipts yet
admin-chain-broken = BROKEN at { $receipt } ({ $kind })
admin-access-pending = waiting for enrollment
admin-access-active = active
admin-access-revoked = revoked
admin-node-enrolled-name = Name it gave itself
admin-node-enrolled-at = Enrolled
admin-node-lag = { $count ->
    [one] { $count } change behind
   *[other] { $count } changes behind
}
admin-sessions-title = Recent sync sessions
admin-sessions-none = No sync sessions yet.
admin-session-started = Started
admin-session-ended = Ended
admin-session-open = still connected
admin-session-frames = Messages in / out
admin-session-bytes = Data in / out
admin-session-docs = Documents in / out
admin-session-close = Close code
admin-session-error = Error

## Storage and database

admin-health-title = Storage and database
admin-health-database = Database
admin-health-reachable = Answering
admin-health-migrations = Schema
admin-health-migrations-ok = up to date
admin-health-migrations-missing = migrations have not run
admin-health-backend = Kind
admin-health-backend-postgres = PostgreSQL, shared by every hub instance
admin-health-backend-sqlite = Embedded SQLite file
admin-health-size = Size on disk
admin-health-clinics = Clinics
admin-health-nodes = Workstations
admin-health-docs = Documents
admin-health-doc-bytes = Document data
admin-health-sessions = Sync sessions recorded
admin-health-admins = Hub admins
admin-health-storage = Photo storage
admin-health-blob-dir = Location
admin-health-writable = Writable

## Jobs

admin-nav-jobs = Jobs
admin-jobs-title = Background jobs
admin-jobs-open = Waiting, running and failed
admin-jobs-done = Recently done
admin-jobs-none = None.
admin-job-state-pending = waiting
admin-job-state-running = running
admin-job-state-failed = failed, will retry
admin-job-state-dead = failed for good
admin-job-state-done = done
admin-job-col-id = Job
admin-job-col-kind = Kind
admin-job-col-state = State
admin-job-col-attempts = Attempts
admin-job-col-when = When
admin-job-col-error = Last error
admin-job-kind-thumbnail = Photo thumbnails
admin-job-kind-webhook = Webhook delivery
admin-job-attempts = { $count } of { $max }
admin-job-next = next try { $when }
admin-job-heartbeat = alive at { $when }
admin-job-retry = Retry
admin-job-unknown = No such job.
admin-job-not-retryable = Only failed jobs can be retried; this one is waiting, running or done.

## How each workstation reaches the hub (what it reported on its last connection).
admin-node-link = Link to the hub
admin-link-tls = Encrypted (TLS)
admin-link-loopback-http = Plain http on the hub's own machine
admin-link-insecure-http = Not encrypted: plain http across the network
admin-link-unknown = Not reported (an older app version)
admin-insecure-badge = insecure link

# An admin limited to clinics asked for a page about the whole hub (health, jobs).
admin-forbidden-title = Not for this account
admin-forbidden-hub-wide = This page covers the whole hub; your account is limited to some clinics.

# Single sign-on through the OpenID Provider (the sign-in page).
admin-login-sso = Sign in with single sign-on
admin-login-sso-failed = Single sign-on did not complete. Try again.
admin-login-sso-unknown = No hub admin account matches this identity. Ask a hub admin to add you.
admin-login-sso-unavailable = The sign-on provider cannot be reached. Try again later, or sign in with your password.
admin-login-sso-continue = Continue to the hub

# /admin/audit
admin-nav-audit = Audit
admin-audit-title = Audit trail
admin-audit-intro = Who did what at the clinics’ workstations: chart views, edits, signatures, exports, sign-ins and failed sign-ins. Entries hold ids, never clinical content, and cannot be changed.
admin-audit-none = No entries match.
admin-audit-col-when = When
admin-audit-col-node = Workstation
admin-audit-col-user = User
admin-audit-col-action = Action
admin-audit-col-target = What
admin-audit-filter-clinic = Clinic
admin-audit-all-clinics = All clinics
admin-audit-filter-user = User
admin-audit-filter-patient = Patient id
admin-audit-filter-from = From
admin-audit-filter-to = To
admin-audit-filter-submit = Show
admin-audit-older = Older entries
admin-audit-bad-filter = not valid (dates are YYYY-MM-DD, ids are UUIDs)
admin-audit-patient-trail = patient’s trail
admin-audit-action-view = Viewed
admin-audit-action-create = Created
admin-audit-action-update = Changed
admin-audit-action-sign = Signed
admin-audit-action-addendum = Addendum
admin-audit-action-print = Printed
admin-audit-action-export = Exported
admin-audit-action-erase = Erased
admin-audit-action-sign-in = Signed in
admin-audit-action-sign-in-failed = Failed sign-in
admin-audit-action-backup = Backed up
admin-audit-action-override-allergy = Prescribed despite an allergy
admin-audit-action-merge = Merged
