### The desktop app: screens, buttons, notices. Field labels are in fields.ftl and
### validation errors in errors.ftl; ids here start with `gui-`.

gui-opening = Opening this workstation's records…
gui-open-failed = The records of this workstation could not be opened.

## Common actions

gui-save = Save
gui-saved = Saved.
gui-cancel = Cancel
gui-back = Back
gui-remove = Remove
gui-refresh = Refresh
gui-none = None
gui-logout = Sign out
gui-lock = Lock
gui-lock-hint = Lock the screen now; your work stays open behind it.
gui-lock-title = Screen locked
gui-lock-intro = Signed in as { $name }. Enter your password to go on where you left off.
gui-lock-refused = Wrong password.
gui-lock-unlock = Unlock
gui-lock-switch-hint = Someone else? Sign in as another user; unsaved changes on this screen are discarded.
gui-lock-switch = Switch user
# Shown next to a date field; $example is a date written the language's way, $iso the same date as YYYY-MM-DD.
gui-date-hint = Type a date as { $example } or { $iso }, or choose it from the calendar.
gui-date-calendar = Choose from the calendar
gui-date-previous-year = Previous year
gui-date-previous-month = Previous month
gui-date-next-month = Next month
gui-date-next-year = Next year
gui-date-year = Year
gui-date-today = Today
# Month names as a calendar's title shows them, before the year.
gui-month-1 = January
gui-month-2 = February
gui-month-3 = March
gui-month-4 = April
gui-month-5 = May
gui-month-6 = June
gui-month-7 = July
gui-month-8 = August
gui-month-9 = September
gui-month-10 = October
gui-month-11 = November
gui-month-12 = December
# Short weekday names heading a calendar's columns; 1 is Monday.
gui-weekday-1 = Mo
gui-weekday-2 = Tu
gui-weekday-3 = We
gui-weekday-4 = Th
gui-weekday-5 = Fr
gui-weekday-6 = Sa
gui-weekday-7 = Su
# $mb is a whole number of megabytes.
gui-size-mb = { $mb } MB

## How long ago something happened. $count is a number.

gui-age-now = less than a minute
gui-age-minutes =
    { $count ->
        [one] { $count } minute
       *[other] { $count } minutes
    }
gui-age-hours =
    { $count ->
        [one] { $count } hour
       *[other] { $count } hours
    }
gui-age-days =
    { $count ->
        [one] { $count } day
       *[other] { $count } days
    }

## Navigation

gui-nav-dashboard = Dashboard
gui-nav-patients = Patients
gui-nav-pos = Point of sale
gui-nav-products = Products and stock
gui-nav-sync = Sync
gui-nav-conflicts = Conflicts
gui-nav-settings = Settings

## Login and first run

gui-login-title = Sign in
gui-login-submit = Sign in
gui-login-refused = Wrong username or password.
gui-login-locked = Too many failed sign-ins for this user. Try again in { $count ->
    [one] { $count } minute
   *[other] { $count } minutes
}.
gui-login-offline = Signing in works without a connection: staff accounts are kept on this workstation.
gui-setup-title = Welcome to Dermis
gui-setup-intro = This workstation has no records yet. Create your clinic to start.
gui-setup-new-clinic = Start a new clinic
gui-setup-admin = First administrator
gui-setup-confirm = Repeat the password
gui-setup-mismatch = The two passwords differ.
gui-setup-create = Create the clinic
gui-setup-join = Join a clinic that already uses Dermis
gui-setup-join-later = Connecting this workstation to your clinic's hub will be possible here in a later version. For now, start a new clinic; it can join a hub later.

## Dashboard

gui-dashboard-title = Today
gui-dashboard-today = Today's appointments
gui-dashboard-no-appointments = No appointments today.
gui-dashboard-recent = Recent patients
gui-dashboard-open-sync = Open the sync panel
gui-dashboard-attention = Needs attention
gui-dashboard-all-clear = Nothing needs attention.
gui-dashboard-drafts = { $count ->
    [one] { $count } visit not signed
   *[other] { $count } visits not signed
}
gui-dashboard-conflicts =
    { $count ->
        [one] { $count } conflicting change to settle
       *[other] { $count } conflicting changes to settle
    }
gui-dashboard-low-stock =
    { $count ->
        [one] { $count } product is low on stock
       *[other] { $count } products are low on stock
    }

