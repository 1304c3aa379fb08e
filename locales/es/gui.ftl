### La aplicación de escritorio: pantallas, botones y avisos. Las etiquetas de los
### campos están en fields.ftl y los errores de validación en errors.ftl; aquí los
### identificadores empiezan por `gui-`.

gui-opening = Abriendo los registros de este puesto…
gui-open-failed = No se pudieron abrir los registros de este puesto.

## Acciones comunes

gui-save = Guardar
gui-saved = Guardado.
gui-cancel = Cancelar
gui-back = Volver
gui-remove = Quitar
gui-refresh = Actualizar
gui-none = Ninguno
gui-logout = Cerrar sesión
gui-lock = Bloquear
gui-lock-hint = Bloquear la pantalla ahora; su trabajo sigue abierto detrás.
gui-lock-title = Pantalla bloqueada
gui-lock-intro = Sesión de { $name }. Introduzca su contraseña para seguir donde lo dejó.
gui-lock-refused = Contraseña incorrecta.
gui-lock-unlock = Desbloquear
gui-lock-switch-hint = ¿Otra persona? Inicie sesión con otro usuario; los cambios no guardados de esta pantalla se descartarán.
gui-lock-switch = Cambiar de usuario
gui-date-hint = Escriba la fecha como { $example } o { $iso }, o elíjala en el calendario.
gui-date-calendar = Elegir en el calendario
gui-date-previous-year = Año anterior
gui-date-previous-month = Mes anterior
gui-date-next-month = Mes siguiente
gui-date-next-year = Año siguiente
gui-date-year = Año
gui-date-today = Hoy
gui-month-1 = Enero
gui-month-2 = Febrero
gui-month-3 = Marzo
gui-month-4 = Abril
gui-month-5 = Mayo
gui-month-6 = Junio
gui-month-7 = Julio
gui-month-8 = Agosto
gui-month-9 = Septiembre
gui-month-10 = Octubre
gui-month-11 = Noviembre
gui-month-12 = Diciembre
gui-weekday-1 = lu
gui-weekday-2 = ma
gui-weekday-3 = mi
gui-weekday-4 = ju
gui-weekday-5 = vi
gui-weekday-6 = sá
gui-weekday-7 = do
gui-size-mb = { $mb } megabytes

## Cuánto tiempo ha pasado

gui-age-now = menos de un minuto
gui-age-minutes =
    { $count ->
        [one] { $count } minuto
        [many] { $count } de minutos
       *[other] { $count } minutos
    }
gui-age-hours =
    { $count ->
        [one] { $count } hora
        [many] { $count } de horas
       *[other] { $count } horas
    }
gui-age-days =
    { $count ->
        [one] { $count } día
        [many] { $count } de días
       *[other] { $count } días
    }

## Navegación

gui-nav-dashboard = Resumen
gui-nav-patients = Pacientes
gui-nav-pos = Caja
gui-nav-products = Productos y existencias
gui-nav-sync = Sincronización
gui-nav-conflicts = Conflictos
gui-nav-settings = Ajustes

## Inicio de sesión y primer arranque

gui-login-title = Iniciar sesión
gui-login-submit = Entrar
gui-login-refused = Usuario o contraseña incorrectos.
gui-login-locked = Demasiados intentos fallidos para este usuario. Inténtelo de nuevo en { $count ->
    [one] { $count } minuto
   *[other] { $count } minutos
}.
gui-login-offline = Se puede iniciar sesión sin conexión: las cuentas del personal se guardan en este puesto.
gui-setup-title = Bienvenido a Dermis
gui-setup-intro = Este puesto todavía no tiene registros. Cree su clínica para empezar.
gui-setup-new-clinic = Crear una clínica nueva
gui-setup-admin = Primer administrador
gui-setup-confirm = Repita la contraseña
gui-setup-mismatch = Las dos contraseñas no coinciden.
gui-setup-create = Crear la clínica
gui-setup-join = Unirse a una clínica que ya usa Dermis
gui-setup-join-later = Conectar este puesto al servidor central de su clínica será posible aquí en una versión futura. Por ahora, cree una clínica nueva; podrá unirse a un servidor más adelante.

## Resumen

