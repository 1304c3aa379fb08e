# /admin/reports: one clinic's sales, stock, visits and new patients over a period.
admin-nav-reports = Reports
admin-reports-title = Clinic reports
admin-reports-intro = Sales, stock, visits and new patients of one clinic over a period. Days are UTC days; every amount is in the currency it was taken in.
admin-reports-clinic = Clinic
admin-reports-from = From
admin-reports-to = To
admin-reports-preset = Period
admin-reports-show = Show the report
admin-reports-presets = Quick periods:
admin-reports-preset-today = Today
admin-reports-preset-this-week = This week
admin-reports-preset-this-month = This month
admin-reports-preset-last-month = Last month
admin-reports-period = { $from } to { $to }: { $count ->
    [one] { $count } day
   *[other] { $count } days
}
admin-reports-no-clinics = No clinic is visible to you yet.
admin-reports-no-clinic = There is no such clinic.
admin-reports-no-report = There is no such report.
admin-reports-error-not-a-date = enter the date as YYYY-MM-DD.
admin-reports-error-reversed = the period ends before it starts.
admin-reports-error-too-long = { $count ->
    [one] a report covers at most { $count } day.
   *[other] a report covers at most { $count } days.
}
admin-reports-error-unknown-preset = there is no such period.
admin-reports-csv = Download CSV
admin-reports-sales = Sales by day
admin-reports-methods = Sales by payment method
admin-reports-tax = Sales by tax rate
admin-reports-stock = Stock valuation
admin-reports-visits = Visits per clinician
admin-reports-patients = New patients
admin-reports-col-date = Day
admin-reports-col-sales = Sales
admin-reports-col-refunds = Refunds
admin-reports-col-voids = Voids
admin-reports-col-gross = Gross sales
admin-reports-col-refunded = Refunded
admin-reports-col-voided = Voided
admin-reports-col-net = Net takings
admin-reports-col-tax = Tax
admin-reports-col-currency = Currency
admin-reports-col-method = Payment method
admin-reports-col-rate = Tax rate
admin-reports-col-taxable = Taxable amount
admin-reports-col-sku = Article code
admin-reports-col-product = Product
admin-reports-col-on-hand = On hand
admin-reports-col-unit-price = Unit price
admin-reports-col-value = Stock value
admin-reports-col-clinician = Clinician
admin-reports-col-visits = Visits
admin-reports-col-signed = Signed
admin-reports-col-new-patients = New patients
admin-reports-total = Period total
admin-reports-below-zero = below zero
admin-reports-no-price = no price
admin-reports-stock-note = Valued at today's selling prices (no purchase cost is kept). Stock below zero is listed but never counted as value.
admin-reports-empty = Nothing in this period.
admin-reports-method-cash = Cash
admin-reports-method-card = Card
admin-reports-method-other = Other
admin-reports-chart-net = Net takings per day
admin-reports-chart-methods = Net takings by payment method
admin-reports-chart-stock = Stock value of the most valuable products
admin-reports-chart-visits = Visits per clinician
admin-reports-chart-patients = New patients per day
admin-reports-unknown-clinician = No clinician recorded
