# /admin/reports: ventas, existencias, consultas y pacientes nuevos de una clínica en un periodo.
admin-nav-reports = Informes
admin-reports-title = Informes de la clínica
admin-reports-intro = Ventas, existencias, consultas y pacientes nuevos de una clínica en un periodo. Los días son días UTC; cada importe está en la moneda en que se cobró.
admin-reports-clinic = Clínica
admin-reports-from = Desde
admin-reports-to = Hasta
admin-reports-preset = Periodo
admin-reports-show = Mostrar el informe
admin-reports-presets = Periodos rápidos:
admin-reports-preset-today = Hoy
admin-reports-preset-this-week = Esta semana
admin-reports-preset-this-month = Este mes
admin-reports-preset-last-month = El mes pasado
admin-reports-period = Del { $from } al { $to }: { $count ->
    [one] { $count } día
   *[other] { $count } días
}
admin-reports-no-clinics = Todavía no ve ninguna clínica.
admin-reports-no-clinic = Esa clínica no existe.
admin-reports-no-report = Ese informe no existe.
admin-reports-error-not-a-date = escriba la fecha como AAAA-MM-DD.
admin-reports-error-reversed = el periodo termina antes de empezar.
admin-reports-error-too-long = { $count ->
    [one] un informe abarca como máximo { $count } día.
   *[other] un informe abarca como máximo { $count } días.
}
admin-reports-error-unknown-preset = ese periodo no existe.
admin-reports-csv = Descargar CSV
admin-reports-sales = Ventas por día
admin-reports-methods = Ventas por forma de pago
admin-reports-tax = Ventas por tipo de impuesto
admin-reports-stock = Valoración de existencias
admin-reports-visits = Consultas por profesional
admin-reports-patients = Pacientes nuevos
admin-reports-col-date = Día
admin-reports-col-sales = Ventas
admin-reports-col-refunds = Devoluciones
admin-reports-col-voids = Anulaciones
admin-reports-col-gross = Ventas brutas
admin-reports-col-refunded = Devuelto
admin-reports-col-voided = Anulado
admin-reports-col-net = Ingreso neto
admin-reports-col-tax = Impuesto
admin-reports-col-currency = Moneda
admin-reports-col-method = Forma de pago
admin-reports-col-rate = Tipo impositivo
admin-reports-col-taxable = Base imponible
admin-reports-col-sku = Código de artículo
admin-reports-col-product = Producto
admin-reports-col-on-hand = En existencia
admin-reports-col-unit-price = Precio unitario
admin-reports-col-value = Valor de existencias
admin-reports-col-clinician = Profesional
admin-reports-col-visits = Consultas
admin-reports-col-signed = Firmadas
admin-reports-col-new-patients = Pacientes nuevos
admin-reports-total = Total del periodo
admin-reports-below-zero = bajo cero
admin-reports-no-price = sin precio
admin-reports-stock-note = Valorado a los precios de venta actuales (no se guarda el coste de compra). Las existencias bajo cero se listan pero nunca cuentan como valor.
admin-reports-empty = Nada en este periodo.
admin-reports-method-cash = Efectivo
admin-reports-method-card = Tarjeta
admin-reports-method-other = Otra
admin-reports-chart-net = Ingreso neto por día
admin-reports-chart-methods = Ingreso neto por forma de pago
admin-reports-chart-stock = Valor de existencias de los productos de más valor
admin-reports-chart-visits = Consultas por profesional
admin-reports-chart-patients = Pacientes nuevos por día
admin-reports-unknown-clinician = Sin profesional registrado
