### Páginas de administración del hub (/admin).

admin-title = Hub de Dermis
admin-nav-overview = Clínicas y puestos
admin-nav-health = Almacenamiento y base de datos
admin-signed-in-as = Sesión iniciada como
admin-sign-out = Cerrar sesión
admin-language = Idioma
admin-live-connected = En vivo: los cambios aparecen sin recargar
admin-live-reconnecting = Conexión perdida, reconectando…
admin-unavailable = El hub no puede leer su base de datos en este momento. Esta página sigue intentándolo.
admin-yes = sí
admin-no = no
admin-never = nunca

## Inicio de sesión

admin-login-title = Iniciar sesión en el hub
admin-login-username = Nombre de usuario
admin-login-password = Contraseña
admin-login-submit = Entrar
admin-login-invalid = Usuario desconocido o contraseña incorrecta.
admin-login-rate-limited = Demasiados intentos fallidos. Espere unos minutos y vuelva a intentarlo.
admin-login-unavailable = El hub no puede conectar con su base de datos. Inténtelo más tarde.

## Clínicas y puestos

admin-overview-title = Clínicas y puestos de trabajo
admin-summary-online = En línea: { $count }
admin-summary-behind = con retraso: { $count }
admin-summary-offline = sin conexión: { $count }
admin-no-clinics = Todavía no hay clínicas. Cree una con: dermis-hub clinic add --name "…"
admin-no-nodes = Esta clínica aún no tiene puestos. Añada uno con: dermis-hub node add
admin-clinic-seq = registro de cambios en { $count }
admin-col-node = Puesto de trabajo
admin-col-state = Estado
admin-col-last-seen = Último contacto
admin-col-last-sync = Última sincronización
admin-col-version = Versión de la aplicación
admin-col-cursor = Aplicado hasta
admin-col-outbox = Pendiente en el puesto
admin-col-error = Último error
admin-state-up-to-date = Al día
admin-state-behind = { $count ->
    [one] Con retraso ({ $count } cambio)
    [many] Con retraso ({ $count } de cambios)
   *[other] Con retraso ({ $count } cambios)
}
admin-state-unsynced = { $count ->
    [one] En línea, { $count } cambio por enviar
    [many] En línea, { $count } de cambios por enviar
   *[other] En línea, { $count } cambios por enviar
}
admin-state-offline-since = Sin conexión desde el
admin-state-never-connected = Nunca se ha conectado
admin-state-pending = Esperando la inscripción
admin-state-revoked = Acceso revocado
admin-outbox-empty = nada
admin-outbox-changes = { $count ->
    [one] { $count } cambio
    [many] { $count } de cambios
   *[other] { $count } cambios
}
admin-outbox-oldest = el más antiguo:
admin-size-units = bytes kB MB GB
admin-ago-seconds = { $count ->
    [one] hace { $count } segundo
    [many] hace { $count } de segundos
   *[other] hace { $count } segundos
}
admin-ago-minutes = { $count ->
    [one] hace { $count } minuto
    [many] hace { $count } de minutos
   *[other] hace { $count } minutos
}
admin-ago-hours = { $count ->
    [one] hace { $count } hora
    [many] hace { $count } de horas
   *[other] hace { $count } horas
}
admin-ago-days = { $count ->
    [one] hace { $count } día
    [many] hace { $count } de días
   *[other] hace { $count } días
}

## Un puesto

admin-node-title = Puesto
admin-node-unknown-title = Puesto desconocido
admin-node-unknown = Ese puesto no existe.
admin-node-back = Todos los puestos
admin-node-clinic = Clínica
admin-node-number = Prefijo de los tiques
admin-node-id = Identificador del puesto
admin-node-access = Acceso
admin-node-chain = Cadena de recibos
admin-chain-intact = íntegra: { $count } recibos, { $first } … { $last }
admin-chain-none = aún no hay recibos encadenados
admin-chain-broken = ROTA en { $receipt } ({ $kind })
admin-access-pending = esperando la inscripción
admin-access-active = activo
admin-access-revoked = revocado
admin-node-enrolled-name = Nombre que se dio a sí mismo
admin-node-enrolled-at = Inscrito
admin-node-lag = { $count ->
    [one] { $count } cambio de retraso
    [many] { $count } de cambios de retraso
   *[other] { $count } cambios de retraso
}
admin-sessions-title = Sesiones de sincronización recientes
admin-sessions-none = Todavía no hay sesiones de sincronización.
admin-session-started = Inicio
admin-session-ended = Fin
admin-session-open = sigue conectado
admin-session-frames = Mensajes recibidos / enviados
admin-session-bytes = Datos recibidos / enviados
admin-session-docs = Documentos recibidos / enviados
admin-session-close = Código de cierre
admin-session-error = Error de la sesión

## Almacenamiento y base de datos