gui-dashboard-title = Hoy
gui-dashboard-today = Citas de hoy
gui-dashboard-no-appointments = Hoy no hay citas.
gui-dashboard-recent = Pacientes recientes
gui-dashboard-open-sync = Abrir el panel de sincronización
gui-dashboard-attention = Requiere atención
gui-dashboard-all-clear = Nada requiere atención.
gui-dashboard-drafts = { $count ->
    [one] { $count } consulta sin firmar
   *[other] { $count } consultas sin firmar
}
gui-dashboard-conflicts =
    { $count ->
        [one] { $count } cambio en conflicto por resolver
        [many] { $count } de cambios en conflicto por resolver
       *[other] { $count } cambios en conflicto por resolver
    }
gui-dashboard-low-stock =
    { $count ->
        [one] { $count } producto con pocas existencias
        [many] { $count } de productos con pocas existencias
       *[other] { $count } productos con pocas existencias
    }

## Estado de las citas

gui-appointment-scheduled = Programada
gui-appointment-canceled = Cancelada
gui-appointment-completed = Realizada
gui-appointment-no-show = No acudió

## Pacientes

gui-patients-search = Buscar pacientes
gui-patients-search-hint = Nombre, teléfono, correo o número de historia
gui-patients-recent = Pacientes modificados recientemente
gui-patients-none = No se encontraron pacientes.
gui-patients-new = Nuevo paciente
gui-patients-edit = Editar paciente
gui-patients-mrn-hint = Deje vacío el número de historia para que se asigne automáticamente.
gui-patients-name = Nombre
gui-patients-last-visit = Última consulta
gui-patient-details = Datos
gui-allergies-none-known = Sin alergias conocidas
gui-allergies-not-recorded = Alergias no registradas
gui-patient-record-nka = Sin alergias conocidas (declarado)
gui-patient-record-nka-hint = Registrar que se preguntó al paciente y no conoce ninguna alergia.
gui-allergy-error = Registro erróneo
gui-allergy-error-hint = Marcar esta alergia como registrada por error (queda en la historia, tachada).
gui-allergy-error-reason = Motivo del error
gui-allergy-error-confirm = Marcar como errónea
gui-allergy-errors = Alergias registradas por error
gui-banner-age = { $count ->
    [one] { $count } año
   *[other] { $count } años
}
gui-banner-mrn = Historia { $mrn }
gui-encounter-sign-title = ¿Firmar esta consulta?
gui-encounter-sign-explain = Una consulta firmada no se puede modificar: las correcciones se añaden como adendas.
gui-encounter-sign-no-diagnoses = No hay diagnósticos registrados.
gui-encounter-sign-confirm = Firmar la consulta
gui-unsaved-title = ¿Salir sin guardar?
gui-unsaved-explain = Esta consulta tiene cambios sin guardar. Si sale, se perderán.
gui-unsaved-discard = Descartar los cambios
gui-unsaved-stay = Seguir editando
gui-draft-restored = Los cambios sin guardar de esta consulta se conservaron y se han recuperado.
gui-patient-add-allergy = Añadir alergia
gui-patient-visits = Consultas
gui-patient-no-visits = Todavía no hay consultas.

## Gravedad de las alergias

gui-severity-mild = Leve
gui-severity-moderate = Moderada
gui-severity-severe = Grave
gui-severity-unknown = Gravedad desconocida

## Consultas

gui-encounter-title = Consulta
gui-encounter-heading = Consulta: { $patient }
gui-encounter-new = Nueva consulta
gui-encounter-diagnoses = Diagnósticos (CIE-10-MC)
gui-encounter-find-diagnosis = Buscar un diagnóstico
gui-encounter-find-diagnosis-hint = Código o palabras, p. ej. L40 o psoriasis
gui-encounter-sign = Firmar
gui-encounter-save-first = Guarde la consulta antes de firmarla.
gui-encounter-signed-by = Firmada por { $who } el { $when }.
gui-encounter-read-only = Una consulta firmada no se puede cambiar. Añada una adenda para corregirla.
gui-encounter-addenda = Adendas
gui-encounter-addendum = Adenda
gui-encounter-add-addendum = Añadir adenda

## Fotos