## Appointment status

gui-appointment-scheduled = Scheduled
gui-appointment-canceled = Canceled
gui-appointment-completed = Completed
gui-appointment-no-show = Did not come

## Patients

gui-patients-search = Search patients
gui-patients-search-hint = Name, phone, email or record number
gui-patients-recent = Recently updated patients
gui-patients-none = No patients found.
gui-patients-new = New patient
gui-patients-edit = Edit patient
gui-patients-mrn-hint = Leave the record number empty to have one assigned.
gui-patients-name = Name
gui-patients-last-visit = Last visit
gui-patient-details = Details
gui-allergies-none-known = No known allergies
gui-allergies-not-recorded = Allergies not recorded
gui-patient-record-nka = Patient has no known allergies
gui-patient-record-nka-hint = Record that the patient was asked and knows of no allergy.
gui-allergy-error = Entered in error
gui-allergy-error-hint = Mark this allergy as entered in error (it stays in the record, struck through).
gui-allergy-error-reason = Why it was entered in error
gui-allergy-error-confirm = Mark as entered in error
gui-allergy-errors = Entered in error
gui-banner-age = { $count ->
    [one] { $count } year
   *[other] { $count } years
}
gui-banner-mrn = Record { $mrn }
gui-encounter-sign-title = Sign this visit?
gui-encounter-sign-explain = A signed visit cannot be changed: corrections are added as addenda.
gui-encounter-sign-no-diagnoses = No diagnosis recorded.
gui-encounter-sign-confirm = Sign the visit
gui-unsaved-title = Leave without saving?
gui-unsaved-explain = This visit has changes that are not saved. If you leave, they are lost.
gui-unsaved-discard = Discard the changes
gui-unsaved-stay = Keep editing
gui-draft-restored = Unsaved changes to this visit were kept and are back.
gui-patient-add-allergy = Add allergy
gui-patient-visits = Visits
gui-patient-no-visits = No visits yet.

## Allergy severity

gui-severity-mild = Mild
gui-severity-moderate = Moderate
gui-severity-severe = Severe
gui-severity-unknown = Severity unknown

## Visits (encounters)

gui-encounter-title = Visit
# $patient is the patient's full name.
gui-encounter-heading = Visit: { $patient }
gui-encounter-new = New visit
gui-encounter-diagnoses = Diagnoses (ICD-10-CM)
gui-encounter-find-diagnosis = Find a diagnosis
gui-encounter-find-diagnosis-hint = Code or words, e.g. L40 or psoriasis
gui-encounter-sign = Sign
gui-encounter-save-first = Save the visit before signing it.
# $who is a clinician's name, $when a date and time.
gui-encounter-signed-by = Signed by { $who } on { $when }.
gui-encounter-read-only = A signed visit cannot be changed. Add an addendum to correct it.
gui-encounter-addenda = Addenda
gui-encounter-addendum = Addendum
gui-encounter-add-addendum = Add addendum

## Photos

gui-photos-title = Photos
# $patient is the patient's full name.
gui-photos-heading = Photos: { $patient }
gui-photos-no-patient = Open a patient to see their photos.
gui-photos-import = Add a photo
gui-photos-drop-hint = Drop JPEG, PNG or WebP photos on this window, or choose them.
gui-photos-tags-hint = Separate tags with commas.
gui-photos-gallery = Gallery
gui-photos-none = No photos yet.
gui-photos-view = View
gui-photos-local = Kept on this workstation; not yet processed by the hub.
gui-photos-processed = Processed by the hub.
gui-photos-original-missing = The original is not on this workstation.
gui-photos-upload-local = Not yet sent to the hub.
gui-photos-upload-uploading = Uploading to the hub: { $percent }%
gui-photos-upload-uploaded = Safely on the hub.
gui-photos-upload-failed = The hub refused this photo: { $reason }
gui-photos-upload-elsewhere = Taken on another workstation.
gui-photos-thumb-pending = Waiting for the hub to process it.
gui-photos-thumb-error = The hub could not process this photo: { $reason }

## Point of sale

