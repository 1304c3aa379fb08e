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
