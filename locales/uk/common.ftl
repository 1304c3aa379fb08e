### Спільні терміни: ролі, переліки, ділянки тіла, кількості.

app-name = Dermis

## Ролі працівників

role-admin = Адміністратор
role-doctor = Лікар
role-nurse = Медсестра
role-reception = Реєстратор
role-cashier = Касир

## Стать пацієнта

sex-female = Жіноча
sex-male = Чоловіча
sex-other = Інша
sex-unknown = Не вказано

## Способи оплати

pay-cash = Готівка
pay-card = Картка
pay-other = Інше

## Рух товарів на складі

stock-in = Надходження
stock-out = Списання
stock-adjust = Коригування

## Статус прийому

status-draft = Чернетка
status-signed = Підписано

## Ділянки тіла

body-scalp = Волосиста частина голови
body-forehead = Лоб
body-face = Обличчя
body-nose = Ніс
body-ear = Вухо
body-lip = Губа
body-neck = Шия
body-chest = Грудна клітка
body-abdomen = Живіт
body-upper-back = Верхня частина спини
body-lower-back = Поперек
body-buttocks = Сідниці
body-genitals = Статеві органи
body-shoulder = Надпліччя
body-upper-arm = Плече
body-elbow = Лікоть
body-forearm = Передпліччя
body-wrist = Зап’ястя
body-hand = Кисть
body-finger = Палець руки
body-nail = Ніготь
body-hip = Кульшова ділянка
body-thigh = Стегно
body-knee = Коліно
body-lower-leg = Гомілка
body-ankle = Щиколотка
body-foot = Стопа
body-toe = Палець ноги
body-mucosa = Слизова оболонка
body-other = Інше

## Кількості

patients-count =
    { $count ->
        [one] { $count } пацієнт
        [few] { $count } пацієнти
        [many] { $count } пацієнтів
       *[other] { $count } пацієнта
    }
items-count =
    { $count ->
        [one] { $count } товар
        [few] { $count } товари
        [many] { $count } товарів
       *[other] { $count } товару
    }
changes-pending =
    { $count ->
        [one] { $count } зміну ще не надіслано на сервер
        [few] { $count } зміни ще не надіслано на сервер
        [many] { $count } змін ще не надіслано на сервер
       *[other] { $count } зміни ще не надіслано на сервер
    }

## Printed clinical documents (document pdf)
doc-phone = Телефон
doc-tax-id = Податковий номер
doc-prescription-title = Рецепт
doc-summary-title = Висновок прийому
doc-patient = Пацієнт
doc-dose = Доза
doc-instructions = Спосіб застосування
doc-refills = Повтори
doc-prescriptions = Призначення
doc-signature = Підпис

## Receipts (receipt print): labels in the clinic's language
rcpt-tax-id = ІПН: { $id }
rcpt-phone = Тел.: { $phone }
rcpt-sale = ПРОДАЖ
rcpt-refund-of = ПОВЕРНЕННЯ за чеком { $receipt }
rcpt-void-of = АНУЛЮВАННЯ чека { $receipt }
rcpt-number = Чек { $receipt }
rcpt-cashier = Касир: { $name }
rcpt-discount = Знижка
rcpt-subtotal = Сума без знижок
rcpt-discounts = Знижки
rcpt-total = РАЗОМ
rcpt-total-refunded = РАЗОМ ПОВЕРНУТО
rcpt-total-voided = РАЗОМ АНУЛЬОВАНО
rcpt-tax-of = ПДВ { $rate } з { $amount }
rcpt-paid-cash = Готівкою
rcpt-paid-card = Карткою
rcpt-paid-other = Іншим способом
rcpt-returned-cash = Повернуто готівкою
rcpt-returned-card = Повернуто на картку
rcpt-returned-other = Повернуто іншим способом
rcpt-change = Решта
rcpt-change-back = Решту повернуто
