### Errores de validación. $field es la etiqueta del campo, ya traducida.

error-required = El campo «{ $field }» es obligatorio.
error-too-long =
    El campo «{ $field }» admite como máximo { $max } { $max ->
        [one] carácter
       *[other] caracteres
    }.
error-invalid-chars = El campo «{ $field }» contiene caracteres no permitidos.
error-invalid-date = El campo «{ $field }» no contiene una fecha válida.
error-date-in-future = La fecha del campo «{ $field }» no puede ser futura.
error-date-too-old = La fecha del campo «{ $field }» es demasiado antigua.
error-invalid-email = El campo «{ $field }» no contiene un correo electrónico válido.
error-invalid-phone = El campo «{ $field }» no contiene un número de teléfono válido.
error-invalid-sex = Campo «{ $field }»: elija uno de los valores indicados.
error-invalid-amount = El campo «{ $field }» no contiene un importe válido.
error-invalid-currency = Campo «{ $field }»: código de moneda desconocido.
error-currency-mismatch = Campo «{ $field }»: la moneda no coincide con la del resto de la venta.
error-negative-amount = El campo «{ $field }» no puede ser negativo.
error-invalid-sku = El campo «{ $field }» no contiene una referencia válida.
error-duplicate-sku = Campo «{ $field }»: otro producto ya usa este valor.
error-unknown-sku = Campo «{ $field }»: ningún producto tiene esta referencia.
error-inactive-product = Campo «{ $field }»: este producto ya no se vende.
error-invalid-quantity = El campo «{ $field }» debe ser como mínimo { $min }.
error-invalid-icd10 = El campo «{ $field }» no contiene un código CIE-10 válido.
error-unknown-patient = Campo «{ $field }»: paciente no encontrado.
error-unknown-encounter = Campo «{ $field }»: consulta no encontrada.
error-encounter-signed = El campo «{ $field }» no se puede modificar: la consulta está firmada. Añada una adenda.
error-insufficient-payment = Campo «{ $field }»: el pago no cubre el total.
error-change-without-cash = Campo «{ $field }»: solo se puede dar cambio en pagos en efectivo.
error-invalid-payment-method = Campo «{ $field }»: método de pago no válido.
error-invalid-body-part = Campo «{ $field }»: zona del cuerpo no válida.
error-invalid-role = Campo «{ $field }»: rol no válido.
error-invalid-locale = Campo «{ $field }»: idioma no admitido.
error-invalid-tax-rate = Campo «{ $field }»: tipo impositivo no válido.
error-invalid-barcode = El campo «{ $field }» no contiene un código de barras válido.
error-invalid-time-range = Campo «{ $field }»: el fin debe ser posterior al inicio.
error-invalid-status = Campo «{ $field }»: estado no válido.
error-invalid-id = El campo «{ $field }» no contiene un identificador válido.
error-invalid-username = El campo «{ $field }» solo puede contener letras, números, puntos, guiones y guiones bajos.
error-weak-password =
    El campo «{ $field }» debe tener al menos { $min } { $min ->
        [one] carácter
       *[other] caracteres
    }.
error-duplicate-username = Campo «{ $field }»: este nombre ya está en uso.
error-discount-too-large = Campo «{ $field }»: el descuento no puede superar el precio.
error-empty-cart = Campo «{ $field }»: el carrito está vacío.
error-invalid-mime = Campo «{ $field }»: este tipo de archivo no es compatible.
error-file-too-large = Campo «{ $field }»: el archivo es demasiado grande (máximo { $max }).
error-unknown-product = Campo «{ $field }»: producto no encontrado.
error-unknown-sale = Campo «{ $field }»: venta no encontrada.
error-already-voided = Campo «{ $field }»: esta venta ya fue anulada.
error-refund-exceeds-sale = Campo «{ $field }»: el reembolso supera el importe de la venta.
error-shift-open = Campo «{ $field }»: ya hay un turno abierto en este puesto; ciérrelo primero.
error-no-open-shift = Campo «{ $field }»: no hay ningún turno abierto en este puesto; abra uno primero.
error-chain-broken = Campo «{ $field }»: la cadena de recibos está rota aquí.
error-permission-denied = Campo «{ $field }»: no tiene permiso para realizar esta acción.
error-allergies-listed = Campo «{ $field }»: el paciente tiene alergias registradas; elimínelas antes de registrar «sin alergias conocidas».
error-allergy-conflict = Campo «{ $field }»: el medicamento coincide con una alergia del paciente.
error-invalid-transition = Campo «{ $field }»: este cambio de estado no está permitido.
error-already-merged = Campo «{ $field }»: el expediente ya se ha fusionado.