gui-pos-scan = Scan
gui-pos-scan-hint = Scan or type a barcode or SKU, then press Enter
gui-pos-search = Find a product
gui-pos-search-label = Product
gui-pos-search-hint = Name or SKU
# $count is the number of units in stock (may be negative).
gui-pos-on-hand = In stock: { $count }
gui-pos-add = Add
gui-pos-empty = The cart is empty.
gui-pos-payment = Payment
gui-pos-subtotal = Subtotal
gui-pos-tax = Of which tax
gui-pos-tax-included = Tax included
gui-pos-total = Total
gui-pos-paid = Paid
gui-pos-change = Change due
gui-pos-col-product = Product
gui-pos-col-total = Line total
gui-pos-less = One less
gui-pos-more = One more
gui-pos-out-of-stock = Out of stock: { $count } on the shelf
gui-pos-low-stock = Low stock: { $count } on the shelf
gui-pos-exact-cash = Exact cash
gui-pos-rest-card = Rest by card
gui-pos-due = Amount due
gui-pos-complete = Complete sale
gui-pos-clear = Clear
# $number is the receipt number, e.g. N1-000123.
gui-pos-receipt = Receipt { $number }
gui-pos-new-sale = New sale

## Products and stock

gui-products-new = New product
gui-products-edit = Edit product
gui-products-filter = Filter
gui-products-pick = Choose a product in the list.
gui-products-low-stock = Low stock
gui-products-no-low-stock = Every product is above its reorder level.
# $name is a product name, $count the units on hand, $level the reorder level.
gui-products-low-line = { $name }: { $count } left (reorder at { $level })
# $name is a product name, $count the units on hand.
gui-products-stock-of = Stock of { $name }: { $count }
gui-products-movement = Movement
gui-products-adjust-hint = For an adjustment, a negative number removes stock.
gui-products-record = Record
# $sku is a product code.
gui-products-history = Movements of { $sku }

## Tax classes

gui-tax-standard = Standard rate
gui-tax-reduced = Reduced rate
gui-tax-zero = Zero rate

## Sync

gui-sync-status = Status
gui-sync-online = Online
gui-sync-offline = Offline
gui-sync-stale = No word from sync
gui-sync-no-hub = Not connected to a hub
gui-sync-all-sent = Every change has reached the hub.
gui-sync-photos-pending =
    { $count ->
        [one] { $count } photo not yet on the hub ({ $mb } MB)
       *[other] { $count } photos not yet on the hub ({ $mb } MB)
    }
gui-sync-refused =
    { $count ->
        [one] The hub refused the changes to { $count } record; they are kept here. Reason:
       *[other] The hub refused the changes to { $count } records; they are kept here. Reasons:
    }
gui-sync-photos-failed =
    { $count ->
        [one] { $count } photo was refused by the hub; its reason is on the patient's photos.
       *[other] { $count } photos were refused by the hub; the reasons are on the patients' photos.
    }
# $age is a duration such as "5 minutes".
gui-sync-oldest = The oldest has been waiting for { $age }.
# $when is a date and time.
gui-sync-last = Last sync: { $when }
gui-sync-never = Never synced.
gui-sync-hub = Hub
gui-sync-last-error = Last error
gui-sync-records = Recent records
gui-sync-on-hub = On the hub
gui-sync-waiting = Not yet on the hub

## Kinds of records

gui-doc-clinic = Clinic
gui-doc-patient = Patient
gui-doc-product = Product
gui-doc-ledger = Sales and stock
gui-doc-appointment = Appointment

## Conflicts

gui-conflicts-intro = These fields were changed on two workstations at the same time. Choose the value to keep; your choice reaches every workstation.
gui-conflicts-none = No conflicts.
gui-conflicts-keep = Keep this
gui-conflicts-shown-now = Shown now
gui-conflicts-empty-value = (empty)
gui-conflicts-resolved = Conflict settled.

## Settings

gui-settings-appearance = Language and appearance
gui-settings-language = Language
gui-settings-theme = Theme
gui-settings-light = Light
gui-settings-dark = Dark
gui-settings-workstation = This workstation
gui-settings-users = Staff
gui-settings-active = Active
gui-settings-new-password = New password
gui-settings-reset = Reset password
gui-settings-add-user = Add staff member

## Labels of fields that fields.ftl does not name

gui-field-substance = Substance
gui-field-reaction = Reaction
gui-field-severity = Severity
gui-field-addendum = Addendum
gui-field-encounter = Visit
gui-field-patient = Patient
gui-field-photo = Photo
gui-field-product = Product
gui-field-receipt = Receipt
gui-field-user = Staff member
gui-field-conflict = Conflict
gui-field-allergy = Allergy
gui-field-total = Total
gui-field-other = This field

