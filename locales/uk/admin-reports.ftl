# /admin/reports: продажі, склад, прийоми й нові пацієнти однієї клініки за період.
admin-nav-reports = Звіти
admin-reports-title = Звіти клініки
admin-reports-intro = Продажі, склад, прийоми й нові пацієнти однієї клініки за період. Дні — дні за UTC; кожна сума — у валюті, в якій її отримано.
admin-reports-clinic = Клініка
admin-reports-from = З
admin-reports-to = По
admin-reports-preset = Період
admin-reports-show = Показати звіт
admin-reports-presets = Швидкий вибір:
admin-reports-preset-today = Сьогодні
admin-reports-preset-this-week = Цей тиждень
admin-reports-preset-this-month = Цей місяць
admin-reports-preset-last-month = Минулий місяць
admin-reports-period = З { $from } по { $to }: { $count ->
    [one] { $count } день
    [few] { $count } дні
   *[many] { $count } днів
}
admin-reports-no-clinics = Вам поки не видно жодної клініки.
admin-reports-no-clinic = Такої клініки немає.
admin-reports-no-report = Такого звіту немає.
admin-reports-error-not-a-date = введіть дату як РРРР-ММ-ДД.
admin-reports-error-reversed = період закінчується раніше, ніж починається.
admin-reports-error-too-long = { $count ->
    [one] звіт охоплює не більше { $count } дня.
   *[other] звіт охоплює не більше { $count } днів.
}
admin-reports-error-unknown-preset = такого періоду немає.
admin-reports-csv = Завантажити CSV
admin-reports-sales = Продажі за днями
admin-reports-methods = Продажі за способами оплати
admin-reports-tax = Продажі за ставками податку
admin-reports-stock = Оцінка складу
admin-reports-visits = Прийоми за лікарями
admin-reports-patients = Нові пацієнти
admin-reports-col-date = День
admin-reports-col-sales = Продажі
admin-reports-col-refunds = Повернення
admin-reports-col-voids = Анулювання
admin-reports-col-gross = Продажі брутто
admin-reports-col-refunded = Повернено
admin-reports-col-voided = Анульовано
admin-reports-col-net = Виторг нетто
admin-reports-col-tax = Податок
admin-reports-col-currency = Валюта
admin-reports-col-method = Спосіб оплати
admin-reports-col-rate = Ставка податку
admin-reports-col-taxable = Оподатковувана сума
admin-reports-col-sku = Артикул
admin-reports-col-product = Товар
admin-reports-col-on-hand = На складі
admin-reports-col-unit-price = Ціна за одиницю
admin-reports-col-value = Вартість запасу
admin-reports-col-clinician = Лікар
admin-reports-col-visits = Прийоми
admin-reports-col-signed = Підписано
admin-reports-col-new-patients = Нові пацієнти
admin-reports-total = Разом за період
admin-reports-below-zero = нижче нуля
admin-reports-no-price = без ціни
admin-reports-stock-note = Оцінка за поточними цінами продажу (закупівельна ціна не зберігається). Залишок нижче нуля показано, але до вартості не враховано.
admin-reports-empty = За цей період нічого немає.
admin-reports-method-cash = Готівка
admin-reports-method-card = Картка
admin-reports-method-other = Інше
admin-reports-chart-net = Виторг нетто за днями
admin-reports-chart-methods = Виторг нетто за способами оплати
admin-reports-chart-stock = Вартість запасу найцінніших товарів
admin-reports-chart-visits = Прийоми за лікарями
admin-reports-chart-patients = Нові пацієнти за днями
admin-reports-unknown-clinician = Лікаря не вказано
