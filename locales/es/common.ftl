### Vocabulario común: roles, enumeraciones, zonas del cuerpo, recuentos.

app-name = Dermis

## Roles del personal

role-admin = Administrador
role-doctor = Médico
role-nurse = Enfermero/a
role-reception = Recepcionista
role-cashier = Cajero/a

## Sexo del paciente

sex-female = Femenino
sex-male = Masculino
sex-other = Otro
sex-unknown = Desconocido

## Métodos de pago

pay-cash = Efectivo
pay-card = Tarjeta
pay-other = Otro

## Movimientos de existencias

stock-in = Entrada
stock-out = Salida
stock-adjust = Ajuste

## Estado de la consulta

status-draft = Borrador
status-signed = Firmada

## Zonas del cuerpo

body-scalp = Cuero cabelludo
body-forehead = Frente
body-face = Cara
body-nose = Nariz
body-ear = Oreja
body-lip = Labio
body-neck = Cuello
body-chest = Tórax
body-abdomen = Abdomen
body-upper-back = Parte superior de la espalda
body-lower-back = Zona lumbar
body-buttocks = Glúteos
body-genitals = Genitales
body-shoulder = Hombro
body-upper-arm = Brazo
body-elbow = Codo
body-forearm = Antebrazo
body-wrist = Muñeca
body-hand = Mano
body-finger = Dedo de la mano
body-nail = Uña
body-hip = Cadera
body-thigh = Muslo
body-knee = Rodilla
body-lower-leg = Pierna
body-ankle = Tobillo
body-foot = Pie
body-toe = Dedo del pie
body-mucosa = Mucosa
body-other = Otra

## Recuentos

patients-count =
    { $count ->
        [one] { $count } paciente
        [many] { $count } de pacientes
       *[other] { $count } pacientes
    }
items-count =
    { $count ->
        [one] { $count } artículo
        [many] { $count } de artículos
       *[other] { $count } artículos
    }
changes-pending =
    { $count ->
        [one] { $count } cambio aún no enviado al servidor
        [many] { $count } de cambios aún no enviados al servidor
       *[other] { $count } cambios aún no enviados al servidor
    }

## Printed clinical documents (document pdf)
doc-phone = Teléfono
doc-tax-id = NIF
doc-prescription-title = Receta
doc-summary-title = Resumen de la consulta
doc-patient = Paciente
doc-dose = Dosis
doc-instructions = Instrucciones
doc-refills = Renovaciones
doc-prescriptions = Prescripciones
doc-signature = Firma

## Receipts (receipt print): labels in the clinic's language
rcpt-tax-id = NIF: { $id }
rcpt-phone = Tel.: { $phone }
rcpt-sale = VENTA
rcpt-refund-of = DEVOLUCIÓN del ticket { $receipt }
rcpt-void-of = ANULACIÓN del ticket { $receipt }
rcpt-number = Ticket { $receipt }
rcpt-cashier = Cajero: { $name }
rcpt-discount = Descuento
rcpt-subtotal = Suma parcial
rcpt-discounts = Descuentos
rcpt-total = IMPORTE TOTAL
rcpt-total-refunded = TOTAL DEVUELTO
rcpt-total-voided = TOTAL ANULADO
rcpt-tax-of = IVA { $rate } sobre { $amount }
rcpt-paid-cash = Efectivo
rcpt-paid-card = Tarjeta
rcpt-paid-other = Otro medio
rcpt-returned-cash = Devuelto en efectivo
rcpt-returned-card = Devuelto a la tarjeta
rcpt-returned-other = Devuelto por otro medio
rcpt-change = Cambio
rcpt-change-back = Cambio recuperado