## Errors

# $action is what the role may not do, e.g. "see clinical notes".
gui-error-denied = Your role does not allow you to { $action }.
gui-error-unreadable = The file could not be read. Check the path.
gui-error-storage = The records could not be read or written. Try again; if it keeps happening, contact your administrator.
gui-error-disk-full = The disk is full: nothing was saved. Free some space and try again.
gui-error-busy = The records are busy in another program. Try again in a moment.
gui-error-photo-unavailable = This photo is not on this workstation and the hub cannot send it now. Try again when the hub is reachable.

## What a role may do (completes gui-error-denied)

gui-permission-view-patients = see patients
gui-permission-edit-patients = change patient details
gui-permission-view-clinical = see clinical notes
gui-permission-edit-clinical = change clinical notes
gui-permission-sign-encounter = sign visits
gui-permission-sell = sell
gui-permission-void-sale = void sales
gui-permission-manage-stock = manage stock
gui-permission-manage-products = manage products
gui-permission-manage-appointments = manage appointments
gui-permission-manage-users = manage staff
gui-permission-manage-settings = change clinic settings

## Table headers
gui-col-time = Time
gui-col-patient = Patient
gui-col-status = Status
gui-col-visit = Visit
gui-col-kind = Kind
gui-col-record = Record
gui-col-changed = Changed
gui-col-stock = In stock
gui-col-change = Change
gui-col-by = By
gui-col-diagnoses = Diagnoses

## The till's buyer and a patient's purchases
gui-pos-buyer = Customer (patient)
gui-pos-buyer-hint = Name or record number, optional
gui-pos-buyer-remove = Detach
gui-pos-buyer-remove-hint = Sell without linking this sale to the patient
gui-patient-purchases = Purchases
gui-patient-no-purchases = No purchases at the till.
gui-col-receipt = Receipt
gui-col-amount = Amount
gui-purchase-sale = Sale
gui-purchase-refund = Refund
gui-purchase-void = Void
gui-purchase-voided = Sale, voided

## Prescribing and printing on a visit
gui-rx-title = Prescriptions
gui-rx-none = No prescriptions on this visit.
gui-rx-instructions = Instructions
gui-rx-quantity-refills = Quantity / refills
gui-rx-prescriber = Prescriber
gui-rx-overridden = Prescribed despite the allergy to { $allergy }: { $reason }
gui-rx-new = New prescription
gui-rx-allergy-title = Allergy warning
gui-rx-allergy-substance = Allergic to { $allergy }: { $drug } contains { $substance }.
gui-rx-allergy-class = Allergic to { $allergy }: { $drug } contains { $substance }, one of the { $class }.
gui-rx-allergy-answer = Change the drug, or give the reason to prescribe it anyway (it is recorded and audited).
gui-rx-override-reason = Reason to prescribe anyway
gui-rx-prescribe = Add prescription
gui-rx-prescribe-anyway = Prescribe despite the allergy
gui-rx-answer-first = Type a drug, and answer the allergy warning if there is one
gui-rx-print = Print prescription
gui-visit-print-summary = Print visit summary
gui-printed = Saved and opened for printing: { $path }
gui-printed-not-opened = Saved as { $path } (no viewer could open it)
gui-encounter-sign-prescriptions = Prescriptions

## Conflicts: who wrote each value, where and when
gui-conflicts-origin-here = { $who } · this workstation ({ $name }) · { $when }
gui-conflicts-origin = { $who } · workstation { $name } · { $when }
gui-conflicts-by-former-user = a former user
gui-conflicts-by-operator = the workstation's operator
gui-conflicts-by-hub = the hub
gui-conflicts-by-unknown = unknown author

## Keyboard
gui-save-shortcut = Save (Ctrl+S)
## Cash-drawer shifts and clinic details (shifts)

