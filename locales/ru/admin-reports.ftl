# /admin/reports: продажи, склад, приёмы и новые пациенты одной клиники за период.
admin-nav-reports = Отчёты
admin-reports-title = Отчёты клиники
admin-reports-intro = Продажи, склад, приёмы и новые пациенты одной клиники за период. Дни — дни по UTC; каждая сумма — в валюте, в которой она получена.
admin-reports-clinic = Клиника
admin-reports-from = С
admin-reports-to = По
admin-reports-preset = Период
admin-reports-show = Показать отчёт
admin-reports-presets = Быстрый выбор:
admin-reports-preset-today = Сегодня
admin-reports-preset-this-week = Эта неделя
admin-reports-preset-this-month = Этот месяц
admin-reports-preset-last-month = Прошлый месяц
admin-reports-period = С { $from } по { $to }: { $count ->
    [one] { $count } день
    [few] { $count } дня
   *[many] { $count } дней
}
admin-reports-no-clinics = Вам пока не видна ни одна клиника.
admin-reports-no-clinic = Такой клиники нет.
admin-reports-no-report = Такого отчёта нет.
admin-reports-error-not-a-date = введите дату в виде ГГГГ-ММ-ДД.
admin-reports-error-reversed = период заканчивается раньше, чем начинается.
admin-reports-error-too-long = { $count ->
    [one] отчёт охватывает не больше { $count } дня.
   *[other] отчёт охватывает не больше { $count } дней.
}
admin-reports-error-unknown-preset = такого периода нет.
admin-reports-csv = Скачать CSV
admin-reports-sales = Продажи по дням
admin-reports-methods = Продажи по способам оплаты
admin-reports-tax = Продажи по ставкам налога
admin-reports-stock = Оценка склада
admin-reports-visits = Приёмы по врачам
admin-reports-patients = Новые пациенты
admin-reports-col-date = День
admin-reports-col-sales = Продажи
admin-reports-col-refunds = Возвраты
admin-reports-col-voids = Аннулирования
admin-reports-col-gross = Продажи брутто
admin-reports-col-refunded = Возвращено
admin-reports-col-voided = Аннулировано
admin-reports-col-net = Выручка нетто
admin-reports-col-tax = Налог
admin-reports-col-currency = Валюта
admin-reports-col-method = Способ оплаты
admin-reports-col-rate = Ставка налога
admin-reports-col-taxable = Облагаемая сумма
admin-reports-col-sku = Артикул
admin-reports-col-product = Товар
admin-reports-col-on-hand = На складе
admin-reports-col-unit-price = Цена за единицу
admin-reports-col-value = Стоимость запаса
admin-reports-col-clinician = Врач
admin-reports-col-visits = Приёмы
admin-reports-col-signed = Подписано
admin-reports-col-new-patients = Новые пациенты
admin-reports-total = Итого за период
admin-reports-below-zero = ниже нуля
admin-reports-no-price = без цены
admin-reports-stock-note = Оценка по текущим ценам продажи (закупочная цена не хранится). Остаток ниже нуля показан, но в стоимость не входит.
admin-reports-empty = За этот период ничего нет.
admin-reports-method-cash = Наличные
admin-reports-method-card = Карта
admin-reports-method-other = Другое
admin-reports-chart-net = Выручка нетто по дням
admin-reports-chart-methods = Выручка нетто по способам оплаты
admin-reports-chart-stock = Стоимость запаса самых ценных товаров
admin-reports-chart-visits = Приёмы по врачам
admin-reports-chart-patients = Новые пациенты по дням
admin-reports-unknown-clinician = Врач не указан
