### Сторінки адміністратора хаба: доставка вебхуків, від'ємні залишки та відкриті
### конфлікти. Повідомлення приймають лише $count (число): імена, час і коди
### сторінка ставить поруч.

admin-nav-webhooks = Доставка вебхуків
admin-nav-stock = Від'ємні залишки
admin-nav-conflicts = Відкриті конфлікти
admin-col-clinic = Клініка
admin-col-updated = Оновлено
admin-doc-type-clinic = Налаштування клініки
admin-doc-type-patient = Картка пацієнта
admin-doc-type-product = Товар
admin-doc-type-ledger = Журнал продажів і складу
admin-doc-type-appointment = Запис на прийом

## Доставка вебхуків

admin-webhooks-title = Доставка вебхуків
admin-webhooks-intro = Останні події, надіслані в інші системи клініки. Невдала доставка повторюється зі зростаючими паузами впродовж 24 годин.
admin-webhooks-none = Поки нічого не надіслано. Додайте вебхук: dermis-hub webhook add --url … --events …
admin-webhooks-col-event = Подія
admin-webhooks-col-url = Куди
admin-webhooks-col-state = Стан
admin-webhooks-col-attempts = Спроби
admin-webhooks-col-answer = Остання відповідь
admin-webhook-state-pending = Чекає на надсилання
admin-webhook-state-failed = Не доставлено, буде повтор
admin-webhook-state-delivered = Доставлено
admin-webhook-state-dead = Спроби припинено
admin-webhooks-next = наступна спроба
admin-webhooks-no-answer = немає відповіді

## Від'ємні залишки

admin-stock-title = Від'ємні залишки
admin-stock-intro = Товари, продані або списані понад залишок, зазвичай коли робочі місця продавали офлайн одночасно. Перерахуйте полицю й внесіть рух товару на робочому місці.
admin-stock-none = Жоден товар не пішов у мінус.
admin-col-sku = Артикул
admin-col-on-hand = Залишок

## Відкриті конфлікти

admin-conflicts-title = Відкриті конфлікти
admin-conflicts-intro = Поля, які два робочі місця змінили одночасно. Обидва значення збережено; вибрати одне треба на робочому місці.
admin-conflicts-none = У жодному записі немає конфліктних значень.
admin-col-document = Запис
admin-col-fields = Поля
