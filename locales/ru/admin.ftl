### Страницы администратора хаба (/admin).

admin-title = Хаб Dermis
admin-nav-overview = Клиники и рабочие места
admin-nav-health = Хранилище и база данных
admin-signed-in-as = Вы вошли как
admin-sign-out = Выйти
admin-language = Язык
admin-live-connected = В реальном времени: изменения видны без перезагрузки
admin-live-reconnecting = Связь потеряна, переподключение…
admin-unavailable = Хаб сейчас не может прочитать свою базу данных. Страница продолжает попытки.
admin-yes = да
admin-no = нет
admin-never = никогда

## Вход

admin-login-title = Вход в хаб
admin-login-username = Имя пользователя
admin-login-password = Пароль
admin-login-submit = Войти
admin-login-invalid = Неизвестное имя пользователя или неверный пароль.
admin-login-rate-limited = Слишком много неудачных попыток. Подождите несколько минут и попробуйте снова.
admin-login-unavailable = Хаб не может связаться со своей базой данных. Попробуйте позже.

## Клиники и рабочие места

admin-overview-title = Клиники и рабочие места
admin-summary-online = В сети: { $count }
admin-summary-behind = отстают: { $count }
admin-summary-offline = не в сети: { $count }
admin-no-clinics = Клиник пока нет. Создайте клинику командой: dermis-hub clinic add --name "…"
admin-no-nodes = В этой клинике пока нет рабочих мест. Добавьте командой: dermis-hub node add
admin-clinic-seq = журнал изменений: { $count }
admin-col-node = Рабочее место
admin-col-state = Состояние
admin-col-last-seen = Последняя связь
admin-col-last-sync = Последняя синхронизация
admin-col-version = Версия приложения
admin-col-cursor = Применено до
admin-col-outbox = Ждёт отправки на рабочем месте
admin-col-error = Последняя ошибка
admin-state-up-to-date = Всё синхронизировано
admin-state-behind = { $count ->
    [one] Отстаёт ({ $count } изменение)
    [few] Отстаёт ({ $count } изменения)
    [many] Отстаёт ({ $count } изменений)
   *[other] Отстаёт ({ $count } изменения)
}
admin-state-unsynced = { $count ->
    [one] В сети, к отправке { $count } изменение
    [few] В сети, к отправке { $count } изменения
    [many] В сети, к отправке { $count } изменений
   *[other] В сети, к отправке { $count } изменения
}
admin-state-offline-since = Не в сети с
admin-state-never-connected = Ещё не подключалось
admin-state-pending = Ожидает регистрации
admin-state-revoked = Доступ отозван
admin-outbox-empty = ничего
admin-outbox-changes = { $count ->
    [one] { $count } изменение
    [few] { $count } изменения
    [many] { $count } изменений
   *[other] { $count } изменения
}
admin-outbox-oldest = самое старое —
admin-size-units = Б КБ МБ ГБ
admin-ago-seconds = { $count ->
    [one] { $count } секунду назад
    [few] { $count } секунды назад
    [many] { $count } секунд назад
   *[other] { $count } секунды назад
}
admin-ago-minutes = { $count ->
    [one] { $count } минуту назад
    [few] { $count } минуты назад
    [many] { $count } минут назад
   *[other] { $count } минуты назад
}
admin-ago-hours = { $count ->
    [one] { $count } час назад
    [few] { $count } часа назад
    [many] { $count } часов назад
   *[other] { $count } часа назад
}
admin-ago-days = { $count ->
    [one] { $count } день назад
    [few] { $count } дня назад
    [many] { $count } дней назад
   *[other] { $count } дня назад
}

## Одно рабочее место

admin-node-title = Рабочее место
admin-node-unknown-title = Неизвестное рабочее место
admin-node-unknown = Такого рабочего места нет.
admin-node-back = Все рабочие места
admin-node-clinic = Клиника
admin-node-number = Префикс чеков
admin-node-id = Идентификатор рабочего места
admin-node-access = Доступ
admin-node-chain = Цепочка чеков
admin-chain-intact = цела: чеков { $count }, { $first } … { $last }
admin-chain-none = связанных чеков пока нет
admin-chain-broken = НАРУШЕНА на { $receipt } ({ $kind })
admin-access-pending = ожидает регистрации
admin-access-active = активен
admin-access-revoked = отозван
admin-node-enrolled-name = Имя, которое оно себе дало
admin-node-enrolled-at = Зарегистрировано
admin-node-lag = { $count ->
    [one] отстаёт на { $count } изменение
    [few] отстаёт на { $count } изменения
    [many] отстаёт на { $count } изменений
   *[other] отстаёт на { $count } изменения
}
admin-sessions-title = Последние сеансы синхронизации
admin-sessions-none = Сеансов синхронизации пока не было.
admin-session-started = Начало
admin-session-ended = Конец
admin-session-open = ещё подключено
admin-session-frames = Сообщения: получено / отправлено
admin-session-bytes = Данные: получено / отправлено
admin-session-docs = Документы: получено / отправлено
admin-session-close = Код закрытия
admin-session-error = Ошибка

