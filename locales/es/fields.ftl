### Etiquetas de los campos. Los mensajes de error las reciben en $field.

## Paciente

field-first-name = Nombre
field-last-name = Apellidos
field-middle-name = Segundo nombre
field-birth-date = Fecha de nacimiento
field-sex = Sexo
field-phone = Teléfono
field-email = Correo electrónico
field-address = Dirección
field-mrn = N.º de historia clínica
field-allergies = Alergias
field-medical-history = Antecedentes médicos
field-notes = Notas

## Consulta (SOAP)

field-date = Fecha
field-clinician = Profesional
field-complaint = Motivo de consulta
field-subjective = Subjetivo
field-objective = Objetivo
field-assessment = Evaluación
field-plan = Plan de tratamiento
field-diagnosis = Diagnóstico

## Productos, existencias y ventas

field-sku = Referencia
field-name = Nombre del producto
field-category = Categoría
field-price = Precio
field-currency = Moneda
field-barcode = Código de barras
field-active = Activo
field-reorder-level = Nivel de reposición
field-tax-class = Categoría fiscal
field-quantity = Cantidad
field-reason = Motivo
field-item = Artículo
field-payment = Pago
field-discount = Descuento

## Usuarios y ajustes

field-username = Nombre de usuario
field-password = Contraseña
field-role = Rol
field-display-name = Nombre visible
field-clinic-name = Nombre de la clínica
field-node-name = Nombre del puesto
field-locale = Idioma

## Citas y fotos

field-start = Inicio
field-end = Fin
field-body-part = Zona del cuerpo
field-tags = Etiquetas
field-file = Archivo

# Prescriptions
field-drug = Fármaco
field-dose = Dosis
field-refills = Repeticiones
