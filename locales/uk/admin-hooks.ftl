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

## Staff and role changes

admin-nav-staff = Зміни персоналу
admin-staff-title = Зміни персоналу та ролей
admin-staff-intro = Усі зміни користувачів і ролей клініки: хто вніс, коли (за годинником робочої станції) і на якій робочій станції. Вносити їх може лише активний адміністратор клініки; інші зміни хаб відхиляє.
admin-staff-none = Змін персоналу ще немає.
admin-staff-col-when = Коли
admin-staff-col-by = Хто змінив
admin-staff-col-node = Робоча станція
admin-staff-col-user = Працівник
admin-staff-col-change = Зміна
admin-staff-when-unknown = не записано
admin-staff-by-operator = оператор робочої станції (до появи адміністратора)
admin-staff-by-hub = хаб
admin-staff-by-unknown = невідомо (немає запису про автора)
admin-staff-by-unknown-user = користувач, якого немає в клініці
admin-staff-node-none = —
admin-staff-node-unknown = невідома робоча станція
# $role is a role name (admin-staff-role-*).
admin-staff-what-added = додано з роллю { $role }
admin-staff-what-role = роль змінено на { $role }
admin-staff-what-deactivated = вимкнено
admin-staff-what-reactivated = знову активний
admin-staff-what-password = пароль змінено
admin-staff-what-username = логін змінено
admin-staff-what-display-name = відображуване ім’я змінено
admin-staff-what-removed = видалено
admin-staff-what-roles = змінено визначення ролей
admin-staff-role-admin = Адміністратор
admin-staff-role-doctor = Лікар
admin-staff-role-nurse = Медсестра
admin-staff-role-reception = Реєстратура
admin-staff-role-cashier = Касир
