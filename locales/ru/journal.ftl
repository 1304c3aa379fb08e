### Журнал продаж в окне: каждая продажа, возврат и аннулирование; продажа открыта,
### напечатана снова, возвращена или аннулирована. $receipt — номер чека вида N1-000123;
### суммы ($amount) приходят уже с валютой.

gui-nav-journal = Журнал продаж
gui-journal-title = Журнал продаж

## Поиск

gui-journal-search = Найти
gui-journal-receipt = Номер чека
gui-journal-receipt-hint = Полный номер чека (N1-000123), его начало или только число (123)
gui-journal-receipt-all-dates = Номер чека ищется за все даты.
gui-journal-patient = Пациент
gui-journal-patient-hint = Имя или номер медкарты
gui-journal-product = Товар
gui-journal-product-hint = Название, артикул или штрихкод
gui-journal-from = С
gui-journal-to = По
gui-journal-today = Сегодня
gui-journal-all-dates = Все даты
gui-journal-clear = Сбросить поиск
gui-field-from = С
gui-field-to = По

## Итоги найденного. $day, $from и $to — даты.

gui-journal-totals-day = Итоги за { $day }
gui-journal-totals-days = Итоги с { $from } по { $to }
gui-journal-totals-since = Итоги с { $from }
gui-journal-totals-until = Итоги по { $to }
gui-journal-totals-all = Итоги за все даты
gui-journal-totals-found = Итоги найденных чеков
gui-journal-count = Кол-во
gui-journal-amount = Сумма
gui-journal-sales = Продажи
gui-journal-refunds = Возвраты
gui-journal-voids = Аннулирования
gui-journal-net = Итого
gui-journal-by-method = По способам оплаты

## Таблица

gui-journal-col-receipt = Чек
gui-journal-col-when = Дата и время
gui-journal-col-cashier = Кассир
gui-journal-col-patient = Пациент
gui-journal-col-items = Товары
gui-journal-col-payment = Оплата
gui-journal-col-total = Сумма
gui-journal-col-status = Статус
gui-journal-status-sale = Продажа
gui-journal-status-partly-refunded = Частичный возврат
gui-journal-status-refunded = Возвращена
gui-journal-status-voided = Аннулирована
gui-journal-status-refund = Возврат по { $receipt }
gui-journal-status-void = Аннулирование { $receipt }
gui-journal-empty = Ни одна продажа, возврат или аннулирование не подходит под поиск.
# $first, $last и $total — числа: показанные строки и сколько найдено.
gui-journal-range = { $first }–{ $last } из { $total }
gui-journal-previous = Назад
gui-journal-next = Далее

## Открытая запись

gui-journal-back = Назад к журналу
gui-journal-sale-title = Продажа { $receipt }
gui-journal-refund-title = Возврат { $receipt }
gui-journal-void-title = Аннулирование { $receipt }
gui-journal-cashier = Кассир: { $name }
# $mrn — номер медкарты пациента.
gui-journal-patient-line = Пациент: { $name } ({ $mrn })
gui-journal-reverses = Отменяет продажу
gui-journal-reason = Причина: { $reason }
gui-journal-col-product = Товар
gui-journal-col-sku = Артикул
gui-journal-col-qty = Кол-во
gui-journal-col-unit = Цена
gui-journal-col-discount = Скидка
gui-journal-col-tax = Ставка налога
gui-journal-col-line-total = Сумма строки
gui-journal-col-refunded = Возвращено
# $rate — процент вида 20 %; $amount — цена, в которую налог включён.
gui-journal-tax-rate = Налог { $rate } в сумме { $amount }
gui-journal-change = Выдана сдача
gui-journal-chain-title = Цепочка чеков
gui-journal-chain-intact = Цел: содержимое совпадает с хешем, чек идёт за { $previous }.
gui-journal-chain-intact-first = Цел: содержимое совпадает с хешем, с этого чека начинается цепочка рабочего места.
gui-journal-chain-edited = Изменён: содержимое не совпадает с хешем.
gui-journal-chain-missing = Предыдущего чека нет на этом рабочем месте (ещё не синхронизирован или удалён).
gui-journal-chain-reordered = Нарушен порядок: чек не продолжает предыдущий.
gui-journal-chain-unchained = Записан до того, как чеки стали связываться в цепочку: проверять нечего.
gui-journal-reversals = Возвраты и аннулирования
gui-journal-reversals-none = Ничего не возвращено и не аннулировано.
gui-journal-col-kind = Вид
gui-journal-col-reason = Причина
gui-journal-kind-refund = Возврат
gui-journal-kind-void = Аннулирование

## Печать. $path — куда сохранён файл.

gui-journal-print = Напечатать чек
gui-journal-print-entry = Напечатать чек { $receipt }
gui-journal-save-text = Сохранить как текст
gui-journal-save-text-hint = 48 колонок, для чековых принтеров 80 мм
gui-journal-printed = Чек { $receipt } открыт в программе просмотра PDF. Сохранён как { $path }
gui-journal-printed-not-opened = Ни одна программа просмотра PDF не открыла чек { $receipt }. Он сохранён как { $path }
gui-journal-saved-text = Чек { $receipt } сохранён как текст (48 колонок): { $path }
gui-error-unwritable = Не удалось записать файл. Проверьте, что в папку данных можно писать и в ней есть место.

## Возвраты и аннулирования

gui-journal-refund = Вернуть товары…
gui-journal-void = Аннулировать продажу…
gui-journal-refund-voided = Продажа аннулирована: возвращать нечего.
gui-journal-refund-nothing-left = Всё по этой продаже уже возвращено.
gui-journal-void-voided = Продажа уже аннулирована.
gui-journal-void-refunded = Часть продажи уже возвращена: оформите возврат остального вместо аннулирования.
gui-journal-refund-dialog-title = Возврат товаров по продаже { $receipt }
gui-journal-col-sold = Продано
gui-journal-col-left = Можно вернуть
gui-journal-col-refund = Вернуть
gui-journal-refund-all = Всё, что осталось
gui-journal-refund-method = Вернуть через
# $method — способ оплаты (Наличные, Карта, Другое).
gui-journal-refund-explain = { $amount } возвращается, способ: { $method }; товары возвращаются на склад. Продажа { $receipt } остаётся в журнале, возврат — рядом с ней.
gui-journal-refund-none = Выберите, сколько единиц каждого товара вернуть.
gui-journal-refund-confirm = Вернуть { $amount }
gui-journal-void-dialog-title = Аннулировать продажу { $receipt }?
# $payments перечисляет оплаты, например «Карта 20,00 €, Наличные 25,00 €».
gui-journal-void-explain = Продажа отменяется целиком: { $amount } возвращается ({ $payments }), все товары возвращаются на склад. Продажа { $receipt } остаётся в журнале с отметкой «аннулирована», аннулирование — рядом с ней.
gui-journal-void-confirm = Аннулировать продажу
gui-journal-reason-hint = Почему? Записывается в запись и в журнал аудита.
gui-journal-refund-done = Возврат { $receipt } оформлен.
gui-journal-void-done = Аннулирование { $receipt } оформлено.
