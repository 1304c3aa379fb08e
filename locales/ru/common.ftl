### Общие термины: роли, перечисления, области тела, количества.

app-name = Dermis

## Роли сотрудников

role-admin = Администратор
role-doctor = Врач
role-nurse = Медсестра
role-reception = Регистратор
role-cashier = Кассир

## Пол пациента

sex-female = Женский
sex-male = Мужской
sex-other = Другой
sex-unknown = Не указан

## Способы оплаты

pay-cash = Наличные
pay-card = Карта
pay-other = Другое

## Движения склада

stock-in = Приход
stock-out = Расход
stock-adjust = Корректировка

## Статус приёма

status-draft = Черновик
status-signed = Подписан

## Области тела

body-scalp = Волосистая часть головы
body-forehead = Лоб
body-face = Лицо
body-nose = Нос
body-ear = Ухо
body-lip = Губа
body-neck = Шея
body-chest = Грудная клетка
body-abdomen = Живот
body-upper-back = Верхняя часть спины
body-lower-back = Поясница
body-buttocks = Ягодицы
body-genitals = Половые органы
body-shoulder = Надплечье
body-upper-arm = Плечо
body-elbow = Локоть
body-forearm = Предплечье
body-wrist = Запястье
body-hand = Кисть
body-finger = Палец руки
body-nail = Ноготь
body-hip = Тазобедренная область
body-thigh = Бедро
body-knee = Колено
body-lower-leg = Голень
body-ankle = Лодыжка
body-foot = Стопа
body-toe = Палец ноги
body-mucosa = Слизистая оболочка
body-other = Другое

## Количества

patients-count =
    { $count ->
        [one] { $count } пациент
        [few] { $count } пациента
        [many] { $count } пациентов
       *[other] { $count } пациента
    }
items-count =
    { $count ->
        [one] { $count } товар
        [few] { $count } товара
        [many] { $count } товаров
       *[other] { $count } товара
    }
changes-pending =
    { $count ->
        [one] { $count } изменение ещё не отправлено на сервер
        [few] { $count } изменения ещё не отправлены на сервер
        [many] { $count } изменений ещё не отправлено на сервер
       *[other] { $count } изменения ещё не отправлено на сервер
    }

## Printed clinical documents (document pdf)
doc-phone = Телефон
doc-tax-id = ИНН
doc-prescription-title = Рецепт
doc-summary-title = Заключение по приёму
doc-patient = Пациент
doc-dose = Доза
doc-instructions = Способ применения
doc-refills = Повторы
doc-prescriptions = Назначения
doc-signature = Подпись

## Receipts (receipt print): labels in the clinic's language
rcpt-tax-id = ИНН: { $id }
rcpt-phone = Тел.: { $phone }
rcpt-sale = ПРОДАЖА
rcpt-refund-of = ВОЗВРАТ по чеку { $receipt }
rcpt-void-of = АННУЛИРОВАНИЕ чека { $receipt }
rcpt-number = Чек { $receipt }
rcpt-cashier = Кассир: { $name }
rcpt-discount = Скидка
rcpt-subtotal = Сумма без скидок
rcpt-discounts = Скидки
rcpt-total = ИТОГО
rcpt-total-refunded = ИТОГО ВОЗВРАЩЕНО
rcpt-total-voided = ИТОГО АННУЛИРОВАНО
rcpt-tax-of = НДС { $rate } с { $amount }
rcpt-paid-cash = Наличными
rcpt-paid-card = Картой
rcpt-paid-other = Иным способом
rcpt-returned-cash = Возвращено наличными
rcpt-returned-card = Возвращено на карту
rcpt-returned-other = Возвращено иным способом
rcpt-change = Сдача
rcpt-change-back = Сдача возвращена
