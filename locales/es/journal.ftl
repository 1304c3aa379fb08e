### El diario de ventas en la ventana: cada venta, devolución y anulación, una venta
### abierta, reimpresa, devuelta o anulada. $receipt es un número de ticket como
### N1-000123; los importes ($amount) llegan formateados con su moneda.

gui-nav-journal = Diario de ventas
gui-journal-title = Diario de ventas

## Buscar

gui-journal-search = Buscar
gui-journal-receipt = N.º de ticket
gui-journal-receipt-hint = Un número de ticket completo (N1-000123), su comienzo o solo su número (123)
gui-journal-receipt-all-dates = Los números de ticket se buscan en todas las fechas.
gui-journal-patient = Paciente
gui-journal-patient-hint = Nombre o n.º de historia clínica
gui-journal-product = Producto
gui-journal-product-hint = Nombre, referencia o código de barras
gui-journal-from = Desde
gui-journal-to = Hasta
gui-journal-today = Hoy
gui-journal-all-dates = Todas las fechas
gui-journal-clear = Borrar la búsqueda
gui-field-from = Desde
gui-field-to = Hasta

## Totales de lo encontrado. $day, $from y $to son fechas.

gui-journal-totals-day = Totales del { $day }
gui-journal-totals-days = Totales del { $from } al { $to }
gui-journal-totals-since = Totales desde el { $from }
gui-journal-totals-until = Totales hasta el { $to }
gui-journal-totals-all = Totales de todas las fechas
gui-journal-totals-found = Totales de los tickets encontrados
gui-journal-count = Cantidad
gui-journal-amount = Importe
gui-journal-sales = Ventas
gui-journal-refunds = Devoluciones
gui-journal-voids = Anulaciones
gui-journal-net = Neto
gui-journal-by-method = Por forma de pago

## La tabla

gui-journal-col-receipt = Ticket
gui-journal-col-when = Fecha y hora
gui-journal-col-cashier = Cajero
gui-journal-col-patient = Paciente
gui-journal-col-items = Artículos
gui-journal-col-payment = Pago
gui-journal-col-total = Total
gui-journal-col-status = Estado
gui-journal-status-sale = Venta
gui-journal-status-partly-refunded = Devuelta en parte
gui-journal-status-refunded = Devuelta
gui-journal-status-voided = Anulada
gui-journal-status-refund = Devolución de { $receipt }
gui-journal-status-void = Anulación de { $receipt }
gui-journal-empty = Ninguna venta, devolución ni anulación coincide con la búsqueda.
# $first, $last y $total son números: las filas mostradas y cuántas se encontraron.
gui-journal-range = { $first }–{ $last } de { $total }
gui-journal-previous = Anteriores
gui-journal-next = Siguientes

## Una operación abierta

gui-journal-back = Volver al diario
gui-journal-sale-title = Venta { $receipt }
gui-journal-refund-title = Devolución { $receipt }
gui-journal-void-title = Anulación { $receipt }
gui-journal-cashier = Cajero: { $name }
# $mrn es el n.º de historia clínica del paciente.
gui-journal-patient-line = Paciente: { $name } ({ $mrn })
gui-journal-reverses = Revierte la venta
gui-journal-reason = Motivo: { $reason }
gui-journal-col-product = Producto
gui-journal-col-sku = Referencia
gui-journal-col-qty = Cantidad
gui-journal-col-unit = Precio unitario
gui-journal-col-discount = Descuento
gui-journal-col-tax = Tipo de impuesto
gui-journal-col-line-total = Total de la línea
gui-journal-col-refunded = Devuelto
# $rate es un porcentaje como 20 %; $amount el precio que incluye el impuesto.
gui-journal-tax-rate = Impuesto { $rate } incluido en { $amount }
gui-journal-change = Cambio entregado
gui-journal-chain-title = Cadena de tickets
gui-journal-chain-intact = Íntegro: su contenido coincide con su hash y sigue a { $previous }.
gui-journal-chain-intact-first = Íntegro: su contenido coincide con su hash y abre la cadena de este puesto.
gui-journal-chain-edited = Alterado: su contenido no coincide con su hash.
gui-journal-chain-missing = El ticket anterior no está en este puesto (aún no sincronizado, o eliminado).
gui-journal-chain-reordered = Fuera de orden: no sigue al ticket anterior.
gui-journal-chain-unchained = Escrito antes de encadenar los tickets: nada que comprobar.
gui-journal-reversals = Devoluciones y anulaciones
gui-journal-reversals-none = No se ha devuelto ni anulado nada.
gui-journal-col-kind = Tipo
gui-journal-col-reason = Motivo
gui-journal-kind-refund = Devolución
gui-journal-kind-void = Anulación

## Impresión. $path es donde se guardó el archivo.

gui-journal-print = Imprimir ticket
gui-journal-print-entry = Imprimir el ticket { $receipt }
gui-journal-save-text = Guardar como texto
gui-journal-save-text-hint = 48 columnas, para impresoras de tickets de 80 mm
gui-journal-printed = El ticket { $receipt } está abierto en su visor de PDF. Guardado como { $path }
gui-journal-printed-not-opened = Ningún visor de PDF abrió el ticket { $receipt }. Está guardado como { $path }
gui-journal-saved-text = Ticket { $receipt } guardado como texto (48 columnas): { $path }
gui-error-unwritable = No se pudo escribir el archivo. Compruebe que la carpeta de datos admite escritura y tiene espacio.

## Devoluciones y anulaciones

gui-journal-refund = Devolver artículos…
gui-journal-void = Anular la venta…
gui-journal-refund-voided = Esta venta fue anulada: no queda nada por devolver.
gui-journal-refund-nothing-left = Ya se ha devuelto todo lo vendido.
gui-journal-void-voided = Esta venta ya está anulada.
gui-journal-void-refunded = Parte de esta venta ya se devolvió: devuelva el resto en lugar de anularla.
gui-journal-refund-dialog-title = Devolver artículos de la venta { $receipt }
gui-journal-col-sold = Vendidos
gui-journal-col-left = Por devolver
gui-journal-col-refund = Devolver
gui-journal-refund-all = Todo lo que queda
gui-journal-refund-method = Devolver en
# $method es una forma de pago (Efectivo, Tarjeta, Otro).
gui-journal-refund-explain = Se devuelven { $amount } en { $method } y los artículos vuelven al stock. La venta { $receipt } sigue en el diario, con la devolución al lado.
gui-journal-refund-none = Elija cuántas unidades de cada artículo devolver.
gui-journal-refund-confirm = Devolver { $amount }
gui-journal-void-dialog-title = ¿Anular la venta { $receipt }?
# $payments enumera los pagos, p. ej. «Tarjeta 20,00 €, Efectivo 25,00 €».
gui-journal-void-explain = Se anula toda la venta: se devuelven { $amount } ({ $payments }) y cada artículo vuelve al stock. La venta { $receipt } sigue en el diario, marcada como anulada, con la anulación al lado.
gui-journal-void-confirm = Anular la venta
gui-journal-reason-hint = ¿Por qué? Se registra con la operación y en el registro de auditoría.
gui-journal-refund-done = Devolución { $receipt } registrada.
gui-journal-void-done = Anulación { $receipt } registrada.
