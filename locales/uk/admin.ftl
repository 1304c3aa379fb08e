### Сторінки адміністратора хаба (/admin).

admin-title = Хаб Dermis
admin-nav-overview = Клініки та робочі місця
admin-nav-health = Сховище та база даних
admin-signed-in-as = Ви увійшли як
admin-sign-out = Вийти
admin-language = Мова
admin-live-connected = У реальному часі: зміни видно без перезавантаження
admin-live-reconnecting = Зв’язок втрачено, перепідключення…
admin-unavailable = Хаб зараз не може прочитати свою базу даних. Сторінка продовжує спроби.
admin-yes = так
admin-no = ні
admin-never = ніколи

## Вхід

admin-login-title = Вхід до хаба
admin-login-username = Ім’я користувача
admin-login-password = Пароль
admin-login-submit = Увійти
admin-login-invalid = Невідоме ім’я користувача або неправильний пароль.
admin-login-rate-limited = Забагато невдалих спроб. Зачекайте кілька хвилин і спробуйте знову.
admin-login-unavailable = Хаб не може з’єднатися зі своєю базою даних. Спробуйте пізніше.

## Клініки та робочі місця

admin-overview-title = Клініки та робочі місця
admin-summary-online = У мережі: { $count }
admin-summary-behind = відстають: { $count }
admin-summary-offline = не в мережі: { $count }
admin-no-clinics = Клінік поки немає. Створіть клініку командою: dermis-hub clinic add --name "…"
admin-no-nodes = У цій клініці ще немає робочих місць. Додайте командою: dermis-hub node add
admin-clinic-seq = журнал змін: { $count }
admin-col-node = Робоче місце
admin-col-state = Стан
admin-col-last-seen = Останній зв’язок
admin-col-last-sync = Остання синхронізація
admin-col-version = Версія застосунку
admin-col-cursor = Застосовано до
admin-col-outbox = Чекає відправлення на робочому місці
admin-col-error = Остання помилка
admin-state-up-to-date = Усе синхронізовано
admin-state-behind = { $count ->
    [one] Відстає ({ $count } зміна)
    [few] Відстає ({ $count } зміни)
    [many] Відстає ({ $count } змін)
   *[other] Відстає ({ $count } зміни)
}
admin-state-unsynced = { $count ->
    [one] У мережі, до відправлення { $count } зміна
    [few] У мережі, до відправлення { $count } зміни
    [many] У мережі, до відправлення { $count } змін
   *[other] У мережі, до відправлення { $count } зміни
}
admin-state-offline-since = Не в мережі з
admin-state-never-connected = Ще не підключалося
admin-state-pending = Очікує реєстрації
admin-state-revoked = Доступ відкликано
admin-outbox-empty = нічого
admin-outbox-changes = { $count ->
    [one] { $count } зміна
    [few] { $count } зміни
    [many] { $count } змін
   *[other] { $count } зміни
}
admin-outbox-oldest = найстаріша —
admin-size-units = Б КБ МБ ГБ
admin-ago-seconds = { $count ->
    [one] { $count } секунду тому
    [few] { $count } секунди тому
    [many] { $count } секунд тому
   *[other] { $count } секунди тому
}
admin-ago-minutes = { $count ->
    [one] { $count } хвилину тому
    [few] { $count } хвилини тому
    [many] { $count } хвилин тому
   *[other] { $count } хвилини тому
}
admin-ago-hours = { $count ->
    [one] { $count } годину тому
    [few] { $count } години тому
    [many] { $count } годин тому
   *[other] { $count } години тому
}
admin-ago-days = { $count ->
    [one] { $count } день тому
    [few] { $count } дні тому
    [many] { $count } днів тому
   *[other] { $count } дня тому
}

## Одне робоче місце

admin-node-title = Робоче місце
admin-node-unknown-title = Невідоме робоче місце
admin-node-unknown = Такого робочого місця немає.
admin-node-back = Усі робочі місця
admin-node-clinic = Клініка
admin-node-number = Префікс чеків
admin-node-id = Ідентифікатор робочого місця
admin-node-access = Доступ
admin-node-chain = Ланцюжок чеків
admin-chain-intact = цілий: чеків { $count }, { $first } … { $last }
admin-chain-none = пов’язаних чеків поки немає
admin-chain-broken = ПОРУШЕНО на { $receipt } ({ $kind })
admin-access-pending = очікує реєстрації
admin-access-active = активний
admin-access-revoked = відкликано
admin-node-enrolled-name = Ім’я, яке воно собі дало
admin-node-enrolled-at = Зареєстровано
admin-node-lag = { $count ->
    [one] відстає на { $count } зміну
    [few] відстає на { $count } зміни
    [many] відстає на { $count } змін
   *[other] відстає на { $count } зміни
}
admin-sessions-title = Останні сеанси синхронізації
admin-sessions-none = Сеансів синхронізації ще не було.
admin-session-started = Початок
admin-session-ended = Кінець
admin-session-open = ще підключено
admin-session-frames = Повідомлення: отримано / надіслано
admin-session-bytes = Дані: отримано / надіслано
admin-session-docs = Документи: отримано / надіслано
admin-session-close = Код закриття
admin-session-error = Помилка