gui-nav-shift = Shift
gui-shift-title = Cash drawer shift
gui-shift-none = No shift is open on this workstation.
gui-shift-float = Opening float
gui-shift-float-hint = The cash counted into the drawer before the first sale.
gui-shift-open = Open shift
# $when is a time, $who the cashier who opened the shift.
gui-shift-open-since = Shift open since { $when } by { $who }
# $when is a date and time, $who the cashier who closed the shift.
gui-shift-closed-at = Closed on { $when } by { $who }
gui-shift-pos-none = No shift open
gui-shift-pos-open-one = Open one
gui-shift-pay-in = Pay in
gui-shift-pay-out = Pay out
gui-shift-pay-in-explain = Cash put into the drawer, such as change from the bank.
gui-shift-pay-out-explain = Cash taken out of the drawer, such as a small purchase or a bank deposit.
gui-shift-record = Record
gui-shift-print-x = Print X report
gui-shift-close = Close shift
gui-shift-close-title = Close the shift
gui-shift-count-total = One amount
gui-shift-count-denominations = By note and coin
gui-shift-counted = Counted cash
gui-shift-denomination = Note or coin
gui-shift-note = note
gui-shift-coin = coin
gui-shift-count = Count
# $value is a note or coin, e.g. €50.00.
gui-shift-count-of = Count of { $value }
gui-shift-col-amount = Amount
gui-shift-expected = Expected cash
gui-shift-difference = Difference
gui-shift-over = Over: more cash than expected
gui-shift-short = Short: less cash than expected
gui-shift-balanced = Balanced
gui-shift-continue = Continue
gui-shift-confirm = Closing the shift cannot be undone: its Z report becomes final and new sales need a new shift.
gui-shift-confirm-close = Close the shift for good
gui-shift-x-report = X report (the shift so far)
gui-shift-z-report = Z report
gui-shift-opened = Opened
gui-shift-closed = Closed
gui-shift-col-cashier = Cashier
gui-shift-cash = Cash in the drawer
gui-shift-cash-sales = Cash sales, net of change
gui-shift-cash-refunds = Cash refunds
gui-shift-pay-ins = Pay-ins
gui-shift-pay-outs = Pay-outs
gui-shift-receipts = Receipts
# $first and $last are receipt numbers, e.g. N1-000001.
gui-shift-receipt-range = { $first } to { $last }
gui-shift-no-receipts = No receipts yet
gui-shift-sales-count = Sales
gui-shift-refunds-count = Refunds
gui-shift-voids-count = Voided sales
gui-shift-net-total = Net takings
gui-shift-by-method = By payment method
gui-shift-col-method = Method
gui-shift-col-sales = Taken
gui-shift-col-refunds = Returned
gui-shift-col-net = Net
gui-shift-by-rate = Tax by rate
gui-shift-col-rate = Rate
gui-shift-col-gross = Sales incl. tax
gui-shift-col-tax = Tax
gui-shift-moves = Pay-ins and pay-outs
gui-shift-no-moves = None in this shift.
gui-shift-past = Past shifts
gui-shift-past-none = No shift has been closed on this workstation yet.
gui-shift-view = View report
gui-shift-print = Print
# $path is the PDF file written.
gui-shift-printed = Sent to the PDF viewer: { $path }
# $path is the PDF file written.
gui-shift-print-not-opened = No PDF viewer could be started. The report is saved as { $path }
gui-field-float = Opening float
gui-field-counted = Counted cash
gui-field-amount = Amount
gui-field-shift = Shift
gui-field-legal-name = Legal name
gui-field-tax-id = Tax ID
gui-field-tax-rate = Tax rate
gui-clinic-title = Clinic details
gui-clinic-explain = Printed on every receipt and shift report.
gui-clinic-tax-rates = Tax rates
gui-clinic-rate-percent = Rate, %
# $name is a tax class, e.g. Standard rate.
gui-clinic-rate-of = Rate of { $name }, %
gui-clinic-new-class = New tax class
gui-clinic-new-rate = Rate of the new tax class, %
gui-clinic-prices-include-tax = Prices include tax
gui-clinic-included-hint = Customers pay the price shown; the tax is the part of it the clinic owes.
gui-clinic-added-hint = The till adds tax on top of the prices shown.
gui-clinic-save = Save clinic details
gui-clinic-first-run = The clinic's legal name, address and tax ID are not set yet: receipts print without them.
gui-clinic-set-up = Set up the clinic
gui-clinic-later = Later
# The difference of a past shift in its table, in a word.
gui-shift-over-word = Over
gui-shift-short-word = Short
## Appointment book (calendar)
gui-nav-appointments = Appointments
gui-appointment-checked-in = Checked in
gui-book-day = Day
gui-book-week = Week
gui-book-all-clinicians = All clinicians
gui-book-previous = Previous
gui-book-today = Today
gui-book-next = Next
gui-book-new = New appointment
gui-book-go-to = Go to date
gui-book-open = Open the appointment book
gui-book-unassigned = No clinician
gui-book-unlinked-short = not linked
gui-book-cancelled =
    { $count ->
        [one] { $count } cancelled appointment
       *[other] { $count } cancelled appointments
    }