## Хранилище и база данных

admin-health-title = Хранилище и база данных
admin-health-database = База данных
admin-health-reachable = Отвечает
admin-health-migrations = Схема
admin-health-migrations-ok = актуальна
admin-health-migrations-missing = миграции не выполнены
admin-health-backend = Тип
admin-health-backend-postgres = PostgreSQL, общая для всех экземпляров хаба
admin-health-backend-sqlite = Встроенный файл SQLite
admin-health-size = Размер на диске
admin-health-clinics = Клиники
admin-health-nodes = Рабочие места
admin-health-docs = Документы
admin-health-doc-bytes = Объём документов
admin-health-sessions = Записанные сеансы синхронизации
admin-health-admins = Администраторы хаба
admin-health-storage = Хранилище фотографий
admin-health-blob-dir = Расположение
admin-health-writable = Доступна для записи

## Jobs

admin-nav-jobs = Задания
admin-jobs-title = Фоновые задания
admin-jobs-open = Ожидают, выполняются и с ошибкой
admin-jobs-done = Недавно выполненные
admin-jobs-none = Нет.
admin-job-state-pending = ожидает
admin-job-state-running = выполняется
admin-job-state-failed = ошибка, будет повтор
admin-job-state-dead = ошибка, без повторов
admin-job-state-done = выполнено
admin-job-col-id = Задание
admin-job-col-kind = Вид
admin-job-col-state = Состояние
admin-job-col-attempts = Попытки
admin-job-col-when = Когда
admin-job-col-error = Последняя ошибка
admin-job-kind-thumbnail = Миниатюры фото
admin-job-kind-webhook = Отправка вебхука
admin-job-attempts = { $count } из { $max }
admin-job-next = следующая попытка { $when }
admin-job-heartbeat = активно в { $when }
admin-job-retry = Повторить
admin-job-unknown = Такого задания нет.
admin-job-not-retryable = Повторить можно только задание с ошибкой; это ожидает, выполняется или выполнено.

## Как рабочее место связывается с хабом (по его последнему подключению).
admin-node-link = Связь с хабом
admin-link-tls = Зашифрована (TLS)
admin-link-loopback-http = Открытый http на той же машине, что и хаб
admin-link-insecure-http = Не зашифрована: открытый http по сети
admin-link-unknown = Не сообщается (старая версия приложения)
admin-insecure-badge = незащищённая связь

# An admin limited to clinics asked for a page about the whole hub (health, jobs).
admin-forbidden-title = Недоступно для этой учётной записи
admin-forbidden-hub-wide = Эта страница относится ко всему хабу; ваша учётная запись ограничена некоторыми клиниками.

# Single sign-on through the OpenID Provider (the sign-in page).
admin-login-sso = Войти через единый вход
admin-login-sso-failed = Единый вход не завершён. Попробуйте ещё раз.
admin-login-sso-unknown = Ни одна учётная запись администратора хаба не соответствует этой личности. Попросите администратора добавить вас.
admin-login-sso-unavailable = Провайдер единого входа недоступен. Попробуйте позже или войдите с паролем.
admin-login-sso-continue = Перейти в хаб

# /admin/audit
admin-nav-audit = Журнал
admin-audit-title = Журнал действий
admin-audit-intro = Кто что делал на рабочих местах клиник: просмотры карт, изменения, подписи, выгрузки, входы и неудачные попытки входа. Записи содержат только идентификаторы, без медицинских данных, и не изменяются.
admin-audit-none = Нет подходящих записей.
admin-audit-col-when = Когда
admin-audit-col-node = Рабочее место
admin-audit-col-user = Пользователь
admin-audit-col-action = Действие
admin-audit-col-target = Объект
admin-audit-filter-clinic = Клиника
admin-audit-all-clinics = Все клиники
admin-audit-filter-user = Пользователь
admin-audit-filter-patient = Id пациента
admin-audit-filter-from = С
admin-audit-filter-to = По
admin-audit-filter-submit = Показать
admin-audit-older = Более ранние записи
admin-audit-bad-filter = неверное значение (даты — ГГГГ-ММ-ДД, id — UUID)
admin-audit-patient-trail = журнал пациента
admin-audit-action-view = Просмотр
admin-audit-action-create = Создание
admin-audit-action-update = Изменение
admin-audit-action-sign = Подпись
admin-audit-action-addendum = Дополнение
admin-audit-action-print = Печать
admin-audit-action-export = Выгрузка
admin-audit-action-erase = Удаление
admin-audit-action-sign-in = Вход
admin-audit-action-sign-in-failed = Неудачный вход
admin-audit-action-backup = Резервная копия
admin-audit-action-override-allergy = Назначено несмотря на аллергию
admin-audit-action-merge = Объединено