## Сховище та база даних

admin-health-title = Сховище та база даних
admin-health-database = База даних
admin-health-reachable = Відповідає
admin-health-migrations = Схема
admin-health-migrations-ok = актуальна
admin-health-migrations-missing = міграції не виконано
admin-health-backend = Тип
admin-health-backend-postgres = PostgreSQL, спільна для всіх екземплярів хаба
admin-health-backend-sqlite = Вбудований файл SQLite
admin-health-size = Розмір на диску
admin-health-clinics = Клініки
admin-health-nodes = Робочі місця
admin-health-docs = Документи
admin-health-doc-bytes = Обсяг документів
admin-health-sessions = Записані сеанси синхронізації
admin-health-admins = Адміністратори хаба
admin-health-storage = Сховище фотографій
admin-health-blob-dir = Розташування
admin-health-writable = Доступне для запису

## Jobs

admin-nav-jobs = Завдання
admin-jobs-title = Фонові завдання
admin-jobs-open = Очікують, виконуються та з помилкою
admin-jobs-done = Нещодавно виконані
admin-jobs-none = Немає.
admin-job-state-pending = очікує
admin-job-state-running = виконується
admin-job-state-failed = помилка, буде повтор
admin-job-state-dead = помилка, без повторів
admin-job-state-done = виконано
admin-job-col-id = Завдання
admin-job-col-kind = Вид
admin-job-col-state = Стан
admin-job-col-attempts = Спроби
admin-job-col-when = Коли
admin-job-col-error = Остання помилка
admin-job-kind-thumbnail = Мініатюри фото
admin-job-kind-webhook = Надсилання вебхука
admin-job-attempts = { $count } з { $max }
admin-job-next = наступна спроба { $when }
admin-job-heartbeat = активне о { $when }
admin-job-retry = Повторити
admin-job-unknown = Такого завдання немає.
admin-job-not-retryable = Повторити можна лише завдання з помилкою; це очікує, виконується або виконане.

## Як робоче місце зв’язується з хабом (за його останнім підключенням).
admin-node-link = Зв’язок із хабом
admin-link-tls = Зашифрований (TLS)
admin-link-loopback-http = Відкритий http на тій самій машині, що й хаб
admin-link-insecure-http = Не зашифрований: відкритий http через мережу
admin-link-unknown = Не повідомляється (стара версія застосунку)
admin-insecure-badge = незахищений зв’язок

# An admin limited to clinics asked for a page about the whole hub (health, jobs).
admin-forbidden-title = Недоступно для цього облікового запису
admin-forbidden-hub-wide = Ця сторінка стосується всього хаба; ваш обліковий запис обмежено деякими клініками.

# Single sign-on through the OpenID Provider (the sign-in page).
admin-login-sso = Увійти через єдиний вхід
admin-login-sso-failed = Єдиний вхід не завершено. Спробуйте ще раз.
admin-login-sso-unknown = Жоден обліковий запис адміністратора хаба не відповідає цій особі. Попросіть адміністратора додати вас.
admin-login-sso-unavailable = Провайдер єдиного входу недоступний. Спробуйте пізніше або увійдіть з паролем.
admin-login-sso-continue = Перейти до хаба

# /admin/audit
admin-nav-audit = Журнал
admin-audit-title = Журнал дій
admin-audit-intro = Хто що робив на робочих місцях клінік: перегляди карток, зміни, підписи, вивантаження, входи та невдалі спроби входу. Записи містять лише ідентифікатори, без медичних даних, і не змінюються.
admin-audit-none = Немає відповідних записів.
admin-audit-col-when = Коли
admin-audit-col-node = Робоче місце
admin-audit-col-user = Користувач
admin-audit-col-action = Дія
admin-audit-col-target = Об’єкт
admin-audit-filter-clinic = Клініка
admin-audit-all-clinics = Усі клініки
admin-audit-filter-user = Користувач
admin-audit-filter-patient = Id пацієнта
admin-audit-filter-from = З
admin-audit-filter-to = По
admin-audit-filter-submit = Показати
admin-audit-older = Раніші записи
admin-audit-bad-filter = неправильне значення (дати — РРРР-ММ-ДД, id — UUID)
admin-audit-patient-trail = журнал пацієнта
admin-audit-action-view = Перегляд
admin-audit-action-create = Створення
admin-audit-action-update = Зміна
admin-audit-action-sign = Підпис
admin-audit-action-addendum = Доповнення
admin-audit-action-print = Друк
admin-audit-action-export = Вивантаження
admin-audit-action-erase = Видалення
admin-audit-action-sign-in = Вхід
admin-audit-action-sign-in-failed = Невдалий вхід
admin-audit-action-backup = Резервна копія
admin-audit-action-override-allergy = Призначено попри алергію
admin-audit-action-merge = Об’єднано