admin-health-title = Almacenamiento y base de datos
admin-health-database = Base de datos
admin-health-reachable = Responde
admin-health-migrations = Esquema
admin-health-migrations-ok = al día
admin-health-migrations-missing = faltan migraciones
admin-health-backend = Tipo
admin-health-backend-postgres = PostgreSQL, compartida por todas las instancias del hub
admin-health-backend-sqlite = Archivo SQLite integrado
admin-health-size = Tamaño en disco
admin-health-clinics = Clínicas
admin-health-nodes = Puestos de trabajo
admin-health-docs = Documentos guardados
admin-health-doc-bytes = Volumen de documentos
admin-health-sessions = Sesiones de sincronización registradas
admin-health-admins = Administradores del hub
admin-health-storage = Almacenamiento de fotos
admin-health-blob-dir = Ubicación
admin-health-writable = Con permiso de escritura

## Jobs

admin-nav-jobs = Tareas
admin-jobs-title = Tareas en segundo plano
admin-jobs-open = En espera, en curso y con error
admin-jobs-done = Terminadas recientemente
admin-jobs-none = Ninguna.
admin-job-state-pending = en espera
admin-job-state-running = en curso
admin-job-state-failed = con error, se reintentará
admin-job-state-dead = con error definitivo
admin-job-state-done = terminada
admin-job-col-id = Tarea
admin-job-col-kind = Tipo
admin-job-col-state = Estado
admin-job-col-attempts = Intentos
admin-job-col-when = Cuándo
admin-job-col-error = Último error
admin-job-kind-thumbnail = Miniaturas de foto
admin-job-kind-webhook = Envío de webhook
admin-job-attempts = { $count } de { $max }
admin-job-next = próximo intento { $when }
admin-job-heartbeat = activa a las { $when }
admin-job-retry = Reintentar
admin-job-unknown = No existe esa tarea.
admin-job-not-retryable = Solo se puede reintentar una tarea con error; esta espera, está en curso o terminó.

## Cómo llega cada puesto al hub (según su última conexión).
admin-node-link = Conexión con el hub
admin-link-tls = Cifrada (TLS)
admin-link-loopback-http = http sin cifrar en la propia máquina del hub
admin-link-insecure-http = Sin cifrar: http en claro por la red
admin-link-unknown = No indicada (versión antigua de la aplicación)
admin-insecure-badge = conexión insegura

# An admin limited to clinics asked for a page about the whole hub (health, jobs).
admin-forbidden-title = No disponible para esta cuenta
admin-forbidden-hub-wide = Esta página abarca todo el hub; su cuenta está limitada a algunas clínicas.

# Single sign-on through the OpenID Provider (the sign-in page).
admin-login-sso = Iniciar sesión con inicio de sesión único
admin-login-sso-failed = El inicio de sesión único no se completó. Inténtelo de nuevo.
admin-login-sso-unknown = Ninguna cuenta de administrador del hub corresponde a esta identidad. Pida a un administrador que le añada.
admin-login-sso-unavailable = No se puede contactar con el proveedor de identidad. Inténtelo más tarde o inicie sesión con su contraseña.
admin-login-sso-continue = Continuar al hub

# /admin/audit
admin-nav-audit = Auditoría
admin-audit-title = Registro de auditoría
admin-audit-intro = Quién hizo qué en los puestos de las clínicas: consultas de historias, cambios, firmas, exportaciones, inicios de sesión e intentos fallidos. Las entradas solo contienen identificadores, nunca contenido clínico, y no se pueden modificar.
admin-audit-none = Ninguna entrada coincide.
admin-audit-col-when = Cuándo
admin-audit-col-node = Puesto
admin-audit-col-user = Usuario
admin-audit-col-action = Acción
admin-audit-col-target = Objeto
admin-audit-filter-clinic = Clínica
admin-audit-all-clinics = Todas las clínicas
admin-audit-filter-user = Usuario
admin-audit-filter-patient = Id del paciente
admin-audit-filter-from = Desde
admin-audit-filter-to = Hasta
admin-audit-filter-submit = Mostrar
admin-audit-older = Entradas anteriores
admin-audit-bad-filter = no válido (fechas AAAA-MM-DD, ids UUID)
admin-audit-patient-trail = registro del paciente
admin-audit-action-view = Consultado
admin-audit-action-create = Creado
admin-audit-action-update = Modificado
admin-audit-action-sign = Firmado
admin-audit-action-addendum = Adenda
admin-audit-action-print = Impreso
admin-audit-action-export = Exportado
admin-audit-action-erase = Borrado
admin-audit-action-sign-in = Inicio de sesión
admin-audit-action-sign-in-failed = Inicio fallido
admin-audit-action-backup = Copia de seguridad
admin-audit-action-override-allergy = Prescrito pese a una alergia
admin-audit-action-merge = Fusionado