gui-photos-title = Fotografías
gui-photos-heading = Fotografías: { $patient }
gui-photos-no-patient = Abra un paciente para ver sus fotografías.
gui-photos-import = Añadir una fotografía
gui-photos-drop-hint = Arrastre fotos JPEG, PNG o WebP a esta ventana, o elíjalas.
gui-photos-tags-hint = Separe las etiquetas con comas.
gui-photos-gallery = Galería
gui-photos-none = Todavía no hay fotografías.
gui-photos-view = Ver
gui-photos-local = Guardada en este puesto; el servidor aún no la ha procesado.
gui-photos-processed = Procesada por el servidor.
gui-photos-original-missing = El original no está en este puesto.
gui-photos-upload-local = Aún no se ha enviado al servidor.
gui-photos-upload-uploading = Enviando al servidor: { $percent } %
gui-photos-upload-uploaded = Guardada en el servidor.
gui-photos-upload-failed = El servidor rechazó esta foto: { $reason }
gui-photos-upload-elsewhere = Tomada en otro puesto.
gui-photos-thumb-pending = Esperando a que el servidor la procese.
gui-photos-thumb-error = El servidor no pudo procesar esta foto: { $reason }

## Caja

gui-pos-scan = Escanear
gui-pos-scan-hint = Escanee o escriba un código de barras o referencia y pulse Intro
gui-pos-search = Buscar un producto
gui-pos-search-label = Producto
gui-pos-search-hint = Nombre o referencia
gui-pos-on-hand = En existencias: { $count }
gui-pos-add = Añadir
gui-pos-empty = La cesta está vacía.
gui-pos-payment = Pago
gui-pos-subtotal = Importe
gui-pos-tax = De los cuales impuestos
gui-pos-tax-included = Impuestos incluidos
gui-pos-total = Total a pagar
gui-pos-paid = Pagado
gui-pos-change = Cambio
gui-pos-col-product = Producto
gui-pos-col-total = Total de la línea
gui-pos-less = Uno menos
gui-pos-more = Uno más
gui-pos-out-of-stock = Sin existencias: { $count } en el estante
gui-pos-low-stock = Pocas existencias: { $count } en el estante
gui-pos-exact-cash = Efectivo exacto
gui-pos-rest-card = Resto con tarjeta
gui-pos-due = Importe pendiente
gui-pos-complete = Completar la venta
gui-pos-clear = Vaciar
gui-pos-receipt = Ticket { $number }
gui-pos-new-sale = Nueva venta

## Productos y existencias

gui-products-new = Nuevo producto
gui-products-edit = Editar producto
gui-products-filter = Filtrar
gui-products-pick = Elija un producto de la lista.
gui-products-low-stock = Pocas existencias
gui-products-no-low-stock = Todos los productos están por encima de su nivel de reposición.
gui-products-low-line = { $name }: quedan { $count } (reponer con { $level })
gui-products-stock-of = Existencias de «{ $name }»: { $count }
gui-products-movement = Movimiento
gui-products-adjust-hint = En un ajuste, un número negativo retira existencias.
gui-products-record = Registrar
gui-products-history = Movimientos de { $sku }

## Tipos de impuesto

gui-tax-standard = Tipo general
gui-tax-reduced = Tipo reducido
gui-tax-zero = Tipo cero

## Sincronización

gui-sync-status = Estado
gui-sync-online = En línea
gui-sync-offline = Sin conexión
gui-sync-stale = Sin noticias de la sincronización
gui-sync-no-hub = Sin conexión a un servidor central
gui-sync-all-sent = Todos los cambios han llegado al servidor.
gui-sync-photos-pending =
    { $count ->
        [one] { $count } foto aún no está en el servidor ({ $mb } MB)
       *[other] { $count } fotos aún no están en el servidor ({ $mb } MB)
    }
gui-sync-refused =
    { $count ->
        [one] El servidor rechazó los cambios de { $count } registro; se conservan aquí. Motivo:
       *[other] El servidor rechazó los cambios de { $count } registros; se conservan aquí. Motivos:
    }
gui-sync-photos-failed =
    { $count ->
        [one] El servidor rechazó { $count } foto; el motivo figura en las fotos del paciente.
       *[other] El servidor rechazó { $count } fotos; los motivos figuran en las fotos de los pacientes.
    }
