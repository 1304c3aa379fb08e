### The hub's admin pages for webhook deliveries, negative stock and open conflicts.
### Messages take only $count (a number): names, times and codes are placed next to
### them by the page.

admin-nav-webhooks = Webhook deliveries
admin-nav-stock = Negative stock
admin-nav-conflicts = Open conflicts
admin-col-clinic = Clinic
admin-col-updated = Updated
admin-doc-type-clinic = Clinic settings
admin-doc-type-patient = Patient record
admin-doc-type-product = Product
admin-doc-type-ledger = Sales and stock ledger
admin-doc-type-appointment = Appointment

## Webhook deliveries

admin-webhooks-title = Webhook deliveries
admin-webhooks-intro = The latest events sent to the clinic's other systems. A failed delivery is retried with growing pauses for 24 hours.
admin-webhooks-none = Nothing sent yet. Add a webhook with: dermis-hub webhook add --url … --events …
admin-webhooks-col-event = Event
admin-webhooks-col-url = Sent to
admin-webhooks-col-state = State
admin-webhooks-col-attempts = Attempts
admin-webhooks-col-answer = Last answer
admin-webhook-state-pending = Waiting to be sent
admin-webhook-state-failed = Failed, will retry
admin-webhook-state-delivered = Delivered
admin-webhook-state-dead = Gave up
admin-webhooks-next = next try
admin-webhooks-no-answer = no answer

## Negative stock

admin-stock-title = Negative stock
admin-stock-intro = Products sold or moved beyond what was in stock, usually by workstations selling offline at the same time. Count the shelf and record a stock movement on a workstation.
admin-stock-none = No product is below zero.
admin-col-sku = SKU
admin-col-on-hand = On hand

## Open conflicts

admin-conflicts-title = Open conflicts
admin-conflicts-intro = Fields that two workstations changed at the same time. Both values are kept; someone chooses one on a workstation.
admin-conflicts-none = No record has conflicting values.
admin-col-document = Record
admin-col-fields = Fields

## Staff and role changes

admin-nav-staff = Staff changes
admin-staff-title = Staff and role changes
admin-staff-intro = Every change to a clinic's staff users and roles: who made it, when (by the workstation's clock) and on which workstation. Only an active admin of the clinic may make one; the hub refuses any other.
admin-staff-none = No staff changes recorded yet.
admin-staff-col-when = When
admin-staff-col-by = Changed by
admin-staff-col-node = Workstation
admin-staff-col-user = Staff user
admin-staff-col-change = Change
admin-staff-when-unknown = not recorded
admin-staff-by-operator = the workstation's operator (before the clinic had an admin)
admin-staff-by-hub = the hub
admin-staff-by-unknown = unknown (no record of who)
admin-staff-by-unknown-user = a user the clinic does not have
admin-staff-node-none = —
admin-staff-node-unknown = unknown workstation
# $role is a role name (admin-staff-role-*).
admin-staff-what-added = added as { $role }
admin-staff-what-role = role set to { $role }
admin-staff-what-deactivated = deactivated
admin-staff-what-reactivated = reactivated
admin-staff-what-password = password changed
admin-staff-what-username = login name changed
admin-staff-what-display-name = display name changed
admin-staff-what-removed = removed
admin-staff-what-roles = role definitions changed
admin-staff-role-admin = Admin
admin-staff-role-doctor = Doctor
admin-staff-role-nurse = Nurse
admin-staff-role-reception = Reception
admin-staff-role-cashier = Cashier
