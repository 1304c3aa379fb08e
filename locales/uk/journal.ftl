### Журнал продажів у вікні: кожен продаж, повернення й анулювання; продаж відкрито,
### надруковано знову, повернено чи анульовано. $receipt — номер чека на кшталт
### N1-000123; суми ($amount) надходять уже з валютою.

gui-nav-journal = Журнал продажів
gui-journal-title = Журнал продажів

## Пошук

gui-journal-search = Знайти
gui-journal-receipt = Номер чека
gui-journal-receipt-hint = Повний номер чека (N1-000123), його початок або лише число (123)
gui-journal-receipt-all-dates = Номер чека шукається за всі дати.
gui-journal-patient = Пацієнт
gui-journal-patient-hint = Ім’я або номер медичної картки
gui-journal-product = Товар
gui-journal-product-hint = Назва, артикул або штрихкод
gui-journal-from = З
gui-journal-to = По
gui-journal-today = Сьогодні
gui-journal-all-dates = Усі дати
gui-journal-clear = Скинути пошук
gui-field-from = З
gui-field-to = По

## Підсумки знайденого. $day, $from і $to — дати.

gui-journal-totals-day = Підсумки за { $day }
gui-journal-totals-days = Підсумки з { $from } по { $to }
gui-journal-totals-since = Підсумки з { $from }
gui-journal-totals-until = Підсумки по { $to }
gui-journal-totals-all = Підсумки за всі дати
gui-journal-totals-found = Підсумки знайдених чеків
gui-journal-count = К-сть
gui-journal-amount = Сума
gui-journal-sales = Продажі
gui-journal-refunds = Повернення
gui-journal-voids = Анулювання
gui-journal-net = Разом
gui-journal-by-method = За способами оплати

## Таблиця

gui-journal-col-receipt = Чек
gui-journal-col-when = Дата й час
gui-journal-col-cashier = Касир
gui-journal-col-patient = Пацієнт
gui-journal-col-items = Товари
gui-journal-col-payment = Оплата
gui-journal-col-total = Сума
gui-journal-col-status = Статус
gui-journal-status-sale = Продаж
gui-journal-status-partly-refunded = Частково повернено
gui-journal-status-refunded = Повернено
gui-journal-status-voided = Анульовано
gui-journal-status-refund = Повернення за { $receipt }
gui-journal-status-void = Анулювання { $receipt }
gui-journal-empty = Жоден продаж, повернення чи анулювання не відповідає пошуку.
# $first, $last і $total — числа: показані рядки і скільки знайдено.
gui-journal-range = { $first }–{ $last } з { $total }
gui-journal-previous = Назад
gui-journal-next = Далі

## Відкритий запис

gui-journal-back = Назад до журналу
gui-journal-sale-title = Продаж { $receipt }
gui-journal-refund-title = Повернення { $receipt }
gui-journal-void-title = Анулювання { $receipt }
gui-journal-cashier = Касир: { $name }
# $mrn — номер медичної картки пацієнта.
gui-journal-patient-line = Пацієнт: { $name } ({ $mrn })
gui-journal-reverses = Скасовує продаж
gui-journal-reason = Причина: { $reason }
gui-journal-col-product = Товар
gui-journal-col-sku = Артикул
gui-journal-col-qty = К-сть
gui-journal-col-unit = Ціна
gui-journal-col-discount = Знижка
gui-journal-col-tax = Ставка податку
gui-journal-col-line-total = Сума рядка
gui-journal-col-refunded = Повернено
# $rate — відсоток на кшталт 20 %; $amount — ціна, до якої податок включено.
gui-journal-tax-rate = Податок { $rate } у сумі { $amount }
gui-journal-change = Видано решту
gui-journal-chain-title = Ланцюжок чеків
gui-journal-chain-intact = Цілий: вміст збігається з хешем, чек іде за { $previous }.
gui-journal-chain-intact-first = Цілий: вміст збігається з хешем, із цього чека починається ланцюжок робочого місця.
gui-journal-chain-edited = Змінено: вміст не збігається з хешем.
gui-journal-chain-missing = Попереднього чека немає на цьому робочому місці (ще не синхронізовано або видалено).
gui-journal-chain-reordered = Порушено порядок: чек не продовжує попередній.
gui-journal-chain-unchained = Записано до того, як чеки почали зв’язуватися в ланцюжок: перевіряти нічого.
gui-journal-reversals = Повернення й анулювання
gui-journal-reversals-none = Нічого не повернено й не анульовано.
gui-journal-col-kind = Вид
gui-journal-col-reason = Причина
gui-journal-kind-refund = Повернення
gui-journal-kind-void = Анулювання

## Друк. $path — куди збережено файл.

gui-journal-print = Надрукувати чек
gui-journal-print-entry = Надрукувати чек { $receipt }
gui-journal-save-text = Зберегти як текст
gui-journal-save-text-hint = 48 колонок, для чекових принтерів 80 мм
gui-journal-printed = Чек { $receipt } відкрито в переглядачі PDF. Збережено як { $path }
gui-journal-printed-not-opened = Жоден переглядач PDF не відкрив чек { $receipt }. Його збережено як { $path }
gui-journal-saved-text = Чек { $receipt } збережено як текст (48 колонок): { $path }
gui-error-unwritable = Не вдалося записати файл. Перевірте, що до теки даних можна писати і в ній є місце.

## Повернення й анулювання

gui-journal-refund = Повернути товари…
gui-journal-void = Анулювати продаж…
gui-journal-refund-voided = Продаж анульовано: повертати нічого.
gui-journal-refund-nothing-left = Усе з цього продажу вже повернено.
gui-journal-void-voided = Продаж уже анульовано.
gui-journal-void-refunded = Частину продажу вже повернено: оформіть повернення решти замість анулювання.
gui-journal-refund-dialog-title = Повернення товарів за продажем { $receipt }
gui-journal-col-sold = Продано
gui-journal-col-left = Можна повернути
gui-journal-col-refund = Повернути
gui-journal-refund-all = Усе, що лишилося
gui-journal-refund-method = Повернути через
# $method — спосіб оплати (Готівка, Картка, Інше).
gui-journal-refund-explain = { $amount } повертається, спосіб: { $method }; товари повертаються на склад. Продаж { $receipt } лишається в журналі, повернення — поруч із ним.
gui-journal-refund-none = Виберіть, скільки одиниць кожного товару повернути.
gui-journal-refund-confirm = Повернути { $amount }
gui-journal-void-dialog-title = Анулювати продаж { $receipt }?
# $payments перелічує оплати, наприклад «Картка 20,00 €, Готівка 25,00 €».
gui-journal-void-explain = Продаж скасовується повністю: { $amount } повертається ({ $payments }), усі товари повертаються на склад. Продаж { $receipt } лишається в журналі з позначкою «анульовано», анулювання — поруч із ним.
gui-journal-void-confirm = Анулювати продаж
gui-journal-reason-hint = Чому? Записується до запису й до журналу аудиту.
gui-journal-refund-done = Повернення { $receipt } оформлено.
gui-journal-void-done = Анулювання { $receipt } оформлено.
