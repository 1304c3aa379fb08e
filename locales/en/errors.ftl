### Validation errors, one per stable error code (`error-<code>`).
### Every message takes $field: the label of the field, already translated.
### Limits: $max in error-too-long and $min in error-invalid-quantity and
### error-weak-password are numbers; $max in error-file-too-large is the size limit
### already formatted with its unit by the caller (e.g. "20 MB").

error-required = { $field } is required.
error-too-long =
    { $field } must be at most { $max } { $max ->
        [one] character
       *[other] characters
    }.
error-invalid-chars = { $field } contains characters that are not allowed.
error-invalid-date = { $field } is not a valid date.
error-date-in-future = { $field } cannot be in the future.
error-date-too-old = { $field } is too far in the past.
error-invalid-email = { $field } is not a valid email address.
error-invalid-phone = { $field } is not a valid phone number.
error-invalid-sex = { $field }: choose one of the listed values.
error-invalid-amount = { $field } is not a valid amount.
error-invalid-currency = { $field } is not a known currency code.
error-currency-mismatch = { $field } is in a different currency from the rest of the sale.
error-negative-amount = { $field } cannot be negative.
error-invalid-sku = { $field } is not a valid SKU.
error-duplicate-sku = { $field }: another product already uses this value.
error-unknown-sku = { $field }: no product has this SKU.
error-inactive-product = { $field }: this product is no longer sold.
error-invalid-quantity = { $field } must be at least { $min }.
error-invalid-icd10 = { $field } is not a valid ICD-10 code.
error-unknown-patient = { $field }: patient not found.
error-unknown-encounter = { $field }: visit not found.
error-encounter-signed = { $field } cannot be changed: the visit is signed. Add an addendum instead.
error-insufficient-payment = { $field } does not cover the total.
error-change-without-cash = { $field }: change can only be given for cash payments.
error-invalid-payment-method = { $field } is not a valid payment method.
error-invalid-body-part = { $field } is not a valid body part.
error-invalid-role = { $field } is not a valid role.
error-invalid-locale = { $field } is not a supported language.
error-invalid-tax-rate = { $field } is not a valid tax rate.
error-invalid-barcode = { $field } is not a valid barcode.
error-invalid-time-range = { $field }: the end must be after the start.
error-invalid-status = { $field } is not a valid status.
error-invalid-id = { $field } is not a valid identifier.
error-invalid-username = { $field } may only contain letters, digits, dots, hyphens and underscores.
error-weak-password =
    { $field } must be at least { $min } { $min ->
        [one] character
       *[other] characters
    } long.
error-duplicate-username = { $field } is already taken.
error-discount-too-large = { $field }: the discount cannot exceed the price.
error-empty-cart = { $field }: the cart is empty.
error-invalid-mime = { $field }: this file type is not supported.
error-file-too-large = { $field } is too large (maximum { $max }).
error-unknown-product = { $field }: product not found.
error-unknown-sale = { $field }: sale not found.
error-already-voided = { $field }: this sale has already been voided.
error-refund-exceeds-sale = { $field } is more than was paid in the sale.
error-shift-open = { $field }: a shift is already open on this workstation; close it first.
error-no-open-shift = { $field }: no shift is open on this workstation; open one first.
error-chain-broken = { $field }: the receipt chain is broken here.
error-permission-denied = { $field }: you do not have permission to do this.
error-allergies-listed = { $field }: allergies are recorded for this patient; remove them before recording “no known allergies”.
error-allergy-conflict = { $field }: the drug matches one of the patient's allergies.
error-invalid-transition = { $field }: this change of status is not allowed.
error-already-merged = { $field }: the record has already been merged.