gui-sync-oldest = El más antiguo lleva esperando { $age }.
gui-sync-last = Última sincronización: { $when }
gui-sync-never = Nunca se ha sincronizado.
gui-sync-hub = Servidor central
gui-sync-last-error = Último error
gui-sync-records = Registros recientes
gui-sync-on-hub = En el servidor
gui-sync-waiting = Aún no está en el servidor

## Tipos de registro

gui-doc-clinic = Clínica
gui-doc-patient = Paciente
gui-doc-product = Producto
gui-doc-ledger = Ventas y existencias
gui-doc-appointment = Cita

## Conflictos

gui-conflicts-intro = Estos campos se cambiaron a la vez en dos puestos. Elija el valor que quiere conservar; su elección llegará a todos los puestos.
gui-conflicts-none = No hay conflictos.
gui-conflicts-keep = Conservar este
gui-conflicts-shown-now = El que se muestra ahora
gui-conflicts-empty-value = (vacío)
gui-conflicts-resolved = Conflicto resuelto.

## Ajustes

gui-settings-appearance = Idioma y aspecto
gui-settings-language = Idioma
gui-settings-theme = Tema
gui-settings-light = Claro
gui-settings-dark = Oscuro
gui-settings-workstation = Este puesto
gui-settings-users = Personal
gui-settings-active = Activo
gui-settings-new-password = Nueva contraseña
gui-settings-reset = Restablecer la contraseña
gui-settings-add-user = Añadir a un miembro del personal

## Etiquetas de campos que fields.ftl no nombra

gui-field-substance = Sustancia
gui-field-reaction = Reacción
gui-field-severity = Gravedad
gui-field-addendum = Texto de la adenda
gui-field-encounter = Consulta
gui-field-patient = Paciente
gui-field-photo = Fotografía
gui-field-product = Producto
gui-field-receipt = Ticket
gui-field-user = Miembro del personal
gui-field-conflict = Conflicto
gui-field-allergy = Alergia
gui-field-total = Importe total
gui-field-other = Este campo

## Errores

gui-error-denied = Su rol no le permite { $action }.
gui-error-unreadable = No se pudo leer el archivo. Compruebe la ruta.
gui-error-storage = No se pudieron leer o escribir los registros. Inténtelo de nuevo; si vuelve a ocurrir, avise a su administrador.
gui-error-disk-full = El disco está lleno: no se ha guardado nada. Libere espacio e inténtelo de nuevo.
gui-error-busy = Otro programa está usando los registros. Inténtelo dentro de un momento.
gui-error-photo-unavailable = Esta foto no está en este puesto y el servidor no puede enviarla ahora. Inténtelo cuando el servidor esté disponible.

## Lo que puede hacer un rol (completa gui-error-denied)

gui-permission-view-patients = ver pacientes
gui-permission-edit-patients = cambiar los datos de los pacientes
gui-permission-view-clinical = ver notas clínicas
gui-permission-edit-clinical = cambiar notas clínicas
gui-permission-sign-encounter = firmar consultas
gui-permission-sell = vender
gui-permission-void-sale = anular ventas
gui-permission-manage-stock = gestionar existencias
gui-permission-manage-products = gestionar productos
gui-permission-manage-appointments = gestionar citas
gui-permission-manage-users = gestionar al personal
gui-permission-manage-settings = cambiar los ajustes de la clínica

## Table headers
gui-col-time = Hora
gui-col-patient = Paciente
gui-col-status = Estado
gui-col-visit = Consulta
gui-col-kind = Tipo
gui-col-record = Registro
gui-col-changed = Modificado
gui-col-stock = En stock
gui-col-change = Variación
gui-col-by = Por
gui-col-diagnoses = Diagnósticos

## The till's buyer and a patient's purchases
gui-pos-buyer = Cliente (paciente)
gui-pos-buyer-hint = Nombre o número de historia, opcional
gui-pos-buyer-remove = Desvincular
gui-pos-buyer-remove-hint = Vender sin vincular esta venta al paciente
gui-patient-purchases = Compras
gui-patient-no-purchases = Sin compras en caja.
gui-col-receipt = Ticket
gui-col-amount = Importe
gui-purchase-sale = Venta
gui-purchase-refund = Devolución
gui-purchase-void = Anulación
gui-purchase-voided = Venta anulada

