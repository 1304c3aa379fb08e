### Страницы администратора хаба: доставка вебхуков, отрицательные остатки и открытые
### конфликты. Сообщения принимают только $count (число): имена, время и коды
### страница ставит рядом.

admin-nav-webhooks = Доставка вебхуков
admin-nav-stock = Отрицательные остатки
admin-nav-conflicts = Открытые конфликты
admin-col-clinic = Клиника
admin-col-updated = Обновлено
admin-doc-type-clinic = Настройки клиники
admin-doc-type-patient = Карта пациента
admin-doc-type-product = Товар
admin-doc-type-ledger = Журнал продаж и склада
admin-doc-type-appointment = Запись на приём

## Доставка вебхуков

admin-webhooks-title = Доставка вебхуков
admin-webhooks-intro = Последние события, отправленные в другие системы клиники. Неудачная доставка повторяется с растущими паузами в течение 24 часов.
admin-webhooks-none = Пока ничего не отправлено. Добавьте вебхук: dermis-hub webhook add --url … --events …
admin-webhooks-col-event = Событие
admin-webhooks-col-url = Куда
admin-webhooks-col-state = Состояние
admin-webhooks-col-attempts = Попытки
admin-webhooks-col-answer = Последний ответ
admin-webhook-state-pending = Ждёт отправки
admin-webhook-state-failed = Не доставлено, будет повтор
admin-webhook-state-delivered = Доставлено
admin-webhook-state-dead = Попытки прекращены
admin-webhooks-next = следующая попытка
admin-webhooks-no-answer = нет ответа

## Отрицательные остатки

admin-stock-title = Отрицательные остатки
admin-stock-intro = Товары, проданные или списанные сверх остатка, обычно когда рабочие места продавали офлайн одновременно. Пересчитайте полку и внесите движение товара на рабочем месте.
admin-stock-none = Ни один товар не ушёл в минус.
admin-col-sku = Артикул
admin-col-on-hand = Остаток

## Открытые конфликты

admin-conflicts-title = Открытые конфликты
admin-conflicts-intro = Поля, которые два рабочих места изменили одновременно. Оба значения сохранены; выбрать одно нужно на рабочем месте.
admin-conflicts-none = Ни в одной записи нет конфликтующих значений.
admin-col-document = Запись
admin-col-fields = Поля

## Staff and role changes

admin-nav-staff = Изменения персонала
admin-staff-title = Изменения персонала и ролей
admin-staff-intro = Все изменения пользователей и ролей клиники: кто внёс, когда (по часам рабочей станции) и на какой рабочей станции. Вносить их может только активный администратор клиники; остальные изменения хаб отклоняет.
admin-staff-none = Изменений персонала пока нет.
admin-staff-col-when = Когда
admin-staff-col-by = Кто изменил
admin-staff-col-node = Рабочая станция
admin-staff-col-user = Сотрудник
admin-staff-col-change = Изменение
admin-staff-when-unknown = не записано
admin-staff-by-operator = оператор рабочей станции (до появления администратора)
admin-staff-by-hub = хаб
admin-staff-by-unknown = неизвестно (нет записи об авторе)
admin-staff-by-unknown-user = пользователь, которого нет в клинике
admin-staff-node-none = —
admin-staff-node-unknown = неизвестная рабочая станция
# $role is a role name (admin-staff-role-*).
admin-staff-what-added = добавлен с ролью { $role }
admin-staff-what-role = роль изменена на { $role }
admin-staff-what-deactivated = отключён
admin-staff-what-reactivated = снова активен
admin-staff-what-password = пароль изменён
admin-staff-what-username = логин изменён
admin-staff-what-display-name = отображаемое имя изменено
admin-staff-what-removed = удалён
admin-staff-what-roles = изменены определения ролей
admin-staff-role-admin = Администратор
admin-staff-role-doctor = Врач
admin-staff-role-nurse = Медсестра
admin-staff-role-reception = Регистратура
admin-staff-role-cashier = Кассир
