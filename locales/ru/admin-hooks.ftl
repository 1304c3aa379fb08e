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