gui-book-title-new = Book an appointment
gui-book-title-move = Move the appointment
gui-book-find-patient = Find patient (name or record number)
gui-book-change-patient = Change
gui-book-clinician-none = (none yet)
gui-book-date = Day
gui-book-start = Start time
gui-book-length = Length
gui-book-minutes-value = { $count } min
gui-book-reason = Reason for visit
gui-book-save = Book
gui-book-save-move = Move
gui-book-choose-patient = Choose a patient from the list.
gui-book-bad-date = Give the day as a date, e.g. 31.12.2026.
gui-book-bad-time = Give the start time as hours and minutes, e.g. 9:30.
gui-book-cancel-title = Cancel this appointment?
gui-book-cancel-explain = { $who }, { $when }, will be marked as cancelled. It stays in the book with the reason.
gui-book-cancel-reason = Reason for cancelling
gui-book-cancel-confirm = Cancel the appointment
gui-book-keep = Keep it
gui-book-close = Close
gui-book-source = Booked through
gui-book-open-chart = Open chart
gui-book-start-visit = Start visit
gui-book-check-in = Check in
gui-book-no-show = Mark as no-show
gui-book-move = Move…
gui-book-cancel = Cancel…
gui-book-invitee = Who booked online
gui-book-unlinked = Not linked to a patient record yet.
gui-book-invitee-name = Name
gui-book-matches = Patients with this email or phone
gui-book-no-matches = No patient has this email or phone.
gui-book-match-email = same email
gui-book-match-phone = same phone
gui-book-link = Link
gui-book-search-other = Search another patient
gui-book-register = Register new patient
gui-book-calendar-of = Calendar of
gui-book-overlap = { $who } already sees { $name } at { $when }.
# Photos: body map, file browser, visit link, comparison over time
gui-photos-map-title = Body map
gui-photos-map-front = Front
gui-photos-map-back = Back
gui-photos-map-region-front = { $name }, front
gui-photos-map-region-back = { $name }, back
gui-photos-part-chosen = Chosen: { $name }
gui-photos-part-none = Click a body region or choose one from the list.
gui-photos-part-needed = Choose the body part first.
gui-photos-visit = Visit
gui-photos-no-visit = Not linked to a visit
gui-photos-visit-of = Visit of { $when }
gui-photos-gallery-of = Photos of this region: { $name }
gui-photos-show-all = Show all body parts
gui-photos-compare = Compare over time
gui-photos-choose = Choose files…
gui-photos-drop-now = Release to add these files.
gui-photos-files-chosen = { $count ->
    [one] One file ready to add:
   *[other] { $count } files ready to add:
}
gui-photos-remove-file = Remove from the list
gui-photos-remove-named = Remove { $name }
gui-photos-add-files = { $count ->
    [one] Add photo
   *[other] Add { $count } photos
}
gui-photos-added-count = { $count ->
    [one] Photo added.
   *[other] { $count } photos added.
}
gui-photos-not-imported = { $name } was not added: { $reason }
gui-picker-title = Choose photos
gui-picker-home = Home folder
gui-picker-pictures = Pictures
gui-picker-up = Up one folder
gui-picker-folder = Folder
gui-picker-confirm = { $count ->
    [one] Use this file
   *[other] Use these { $count } files
}
gui-picker-unreadable = This folder cannot be read.
gui-picker-empty = No folders or pictures here.
gui-picker-truncated = This folder holds too many files: only the first ones are listed.
gui-compare-heading = Over time: { $name }
gui-compare-close = Back to the gallery
gui-compare-keys = The left and right arrow keys step through the later photo; with Shift, the earlier one.
gui-compare-earlier = Earlier photo
gui-compare-later = Later photo
gui-compare-step-earlier = { $name }: one step earlier
gui-compare-step-later = { $name }: one step later
gui-compare-position = { $number } of { $count }
gui-compare-series-item = Photo { $number } of { $count }

## The till: tax added on top of prices that exclude it
gui-pos-tax-added = Tax added
