### Field labels. Validation messages receive them, already translated, as $field.

## Patient

field-first-name = First name
field-last-name = Last name
field-middle-name = Middle name
field-birth-date = Date of birth
field-sex = Sex
field-phone = Phone
field-email = Email
field-address = Address
# Medical record number: the clinic's own patient number.
field-mrn = Medical record number
field-allergies = Allergies
field-medical-history = Medical history
field-notes = Notes

## Encounter (SOAP note)

field-date = Date
field-clinician = Clinician
field-complaint = Chief complaint
field-subjective = Subjective
field-objective = Objective
field-assessment = Assessment
field-plan = Plan
field-diagnosis = Diagnosis

## Products, stock and sales

field-sku = SKU
field-name = Name
field-category = Category
field-price = Price
field-currency = Currency
field-barcode = Barcode
field-active = Active
# Stock level at which the product should be reordered.
field-reorder-level = Reorder level
field-tax-class = Tax class
field-quantity = Quantity
field-reason = Reason
# A line of a sale or a cart.
field-item = Item
field-payment = Payment
field-discount = Discount

## Users and settings

field-username = Username
field-password = Password
field-role = Role
field-display-name = Display name
field-clinic-name = Clinic name
# The name of this workstation (node).
field-node-name = Workstation name
field-locale = Language

## Appointments and photos

field-start = Start
field-end = End
field-body-part = Body part
field-tags = Tags
field-file = File

# Prescriptions
field-drug = Drug
field-dose = Dose
field-refills = Refills
