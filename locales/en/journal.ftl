### The sales journal in the window: every sale, refund and void, a sale opened,
### reprinted, refunded or voided. $receipt is a receipt number such as N1-000123;
### amounts ($amount, $change) arrive formatted with their currency.

gui-nav-journal = Sales journal
gui-journal-title = Sales journal

## Finding entries

gui-journal-search = Find
gui-journal-receipt = Receipt number
gui-journal-receipt-hint = A whole receipt number (N1-000123), its start, or just its number (123)
gui-journal-receipt-all-dates = Receipt numbers are looked up on every day.
gui-journal-patient = Patient
gui-journal-patient-hint = Name or medical record number
gui-journal-product = Product
gui-journal-product-hint = Name, SKU or barcode
gui-journal-from = From
gui-journal-to = To
gui-journal-today = Today
gui-journal-all-dates = All dates
gui-journal-clear = Clear the search
gui-field-from = From
gui-field-to = To

## Totals of what was found. $day, $from and $to are dates.

gui-journal-totals-day = Totals for { $day }
gui-journal-totals-days = Totals from { $from } to { $to }
gui-journal-totals-since = Totals since { $from }
gui-journal-totals-until = Totals until { $to }
gui-journal-totals-all = Totals for all dates
gui-journal-totals-found = Totals of the receipts found
gui-journal-count = Count
gui-journal-amount = Amount
gui-journal-sales = Sales
gui-journal-refunds = Refunds
gui-journal-voids = Voids
gui-journal-net = Net
gui-journal-by-method = By payment method

## The table

gui-journal-col-receipt = Receipt
gui-journal-col-when = Date and time
gui-journal-col-cashier = Cashier
gui-journal-col-patient = Patient
gui-journal-col-items = Items
gui-journal-col-payment = Payment
gui-journal-col-total = Total
gui-journal-col-status = Status
gui-journal-status-sale = Sale
gui-journal-status-partly-refunded = Partly refunded
gui-journal-status-refunded = Refunded
gui-journal-status-voided = Voided
gui-journal-status-refund = Refund of { $receipt }
gui-journal-status-void = Void of { $receipt }
gui-journal-empty = No sale, refund or void matches the search.
# $first, $last and $total are numbers: the entries shown and how many were found.
gui-journal-range = { $first }–{ $last } of { $total }
gui-journal-previous = Previous
gui-journal-next = Next

## One entry opened

gui-journal-back = Back to the journal
gui-journal-sale-title = Sale { $receipt }
gui-journal-refund-title = Refund { $receipt }
gui-journal-void-title = Void { $receipt }
gui-journal-cashier = Cashier: { $name }
# $mrn is the patient's medical record number.
gui-journal-patient-line = Patient: { $name } ({ $mrn })
gui-journal-reverses = Reverses sale
gui-journal-reason = Reason: { $reason }
gui-journal-col-product = Product
gui-journal-col-sku = SKU
gui-journal-col-qty = Quantity
gui-journal-col-unit = Unit price
gui-journal-col-discount = Discount
gui-journal-col-tax = Tax rate
gui-journal-col-line-total = Line total
gui-journal-col-refunded = Refunded
# $rate is a percentage such as 20%; $amount the price the tax is included in.
gui-journal-tax-rate = Tax { $rate } included in { $amount }
gui-journal-change = Change given
gui-journal-chain-title = Receipt chain
gui-journal-chain-intact = Intact: its content matches its hash, and it follows { $previous }.
gui-journal-chain-intact-first = Intact: its content matches its hash, and it starts this workstation's chain.
gui-journal-chain-edited = Altered: its content does not match its hash.
gui-journal-chain-missing = The receipt before it is not on this workstation (not synced yet, or removed).
gui-journal-chain-reordered = Out of order: it does not follow the receipt before it.
gui-journal-chain-unchained = Written before receipts were chained: nothing to check.
gui-journal-reversals = Refunds and voids
gui-journal-reversals-none = Nothing refunded or voided.
gui-journal-col-kind = Kind
gui-journal-col-reason = Reason
gui-journal-kind-refund = Refund
gui-journal-kind-void = Void

## Printing. $path is where the file was saved.

gui-journal-print = Print receipt
gui-journal-print-entry = Print receipt { $receipt }
gui-journal-save-text = Save as text
gui-journal-save-text-hint = 48 columns, for 80 mm receipt printers
gui-journal-printed = Receipt { $receipt } is open in your PDF viewer. Saved as { $path }
gui-journal-printed-not-opened = No PDF viewer opened receipt { $receipt }. It is saved as { $path }
gui-journal-saved-text = Receipt { $receipt } saved as text (48 columns): { $path }
gui-error-unwritable = The file could not be written. Check that the data folder is writable and has space.

## Refunds and voids

gui-journal-refund = Refund items…
gui-journal-void = Void sale…
gui-journal-refund-voided = This sale was voided: nothing is left to refund.
gui-journal-refund-nothing-left = Everything on this sale has been refunded.
gui-journal-void-voided = This sale is already voided.
gui-journal-void-refunded = Part of this sale was refunded: refund the rest instead of voiding it.
gui-journal-refund-dialog-title = Refund items of sale { $receipt }
gui-journal-col-sold = Sold
gui-journal-col-left = Refundable
gui-journal-col-refund = Refund
gui-journal-refund-all = Everything that is left
gui-journal-refund-method = Refund in
# $method is a payment method (Cash, Card, Other).
gui-journal-refund-explain = { $amount } goes back in { $method } and the items return to stock. Sale { $receipt } stays in the journal with the refund beside it.
gui-journal-refund-none = Choose how many of each item to refund.
gui-journal-refund-confirm = Refund { $amount }
gui-journal-void-dialog-title = Void sale { $receipt }?
# $payments lists the payments, e.g. "Card €20.00, Cash €25.00".
gui-journal-void-explain = The whole sale is reversed: { $amount } goes back ({ $payments }) and every item returns to stock. Sale { $receipt } stays in the journal, marked voided, with the void beside it.
gui-journal-void-confirm = Void the sale
gui-journal-reason-hint = Why? Recorded with the entry and in the audit trail.
gui-journal-refund-done = Refund { $receipt } recorded.
gui-journal-void-done = Void { $receipt } recorded.