## Prescribing and printing on a visit
gui-rx-title = Recetas
gui-rx-none = No hay recetas en esta consulta.
gui-rx-instructions = Modo de empleo
gui-rx-quantity-refills = Cantidad / repeticiones
gui-rx-prescriber = Prescriptor
gui-rx-overridden = Prescrito pese a la alergia a { $allergy }: { $reason }
gui-rx-new = Nueva receta
gui-rx-allergy-title = Alerta de alergia
gui-rx-allergy-substance = Alergia a { $allergy }: { $drug } contiene { $substance }.
gui-rx-allergy-class = Alergia a { $allergy }: { $drug } contiene { $substance }, del grupo de { $class }.
gui-rx-allergy-answer = Cambie el fármaco o indique el motivo para prescribirlo igualmente (queda registrado y auditado).
gui-rx-override-reason = Motivo para prescribir igualmente
gui-rx-prescribe = Añadir receta
gui-rx-prescribe-anyway = Prescribir pese a la alergia
gui-rx-answer-first = Escriba un fármaco y responda a la alerta de alergia si la hay
gui-rx-print = Imprimir receta
gui-visit-print-summary = Imprimir resumen de la consulta
gui-printed = Guardado y abierto para imprimir: { $path }
gui-printed-not-opened = Guardado como { $path } (ningún visor pudo abrirlo)
gui-encounter-sign-prescriptions = Recetas

## Conflicts: who wrote each value, where and when
gui-conflicts-origin-here = { $who } · este puesto ({ $name }) · { $when }
gui-conflicts-origin = { $who } · puesto { $name } · { $when }
gui-conflicts-by-former-user = un antiguo usuario
gui-conflicts-by-operator = el operador del puesto
gui-conflicts-by-hub = el servidor central
gui-conflicts-by-unknown = autor desconocido

## Keyboard
gui-save-shortcut = Guardar (Ctrl+S)
## Cash-drawer shifts and clinic details (shifts)

