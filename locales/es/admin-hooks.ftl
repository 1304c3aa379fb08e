### Páginas de administración del hub: envíos de webhooks, stock negativo y conflictos
### abiertos. Los mensajes solo reciben $count (un número): nombres, horas y códigos
### los coloca la página al lado.

admin-nav-webhooks = Envíos de webhooks
admin-nav-stock = Stock negativo
admin-nav-conflicts = Conflictos abiertos
admin-col-clinic = Clínica
admin-col-updated = Actualizado
admin-doc-type-clinic = Ajustes de la clínica
admin-doc-type-patient = Historia del paciente
admin-doc-type-product = Producto
admin-doc-type-ledger = Libro de ventas y stock
admin-doc-type-appointment = Cita

## Envíos de webhooks

admin-webhooks-title = Envíos de webhooks
admin-webhooks-intro = Los últimos eventos enviados a los otros sistemas de la clínica. Un envío fallido se reintenta, con pausas crecientes, durante 24 horas.
admin-webhooks-none = Todavía no se ha enviado nada. Añada un webhook con: dermis-hub webhook add --url … --events …
admin-webhooks-col-event = Evento
admin-webhooks-col-url = Enviado a
admin-webhooks-col-state = Estado
admin-webhooks-col-attempts = Intentos
admin-webhooks-col-answer = Última respuesta
admin-webhook-state-pending = Pendiente de envío
admin-webhook-state-failed = Falló, se reintentará
admin-webhook-state-delivered = Entregado
admin-webhook-state-dead = Abandonado
admin-webhooks-next = próximo intento
admin-webhooks-no-answer = sin respuesta

## Stock negativo

admin-stock-title = Stock negativo
admin-stock-intro = Productos vendidos o retirados por encima del stock, casi siempre por puestos que vendían sin conexión a la vez. Cuente el estante y registre un movimiento de stock en un puesto.
admin-stock-none = Ningún producto está por debajo de cero.
admin-col-sku = Referencia
admin-col-on-hand = Existencias

## Conflictos abiertos

admin-conflicts-title = Conflictos abiertos
admin-conflicts-intro = Campos que dos puestos cambiaron a la vez. Se guardan ambos valores; alguien elige uno en un puesto.
admin-conflicts-none = Ningún registro tiene valores en conflicto.
admin-col-document = Registro
admin-col-fields = Campos

## Staff and role changes

admin-nav-staff = Cambios de personal
admin-staff-title = Cambios de personal y roles
admin-staff-intro = Cada cambio en los usuarios y roles de una clínica: quién lo hizo, cuándo (según el reloj del puesto) y en qué puesto. Solo un administrador activo de la clínica puede hacerlo; el hub rechaza los demás.
admin-staff-none = Aún no hay cambios de personal.
admin-staff-col-when = Cuándo
admin-staff-col-by = Cambiado por
admin-staff-col-node = Puesto
admin-staff-col-user = Usuario
admin-staff-col-change = Cambio
admin-staff-when-unknown = no registrado
admin-staff-by-operator = el operador del puesto (antes de que la clínica tuviera administrador)
admin-staff-by-hub = el hub
admin-staff-by-unknown = desconocido (sin registro del autor)
admin-staff-by-unknown-user = un usuario que la clínica no tiene
admin-staff-node-none = —
admin-staff-node-unknown = puesto desconocido
# $role is a role name (admin-staff-role-*).
admin-staff-what-added = añadido como { $role }
admin-staff-what-role = rol cambiado a { $role }
admin-staff-what-deactivated = desactivado
admin-staff-what-reactivated = reactivado
admin-staff-what-password = contraseña cambiada
admin-staff-what-username = nombre de usuario cambiado
admin-staff-what-display-name = nombre visible cambiado
admin-staff-what-removed = eliminado
admin-staff-what-roles = definiciones de roles cambiadas
admin-staff-role-admin = Administrador
admin-staff-role-doctor = Médico
admin-staff-role-nurse = Enfermería
admin-staff-role-reception = Recepción
admin-staff-role-cashier = Cajero
