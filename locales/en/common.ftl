### Shared vocabulary: the app's name, enumerations the domain stores as codes,
### body parts and counts. Ids are `<prefix>-<code>` with `_` written as `-`.

app-name = Dermis

## Staff roles

role-admin = Administrator
role-doctor = Doctor
role-nurse = Nurse
role-reception = Receptionist
role-cashier = Cashier

## Patient sex

sex-female = Female
sex-male = Male
sex-other = Other
sex-unknown = Unknown

## Payment methods

pay-cash = Cash
pay-card = Card
pay-other = Other

## Stock movements

stock-in = Stock in
stock-out = Stock out
stock-adjust = Adjustment

## Encounter status

status-draft = Draft
status-signed = Signed

## Body parts (where a lesion or a photo is)

body-scalp = Scalp
body-forehead = Forehead
body-face = Face
body-nose = Nose
body-ear = Ear
body-lip = Lip
body-neck = Neck
body-chest = Chest
body-abdomen = Abdomen
body-upper-back = Upper back
body-lower-back = Lower back
body-buttocks = Buttocks
body-genitals = Genitals
body-shoulder = Shoulder
body-upper-arm = Upper arm
body-elbow = Elbow
body-forearm = Forearm
body-wrist = Wrist
body-hand = Hand
body-finger = Finger
body-nail = Nail
body-hip = Hip
body-thigh = Thigh
body-knee = Knee
body-lower-leg = Lower leg
body-ankle = Ankle
body-foot = Foot
body-toe = Toe
body-mucosa = Mucosa
body-other = Other

## Counts. $count is a number; each language uses its own plural categories.

patients-count =
    { $count ->
        [one] { $count } patient
       *[other] { $count } patients
    }
items-count =
    { $count ->
        [one] { $count } item
       *[other] { $count } items
    }
# Shown in the sync status: local changes the hub has not confirmed yet.
changes-pending =
    { $count ->
        [one] { $count } change not yet on the hub
       *[other] { $count } changes not yet on the hub
    }

## Printed clinical documents (document pdf)
doc-phone = Phone
doc-tax-id = Tax id
doc-prescription-title = Prescription
doc-summary-title = Visit summary
doc-patient = Patient
doc-dose = Dose
doc-instructions = Instructions
doc-refills = Refills
doc-prescriptions = Prescriptions
doc-signature = Signature

## Receipts (receipt print): labels in the clinic's language
rcpt-tax-id = Tax ID: { $id }
rcpt-phone = Tel: { $phone }
rcpt-sale = SALE
rcpt-refund-of = REFUND of { $receipt }
rcpt-void-of = VOID of { $receipt }
rcpt-number = Receipt { $receipt }
rcpt-cashier = Cashier: { $name }
rcpt-discount = Discount
rcpt-subtotal = Subtotal
rcpt-discounts = Discounts
rcpt-total = TOTAL
rcpt-total-refunded = TOTAL REFUNDED
rcpt-total-voided = TOTAL VOIDED
rcpt-tax-of = Tax { $rate } of { $amount }
rcpt-paid-cash = Cash
rcpt-paid-card = Card
rcpt-paid-other = Other
rcpt-returned-cash = Cash returned
rcpt-returned-card = Card returned
rcpt-returned-other = Other returned
rcpt-change = Change
rcpt-change-back = Change taken back