gui-nav-shift = Turno
gui-shift-title = Turno de caja
gui-shift-none = No hay ningún turno abierto en este puesto.
gui-shift-float = Fondo de caja
gui-shift-float-hint = El efectivo contado en el cajón antes de la primera venta.
gui-shift-open = Abrir turno
# $when is a time, $who the cashier who opened the shift.
gui-shift-open-since = Turno abierto desde las { $when } por { $who }
# $when is a date and time, $who the cashier who closed the shift.
gui-shift-closed-at = Cerrado el { $when } por { $who }
gui-shift-pos-none = Ningún turno abierto
gui-shift-pos-open-one = Abrir uno
gui-shift-pay-in = Entrada de efectivo
gui-shift-pay-out = Salida de efectivo
gui-shift-pay-in-explain = Efectivo puesto en el cajón, por ejemplo cambio del banco.
gui-shift-pay-out-explain = Efectivo sacado del cajón, por ejemplo para una compra pequeña o un ingreso en el banco.
gui-shift-record = Registrar
gui-shift-print-x = Imprimir informe X
gui-shift-close = Cerrar turno
gui-shift-close-title = Cierre de turno
gui-shift-count-total = Un solo importe
gui-shift-count-denominations = Por billete y moneda
gui-shift-counted = Efectivo contado
gui-shift-denomination = Billete o moneda
gui-shift-note = billete
gui-shift-coin = moneda
gui-shift-count = Cantidad
# $value is a note or coin, e.g. €50.00.
gui-shift-count-of = Cantidad de { $value }
gui-shift-col-amount = Importe
gui-shift-expected = Efectivo esperado
gui-shift-difference = Diferencia
gui-shift-over = Sobrante: más efectivo del esperado
gui-shift-short = Faltante: menos efectivo del esperado
gui-shift-balanced = Cuadra
gui-shift-continue = Continuar
gui-shift-confirm = El cierre del turno no se puede deshacer: su informe Z queda definitivo y las nuevas ventas necesitarán un turno nuevo.
gui-shift-confirm-close = Cerrar el turno definitivamente
gui-shift-x-report = Informe X (el turno hasta ahora)
gui-shift-z-report = Informe Z
gui-shift-opened = Apertura
gui-shift-closed = Cierre
gui-shift-col-cashier = Cajero
gui-shift-cash = Efectivo en el cajón
gui-shift-cash-sales = Ventas en efectivo, descontado el cambio
gui-shift-cash-refunds = Devoluciones en efectivo
gui-shift-pay-ins = Entradas de efectivo
gui-shift-pay-outs = Salidas de efectivo
gui-shift-receipts = Tiques
# $first and $last are receipt numbers, e.g. N1-000001.
gui-shift-receipt-range = del { $first } al { $last }
gui-shift-no-receipts = Aún no hay tiques
gui-shift-sales-count = Ventas
gui-shift-refunds-count = Devoluciones
gui-shift-voids-count = Ventas anuladas
gui-shift-net-total = Recaudación neta
gui-shift-by-method = Por forma de pago
gui-shift-col-method = Forma
gui-shift-col-sales = Cobrado
gui-shift-col-refunds = Devuelto
gui-shift-col-net = Neto
gui-shift-by-rate = Impuesto por tipo
gui-shift-col-rate = Tipo
gui-shift-col-gross = Ventas con impuesto
gui-shift-col-tax = Impuesto
gui-shift-moves = Entradas y salidas de efectivo
gui-shift-no-moves = Ninguna en este turno.
gui-shift-past = Turnos anteriores
gui-shift-past-none = Aún no se ha cerrado ningún turno en este puesto.
gui-shift-view = Ver informe
gui-shift-print = Imprimir
# $path is the PDF file written.
gui-shift-printed = Abierto en el visor de PDF: { $path }
# $path is the PDF file written.
gui-shift-print-not-opened = No se pudo abrir un visor de PDF. El informe se guardó en { $path }
gui-field-float = Fondo de caja
gui-field-counted = Efectivo contado
gui-field-amount = Importe
gui-field-shift = Turno
gui-field-legal-name = Razón social
gui-field-tax-id = NIF
gui-field-tax-rate = Tipo impositivo
gui-clinic-title = Datos de la clínica
gui-clinic-explain = Se imprimen en cada tique e informe de turno.
gui-clinic-tax-rates = Tipos impositivos
gui-clinic-rate-percent = Tipo, %
# $name is a tax class, e.g. Standard rate.
gui-clinic-rate-of = Tipo de «{ $name }», %
gui-clinic-new-class = Nueva categoría de impuesto
gui-clinic-new-rate = Tipo de la nueva categoría, %
gui-clinic-prices-include-tax = Los precios incluyen impuestos
gui-clinic-included-hint = El cliente paga el precio mostrado; el impuesto es la parte que la clínica debe.
gui-clinic-added-hint = La caja suma el impuesto a los precios mostrados.
gui-clinic-save = Guardar datos de la clínica
gui-clinic-first-run = La razón social, la dirección y el NIF de la clínica aún no están: los tiques se imprimen sin ellos.
gui-clinic-set-up = Completar los datos
gui-clinic-later = Más tarde
# The difference of a past shift in its table, in a word.
gui-shift-over-word = Sobrante
gui-shift-short-word = Faltante
## Appointment book (calendar)
gui-nav-appointments = Citas
gui-appointment-checked-in = Ha llegado
gui-book-day = Día
gui-book-week = Semana
gui-book-all-clinicians = Todos los profesionales
gui-book-previous = Anterior
gui-book-today = Hoy
gui-book-next = Siguiente
gui-book-new = Nueva cita
gui-book-go-to = Ir a la fecha
gui-book-open = Abrir la agenda
gui-book-unassigned = Sin profesional
gui-book-unlinked-short = sin vincular
gui-book-cancelled =
    { $count ->
        [one] { $count } cita cancelada
       *[other] { $count } citas canceladas
    }
