### Ошибки проверки. $field — название поля (уже переведённое).

error-required = Поле «{ $field }» обязательно для заполнения.
error-too-long =
    Поле «{ $field }» должно содержать не более { $max } { $max ->
        [one] символа
       *[other] символов
    }.
error-invalid-chars = Поле «{ $field }» содержит недопустимые символы.
error-invalid-date = Поле «{ $field }» содержит недопустимую дату.
error-date-in-future = Дата в поле «{ $field }» не может быть в будущем.
error-date-too-old = Дата в поле «{ $field }» слишком давняя.
error-invalid-email = Поле «{ $field }» содержит недопустимый адрес электронной почты.
error-invalid-phone = Поле «{ $field }» содержит недопустимый номер телефона.
error-invalid-sex = Поле «{ $field }»: выберите одно из предложенных значений.
error-invalid-amount = Поле «{ $field }» содержит недопустимую сумму.
error-invalid-currency = Поле «{ $field }»: неизвестный код валюты.
error-currency-mismatch = Поле «{ $field }»: валюта отличается от валюты остальной продажи.
error-negative-amount = Значение поля «{ $field }» не может быть отрицательным.
error-invalid-sku = Поле «{ $field }» содержит недопустимый артикул.
error-duplicate-sku = Поле «{ $field }»: такое значение уже есть у другого товара.
error-unknown-sku = Поле «{ $field }»: товар с таким артикулом не найден.
error-inactive-product = Поле «{ $field }»: этот товар больше не продаётся.
error-invalid-quantity = Значение поля «{ $field }» должно быть не меньше { $min }.
error-invalid-icd10 = Поле «{ $field }» содержит недопустимый код МКБ-10.
error-unknown-patient = Поле «{ $field }»: пациент не найден.
error-unknown-encounter = Поле «{ $field }»: приём не найден.
error-encounter-signed = Поле «{ $field }» нельзя изменить: приём подписан. Добавьте дополнение.
error-insufficient-payment = Поле «{ $field }»: оплаты недостаточно, чтобы покрыть сумму.
error-change-without-cash = Поле «{ $field }»: сдачу можно выдать только при оплате наличными.
error-invalid-payment-method = Поле «{ $field }»: недопустимый способ оплаты.
error-invalid-body-part = Поле «{ $field }»: недопустимая область тела.
error-invalid-role = Поле «{ $field }»: недопустимая роль.
error-invalid-locale = Поле «{ $field }»: язык не поддерживается.
error-invalid-tax-rate = Поле «{ $field }»: недопустимая ставка налога.
error-invalid-barcode = Поле «{ $field }» содержит недопустимый штрихкод.
error-invalid-time-range = Поле «{ $field }»: окончание должно быть позже начала.
error-invalid-status = Поле «{ $field }»: недопустимый статус.
error-invalid-id = Поле «{ $field }» содержит недопустимый идентификатор.
error-invalid-username = Поле «{ $field }» может содержать только буквы, цифры, точки, дефисы и подчёркивания.
error-weak-password =
    Поле «{ $field }» должно содержать не менее { $min } { $min ->
        [one] символа
       *[other] символов
    }.
error-duplicate-username = Поле «{ $field }»: это имя уже занято.
error-discount-too-large = Поле «{ $field }»: скидка не может превышать цену.
error-empty-cart = Поле «{ $field }»: корзина пуста.
error-invalid-mime = Поле «{ $field }»: этот тип файла не поддерживается.
error-file-too-large = Поле «{ $field }»: файл слишком большой (максимум { $max }).
error-unknown-product = Поле «{ $field }»: товар не найден.
error-unknown-sale = Поле «{ $field }»: продажа не найдена.
error-already-voided = Поле «{ $field }»: эта продажа уже аннулирована.
error-refund-exceeds-sale = Поле «{ $field }»: сумма возврата превышает сумму продажи.
error-shift-open = Поле «{ $field }»: смена на этом рабочем месте уже открыта; сначала закройте её.
error-no-open-shift = Поле «{ $field }»: на этом рабочем месте нет открытой смены; сначала откройте её.
error-chain-broken = Поле «{ $field }»: здесь нарушена цепочка чеков.
error-permission-denied = Поле «{ $field }»: недостаточно прав для этого действия.
error-allergies-listed = Поле «{ $field }»: у пациента записаны аллергии; удалите их, прежде чем отметить «аллергий не выявлено».
error-allergy-conflict = Поле «{ $field }»: препарат совпадает с аллергией пациента.
error-invalid-transition = Поле «{ $field }»: такая смена статуса недопустима.
error-already-merged = Поле «{ $field }»: карта уже объединена.