gui-book-title-new = Dar una cita
gui-book-title-move = Cambiar la cita
gui-book-find-patient = Buscar paciente (nombre o número de historia)
gui-book-change-patient = Cambiar
gui-book-clinician-none = (aún sin asignar)
gui-book-date = Día
gui-book-start = Hora de inicio
gui-book-length = Duración
gui-book-minutes-value = { $count } minutos
gui-book-reason = Motivo de la visita
gui-book-save = Reservar
gui-book-save-move = Cambiar
gui-book-choose-patient = Elija un paciente de la lista.
gui-book-bad-date = Indique el día como fecha, por ejemplo 31/12/2026.
gui-book-bad-time = Indique la hora de inicio en horas y minutos, por ejemplo 9:30.
gui-book-cancel-title = ¿Cancelar esta cita?
gui-book-cancel-explain = La cita de { $who }, { $when }, quedará cancelada. Se queda en la agenda con el motivo.
gui-book-cancel-reason = Motivo de la cancelación
gui-book-cancel-confirm = Cancelar la cita
gui-book-keep = Mantenerla
gui-book-close = Cerrar
gui-book-source = Reservada a través de
gui-book-open-chart = Abrir historia
gui-book-start-visit = Empezar consulta
gui-book-check-in = Registrar llegada
gui-book-no-show = Marcar como no acudió
gui-book-move = Cambiar…
gui-book-cancel = Cancelar…
gui-book-invitee = Quién reservó en línea
gui-book-unlinked = Aún no vinculada a una historia clínica.
gui-book-invitee-name = Nombre
gui-book-matches = Pacientes con este correo o teléfono
gui-book-no-matches = Ningún paciente tiene este correo o teléfono.
gui-book-match-email = mismo correo
gui-book-match-phone = mismo teléfono
gui-book-link = Vincular
gui-book-search-other = Buscar otro paciente
gui-book-register = Registrar paciente nuevo
gui-book-calendar-of = Agenda de
gui-book-overlap = { $who } ya atiende a { $name } a las { $when }.
# Photos: body map, file browser, visit link, comparison over time
gui-photos-map-title = Mapa corporal
gui-photos-map-front = Delante
gui-photos-map-back = Espalda
gui-photos-map-region-front = { $name }, delante
gui-photos-map-region-back = { $name }, detrás
gui-photos-part-chosen = Elegida: { $name }
gui-photos-part-none = Haga clic en una zona del cuerpo o elíjala de la lista.
gui-photos-part-needed = Elija primero la zona del cuerpo.
gui-photos-visit = Consulta
gui-photos-no-visit = Sin consulta vinculada
gui-photos-visit-of = Consulta del { $when }
gui-photos-gallery-of = Fotos de esta zona: { $name }
gui-photos-show-all = Mostrar todas las zonas
gui-photos-compare = Comparar en el tiempo
gui-photos-choose = Elegir archivos…
gui-photos-drop-now = Suelte para añadir estos archivos.
gui-photos-files-chosen = { $count ->
    [one] { $count } archivo listo para añadir:
   *[other] { $count } archivos listos para añadir:
}
gui-photos-remove-file = Quitar de la lista
gui-photos-remove-named = Quitar { $name }
gui-photos-add-files = { $count ->
    [one] Añadir la foto
   *[other] Añadir { $count } fotos
}
gui-photos-added-count = { $count ->
    [one] Foto añadida.
   *[other] { $count } fotos añadidas.
}
gui-photos-not-imported = { $name } no se añadió: { $reason }
gui-picker-title = Elegir fotos
gui-picker-home = Carpeta personal
gui-picker-pictures = Imágenes
gui-picker-up = Subir una carpeta
gui-picker-folder = Carpeta
gui-picker-confirm = { $count ->
    [one] Usar este archivo
   *[other] Usar estos { $count } archivos
}
gui-picker-unreadable = No se puede leer esta carpeta.
gui-picker-empty = Aquí no hay carpetas ni imágenes.
gui-picker-truncated = Esta carpeta tiene demasiados archivos: solo se listan los primeros.
gui-compare-heading = Evolución: { $name }
gui-compare-close = Volver a la galería
gui-compare-keys = Las flechas izquierda y derecha recorren la foto posterior; con Mayús, la anterior.
gui-compare-earlier = Foto anterior
gui-compare-later = Foto posterior
gui-compare-step-earlier = { $name }: un paso antes
gui-compare-step-later = { $name }: un paso después
gui-compare-position = { $number } de { $count }
gui-compare-series-item = Foto { $number } de { $count }

## The till: tax added on top of prices that exclude it
gui-pos-tax-added = Impuesto añadido
