### Настольное приложение: экраны, кнопки, сообщения. Подписи полей — в fields.ftl,
### ошибки проверки — в errors.ftl; идентификаторы здесь начинаются с `gui-`.

gui-opening = Открываем записи этого рабочего места…
gui-open-failed = Не удалось открыть записи этого рабочего места.

## Общие действия

gui-save = Сохранить
gui-saved = Сохранено.
gui-cancel = Отмена
gui-back = Назад
gui-remove = Убрать
gui-refresh = Обновить
gui-none = Нет
gui-logout = Выйти
gui-lock = Заблокировать
gui-lock-hint = Заблокировать экран сейчас; ваша работа останется открытой.
gui-lock-title = Экран заблокирован
gui-lock-intro = Выполнен вход: { $name }. Введите пароль, чтобы продолжить с того же места.
gui-lock-refused = Неверный пароль.
gui-lock-unlock = Разблокировать
gui-lock-switch-hint = Другой сотрудник? Войдите под своим именем; несохранённые изменения на этом экране будут потеряны.
gui-lock-switch = Сменить пользователя
gui-date-hint = Введите дату как { $example } или { $iso } либо выберите её в календаре.
gui-date-calendar = Выбрать в календаре
gui-date-previous-year = Предыдущий год
gui-date-previous-month = Предыдущий месяц
gui-date-next-month = Следующий месяц
gui-date-next-year = Следующий год
gui-date-year = Год
gui-date-today = Сегодня
gui-month-1 = Январь
gui-month-2 = Февраль
gui-month-3 = Март
gui-month-4 = Апрель
gui-month-5 = Май
gui-month-6 = Июнь
gui-month-7 = Июль
gui-month-8 = Август
gui-month-9 = Сентябрь
gui-month-10 = Октябрь
gui-month-11 = Ноябрь
gui-month-12 = Декабрь
gui-weekday-1 = Пн
gui-weekday-2 = Вт
gui-weekday-3 = Ср
gui-weekday-4 = Чт
gui-weekday-5 = Пт
gui-weekday-6 = Сб
gui-weekday-7 = Вс
gui-size-mb = { $mb } МБ

## Сколько времени прошло

gui-age-now = меньше минуты
gui-age-minutes =
    { $count ->
        [one] { $count } минуту
        [few] { $count } минуты
        [many] { $count } минут
       *[other] { $count } минуты
    }
gui-age-hours =
    { $count ->
        [one] { $count } час
        [few] { $count } часа
        [many] { $count } часов
       *[other] { $count } часа
    }
gui-age-days =
    { $count ->
        [one] { $count } день
        [few] { $count } дня
        [many] { $count } дней
       *[other] { $count } дня
    }

## Навигация

gui-nav-dashboard = Сводка
gui-nav-patients = Пациенты
gui-nav-pos = Касса
gui-nav-products = Товары и склад
gui-nav-sync = Синхронизация
gui-nav-conflicts = Конфликты
gui-nav-settings = Настройки

## Вход и первый запуск

gui-login-title = Вход
gui-login-submit = Войти
gui-login-refused = Неверное имя пользователя или пароль.
gui-login-locked = Слишком много неудачных попыток входа для этого пользователя. Повторите через { $count ->
    [one] { $count } минуту
    [few] { $count } минуты
   *[other] { $count } минут
}.
gui-login-offline = Вход работает без связи: учётные записи сотрудников хранятся на этом рабочем месте.
gui-setup-title = Добро пожаловать в Dermis
gui-setup-intro = На этом рабочем месте ещё нет записей. Создайте клинику, чтобы начать.
gui-setup-new-clinic = Новая клиника
gui-setup-admin = Первый администратор
gui-setup-confirm = Повторите пароль
gui-setup-mismatch = Пароли не совпадают.
gui-setup-create = Создать клинику
gui-setup-join = Подключиться к клинике, которая уже работает в Dermis
gui-setup-join-later = Подключение этого рабочего места к серверу клиники появится здесь в следующей версии. Пока создайте новую клинику — её можно будет подключить к серверу позже.

## Сводка

gui-dashboard-title = Сегодня
gui-dashboard-today = Приёмы на сегодня
gui-dashboard-no-appointments = Сегодня приёмов нет.
gui-dashboard-recent = Недавние пациенты
gui-dashboard-open-sync = Открыть панель синхронизации
gui-dashboard-attention = Требует внимания
gui-dashboard-all-clear = Всё в порядке.
gui-dashboard-drafts = { $count ->
    [one] { $count } приём не подписан
    [few] { $count } приёма не подписаны
    [many] { $count } приёмов не подписаны
   *[other] { $count } приёма не подписаны
}
gui-dashboard-conflicts =
    { $count ->
        [one] { $count } конфликт изменений ждёт решения
        [few] { $count } конфликта изменений ждут решения
        [many] { $count } конфликтов изменений ждут решения
       *[other] { $count } конфликта изменений ждут решения
    }
gui-dashboard-low-stock =
    { $count ->
        [one] { $count } товар заканчивается
        [few] { $count } товара заканчиваются
        [many] { $count } товаров заканчиваются
       *[other] { $count } товара заканчиваются
    }

## Статус приёма

gui-appointment-scheduled = Запланирован
gui-appointment-canceled = Отменён
gui-appointment-completed = Состоялся
gui-appointment-no-show = Не пришёл

## Пациенты

gui-patients-search = Поиск пациентов
gui-patients-search-hint = Имя, телефон, эл. почта или номер карты
gui-patients-recent = Недавно изменённые пациенты
gui-patients-none = Пациенты не найдены.
gui-patients-new = Новый пациент
gui-patients-edit = Изменить данные пациента
gui-patients-mrn-hint = Оставьте номер карты пустым, и он будет присвоен автоматически.
gui-patients-name = Имя
gui-patients-last-visit = Последний визит
gui-patient-details = Сведения
gui-allergies-none-known = Аллергий не выявлено
gui-allergies-not-recorded = Аллергии не записаны
gui-patient-record-nka = Аллергий нет (со слов пациента)
gui-patient-record-nka-hint = Отметить, что пациента спросили и аллергий у него нет.
gui-allergy-error = Ошибочная запись
gui-allergy-error-hint = Отметить аллергию как записанную по ошибке (она останется в карте, зачёркнутой).
gui-allergy-error-reason = Причина ошибки
gui-allergy-error-confirm = Отметить как ошибочную
gui-allergy-errors = Записаны по ошибке
gui-banner-age = { $count ->
    [one] { $count } год
    [few] { $count } года
    [many] { $count } лет
   *[other] { $count } лет
}
gui-banner-mrn = Карта { $mrn }
gui-encounter-sign-title = Подписать приём?
gui-encounter-sign-explain = Подписанный приём нельзя изменить: исправления добавляются как дополнения.
gui-encounter-sign-no-diagnoses = Диагнозы не указаны.
gui-encounter-sign-confirm = Подписать приём
gui-unsaved-title = Уйти без сохранения?
gui-unsaved-explain = В приёме есть несохранённые изменения. Если уйти, они пропадут.
gui-unsaved-discard = Отменить изменения
gui-unsaved-stay = Продолжить редактирование
gui-draft-restored = Несохранённые изменения этого приёма были сохранены и восстановлены.
gui-patient-add-allergy = Добавить аллергию
gui-patient-visits = Визиты
gui-patient-no-visits = Визитов пока нет.

## Тяжесть аллергии

gui-severity-mild = Лёгкая
gui-severity-moderate = Умеренная
gui-severity-severe = Тяжёлая
gui-severity-unknown = Тяжесть неизвестна

## Визиты

gui-encounter-title = Визит
gui-encounter-heading = Визит: { $patient }
gui-encounter-new = Новый визит
gui-encounter-diagnoses = Диагнозы (МКБ-10-CM)
gui-encounter-find-diagnosis = Найти диагноз
gui-encounter-find-diagnosis-hint = Код или слова, например L40 или псориаз
gui-encounter-sign = Подписать
gui-encounter-save-first = Сохраните визит, прежде чем подписывать.
gui-encounter-signed-by = Подписал(а) { $who }, { $when }.
gui-encounter-read-only = Подписанный визит нельзя изменить. Чтобы исправить его, добавьте дополнение.
gui-encounter-addenda = Дополнения
gui-encounter-addendum = Дополнение
gui-encounter-add-addendum = Добавить дополнение

## Фотографии

gui-photos-title = Фотографии
gui-photos-heading = Фотографии: { $patient }
gui-photos-no-patient = Откройте пациента, чтобы увидеть его фотографии.
gui-photos-import = Добавить фотографию
gui-photos-drop-hint = Перетащите фотографии JPEG, PNG или WebP в это окно или выберите их.
gui-photos-tags-hint = Разделяйте метки запятыми.
gui-photos-gallery = Галерея
gui-photos-none = Фотографий пока нет.
gui-photos-view = Открыть
gui-photos-local = Хранится на этом рабочем месте; сервер её ещё не обработал.
gui-photos-processed = Обработана сервером.
gui-photos-original-missing = Оригинала нет на этом рабочем месте.
gui-photos-upload-local = Ещё не отправлено на сервер.
gui-photos-upload-uploading = Отправка на сервер: { $percent }%
gui-photos-upload-uploaded = Сохранено на сервере.
gui-photos-upload-failed = Сервер не принял это фото: { $reason }
gui-photos-upload-elsewhere = Снято на другом рабочем месте.
gui-photos-thumb-pending = Ожидает обработки на сервере.
gui-photos-thumb-error = Сервер не смог обработать это фото: { $reason }

## Касса

gui-pos-scan = Сканирование
gui-pos-scan-hint = Отсканируйте или введите штрихкод или артикул и нажмите Enter
gui-pos-search = Поиск товара
gui-pos-search-label = Товар
gui-pos-search-hint = Название или артикул
gui-pos-on-hand = На складе: { $count }
gui-pos-add = Добавить
gui-pos-empty = Корзина пуста.
gui-pos-payment = Оплата
gui-pos-subtotal = Сумма
gui-pos-tax = В том числе налог
gui-pos-tax-included = Налог включён
gui-pos-total = Итого
gui-pos-paid = Оплачено
gui-pos-change = Сдача
gui-pos-col-product = Товар
gui-pos-col-total = Сумма строки
gui-pos-less = На один меньше
gui-pos-more = На один больше
gui-pos-out-of-stock = Нет в наличии: на полке { $count }
gui-pos-low-stock = Мало на складе: на полке { $count }
gui-pos-exact-cash = Без сдачи наличными
gui-pos-rest-card = Остаток картой
gui-pos-due = К оплате
gui-pos-complete = Завершить продажу
gui-pos-clear = Очистить
gui-pos-receipt = Чек { $number }
gui-pos-new-sale = Новая продажа

## Товары и склад

gui-products-new = Новый товар
gui-products-edit = Изменить товар
gui-products-filter = Фильтр
gui-products-pick = Выберите товар в списке.
gui-products-low-stock = Заканчиваются
gui-products-no-low-stock = Запас всех товаров выше уровня дозаказа.
gui-products-low-line = { $name }: осталось { $count } (дозаказ при { $level })
gui-products-stock-of = Остаток «{ $name }»: { $count }
gui-products-movement = Движение
gui-products-adjust-hint = При корректировке отрицательное число списывает товар.
gui-products-record = Провести
gui-products-history = Движения по { $sku }

## Налоговые ставки

gui-tax-standard = Основная ставка
gui-tax-reduced = Пониженная ставка
gui-tax-zero = Нулевая ставка

## Синхронизация

gui-sync-status = Состояние
gui-sync-online = В сети
gui-sync-offline = Нет связи
gui-sync-stale = Синхронизация молчит
gui-sync-no-hub = Не подключено к серверу
gui-sync-all-sent = Все изменения дошли до сервера.
gui-sync-photos-pending = Фото, ещё не отправленных на сервер: { $count } ({ $mb } МБ)
gui-sync-refused = Записей, изменения которых сервер отклонил: { $count }. Изменения сохранены здесь. Причины:
gui-sync-photos-failed = Фото, не принятых сервером: { $count }. Причина указана в фотографиях пациента.
gui-sync-oldest = Самое старое ждёт уже { $age }.
gui-sync-last = Последняя синхронизация: { $when }
gui-sync-never = Синхронизации ещё не было.
gui-sync-hub = Сервер
gui-sync-last-error = Последняя ошибка
gui-sync-records = Недавние записи
gui-sync-on-hub = На сервере
gui-sync-waiting = Ещё не на сервере

## Виды записей

gui-doc-clinic = Клиника
gui-doc-patient = Пациент
gui-doc-product = Товар
gui-doc-ledger = Продажи и склад
gui-doc-appointment = Приём

## Конфликты

gui-conflicts-intro = Эти поля одновременно изменили на двух рабочих местах. Выберите значение, которое нужно оставить; ваш выбор дойдёт до всех рабочих мест.
gui-conflicts-none = Конфликтов нет.
gui-conflicts-keep = Оставить это
gui-conflicts-shown-now = Показано сейчас
gui-conflicts-empty-value = (пусто)
gui-conflicts-resolved = Конфликт решён.

## Настройки

gui-settings-appearance = Язык и оформление
gui-settings-language = Язык
gui-settings-theme = Тема
gui-settings-light = Светлая
gui-settings-dark = Тёмная
gui-settings-workstation = Это рабочее место
gui-settings-users = Сотрудники
gui-settings-active = Активен
gui-settings-new-password = Новый пароль
gui-settings-reset = Сменить пароль
gui-settings-add-user = Добавить сотрудника

## Подписи полей, которых нет в fields.ftl

gui-field-substance = Вещество
gui-field-reaction = Реакция
gui-field-severity = Тяжесть
gui-field-addendum = Дополнение
gui-field-encounter = Визит
gui-field-patient = Пациент
gui-field-photo = Фотография
gui-field-product = Товар
gui-field-receipt = Чек
gui-field-user = Сотрудник
gui-field-conflict = Конфликт
gui-field-allergy = Аллергия
gui-field-total = Итог
gui-field-other = Это поле

## Ошибки

gui-error-denied = Ваша роль не позволяет { $action }.
gui-error-unreadable = Не удалось прочитать файл. Проверьте путь.
gui-error-storage = Не удалось прочитать или записать данные. Попробуйте ещё раз; если ошибка повторяется, обратитесь к администратору.
gui-error-disk-full = Диск заполнен: ничего не сохранено. Освободите место и попробуйте снова.
gui-error-busy = Данные заняты другой программой. Попробуйте через минуту.
gui-error-photo-unavailable = Этого фото нет на рабочем месте, и сервер сейчас не может его прислать. Попробуйте, когда сервер будет доступен.

## Что может роль (дополняет gui-error-denied)

gui-permission-view-patients = просматривать пациентов
gui-permission-edit-patients = изменять данные пациентов
gui-permission-view-clinical = просматривать клинические записи
gui-permission-edit-clinical = изменять клинические записи
gui-permission-sign-encounter = подписывать визиты
gui-permission-sell = продавать
gui-permission-void-sale = аннулировать продажи
gui-permission-manage-stock = вести склад
gui-permission-manage-products = вести каталог товаров
gui-permission-manage-appointments = управлять записью на приём
gui-permission-manage-users = управлять сотрудниками
gui-permission-manage-settings = менять настройки клиники

## Table headers
gui-col-time = Время
gui-col-patient = Пациент
gui-col-status = Статус
gui-col-visit = Приём
gui-col-kind = Тип
gui-col-record = Запись
gui-col-changed = Изменено
gui-col-stock = На складе
gui-col-change = Изменение
gui-col-by = Кто
gui-col-diagnoses = Диагнозы

## The till's buyer and a patient's purchases
gui-pos-buyer = Покупатель (пациент)
gui-pos-buyer-hint = Имя или номер карты, необязательно
gui-pos-buyer-remove = Отвязать
gui-pos-buyer-remove-hint = Продать, не связывая продажу с пациентом
gui-patient-purchases = Покупки
gui-patient-no-purchases = Покупок на кассе нет.
gui-col-receipt = Чек
gui-col-amount = Сумма
gui-purchase-sale = Продажа
gui-purchase-refund = Возврат
gui-purchase-void = Аннулирование
gui-purchase-voided = Продажа, аннулирована

## Prescribing and printing on a visit
gui-rx-title = Назначения
gui-rx-none = В этом приёме назначений нет.
gui-rx-instructions = Способ применения
gui-rx-quantity-refills = Количество / повторы
gui-rx-prescriber = Назначил
gui-rx-overridden = Назначено несмотря на аллергию на { $allergy }: { $reason }
gui-rx-new = Новое назначение
gui-rx-allergy-title = Предупреждение об аллергии
gui-rx-allergy-substance = Аллергия на { $allergy }: { $drug } содержит { $substance }.
gui-rx-allergy-class = Аллергия на { $allergy }: { $drug } содержит { $substance } (группа: { $class }).
gui-rx-allergy-answer = Замените препарат или укажите причину назначить его всё же (причина сохраняется и попадает в журнал).
gui-rx-override-reason = Причина назначить всё же
gui-rx-prescribe = Добавить назначение
gui-rx-prescribe-anyway = Назначить несмотря на аллергию
gui-rx-answer-first = Введите препарат и ответьте на предупреждение об аллергии, если оно есть
gui-rx-print = Печать рецепта
gui-visit-print-summary = Печать заключения
gui-printed = Сохранено и открыто для печати: { $path }
gui-printed-not-opened = Сохранено как { $path } (не удалось открыть просмотрщик)
gui-encounter-sign-prescriptions = Назначения

## Conflicts: who wrote each value, where and when
gui-conflicts-origin-here = { $who } · это рабочее место ({ $name }) · { $when }
gui-conflicts-origin = { $who } · рабочее место { $name } · { $when }
gui-conflicts-by-former-user = бывший пользователь
gui-conflicts-by-operator = оператор рабочего места
gui-conflicts-by-hub = центральный сервер
gui-conflicts-by-unknown = автор неизвестен

## Keyboard
gui-save-shortcut = Сохранить (Ctrl+S)
## Cash-drawer shifts and clinic details (shifts)

gui-nav-shift = Смена
gui-shift-title = Кассовая смена
gui-shift-none = На этом рабочем месте смена не открыта.
gui-shift-float = Размен на начало смены
gui-shift-float-hint = Наличные, пересчитанные и положенные в кассу до первой продажи.
gui-shift-open = Открыть смену
# $when is a time, $who the cashier who opened the shift.
gui-shift-open-since = Смена открыта в { $when }, кассир: { $who }
# $when is a date and time, $who the cashier who closed the shift.
gui-shift-closed-at = Закрыта { $when }, кассир: { $who }
gui-shift-pos-none = Смена не открыта
gui-shift-pos-open-one = Открыть
gui-shift-pay-in = Внесение
gui-shift-pay-out = Выплата
gui-shift-pay-in-explain = Наличные, внесённые в кассу, например размен из банка.
gui-shift-pay-out-explain = Наличные, изъятые из кассы, например на мелкую покупку или сдачу в банк.
gui-shift-record = Записать
gui-shift-print-x = Печать X-отчёта
gui-shift-close = Закрыть смену
gui-shift-close-title = Закрытие смены
gui-shift-count-total = Одной суммой
gui-shift-count-denominations = По купюрам и монетам
gui-shift-counted = Пересчитано наличных
gui-shift-denomination = Купюра или монета
gui-shift-note = купюра
gui-shift-coin = монета
gui-shift-count = Количество
# $value is a note or coin, e.g. €50.00.
gui-shift-count-of = Количество: { $value }
gui-shift-col-amount = Сумма
gui-shift-expected = Ожидается в кассе
gui-shift-difference = Расхождение
gui-shift-over = Излишек: наличных больше, чем ожидалось
gui-shift-short = Недостача: наличных меньше, чем ожидалось
gui-shift-balanced = Сходится
gui-shift-continue = Далее
gui-shift-confirm = Закрытие смены нельзя отменить: Z-отчёт станет окончательным, а для новых продаж понадобится новая смена.
gui-shift-confirm-close = Закрыть смену окончательно
gui-shift-x-report = X-отчёт (смена на текущий момент)
gui-shift-z-report = Z-отчёт
gui-shift-opened = Открыта
gui-shift-closed = Закрыта
gui-shift-col-cashier = Кассир
gui-shift-cash = Наличные в кассе
gui-shift-cash-sales = Продажи наличными за вычетом сдачи
gui-shift-cash-refunds = Возвраты наличными
gui-shift-pay-ins = Внесения
gui-shift-pay-outs = Выплаты
gui-shift-receipts = Чеки
# $first and $last are receipt numbers, e.g. N1-000001.
gui-shift-receipt-range = с { $first } по { $last }
gui-shift-no-receipts = Чеков пока нет
gui-shift-sales-count = Продажи
gui-shift-refunds-count = Возвраты
gui-shift-voids-count = Аннулированные продажи
gui-shift-net-total = Выручка
gui-shift-by-method = По способам оплаты
gui-shift-col-method = Способ
gui-shift-col-sales = Получено
gui-shift-col-refunds = Возвращено
gui-shift-col-net = Итого
gui-shift-by-rate = Налог по ставкам
gui-shift-col-rate = Ставка
gui-shift-col-gross = Продажи с налогом
gui-shift-col-tax = Налог
gui-shift-moves = Внесения и выплаты
gui-shift-no-moves = В этой смене их не было.
gui-shift-past = Прошлые смены
gui-shift-past-none = На этом рабочем месте ещё не закрыто ни одной смены.
gui-shift-view = Открыть отчёт
gui-shift-print = Печать
# $path is the PDF file written.
gui-shift-printed = Открыто в программе просмотра PDF: { $path }
# $path is the PDF file written.
gui-shift-print-not-opened = Не удалось запустить программу просмотра PDF. Отчёт сохранён: { $path }
gui-field-float = Размен на начало смены
gui-field-counted = Пересчитано наличных
gui-field-amount = Сумма
gui-field-shift = Смена
gui-field-legal-name = Юридическое название
gui-field-tax-id = ИНН
gui-field-tax-rate = Ставка налога
gui-clinic-title = Реквизиты клиники
gui-clinic-explain = Печатаются на каждом чеке и отчёте смены.
gui-clinic-tax-rates = Ставки налога
gui-clinic-rate-percent = Ставка, %
# $name is a tax class, e.g. Standard rate.
gui-clinic-rate-of = Ставка «{ $name }», %
gui-clinic-new-class = Новая налоговая категория
gui-clinic-new-rate = Ставка новой категории, %
gui-clinic-prices-include-tax = Цены включают налог
gui-clinic-included-hint = Покупатель платит указанную цену; налог — её часть, которую клиника должна уплатить.
gui-clinic-added-hint = Касса начисляет налог сверх указанных цен.
gui-clinic-save = Сохранить реквизиты
gui-clinic-first-run = Юридическое название, адрес и ИНН клиники ещё не заданы: чеки печатаются без них.
gui-clinic-set-up = Заполнить реквизиты
gui-clinic-later = Позже
# The difference of a past shift in its table, in a word.
gui-shift-over-word = Излишек
gui-shift-short-word = Недостача
## Appointment book (calendar)
gui-nav-appointments = Запись на приём
gui-appointment-checked-in = Пришёл
gui-book-day = День
gui-book-week = Неделя
gui-book-all-clinicians = Все врачи
gui-book-previous = Назад
gui-book-today = Сегодня
gui-book-next = Вперёд
gui-book-new = Новая запись
gui-book-go-to = Перейти к дате
gui-book-open = Открыть журнал записи
gui-book-unassigned = Без врача
gui-book-unlinked-short = не привязана
gui-book-cancelled =
    { $count ->
        [one] { $count } отменённая запись
        [few] { $count } отменённые записи
       *[many] { $count } отменённых записей
    }
gui-book-title-new = Записать на приём
gui-book-title-move = Перенести запись
gui-book-find-patient = Найти пациента (имя или номер карты)
gui-book-change-patient = Изменить
gui-book-clinician-none = (пока не назначен)
gui-book-date = День
gui-book-start = Время начала
gui-book-length = Длительность
gui-book-minutes-value = { $count } мин
gui-book-reason = Причина визита
gui-book-save = Записать
gui-book-save-move = Перенести
gui-book-choose-patient = Выберите пациента из списка.
gui-book-bad-date = Укажите день датой, например 31.12.2026.
gui-book-bad-time = Укажите время начала в часах и минутах, например 9:30.
gui-book-cancel-title = Отменить эту запись?
gui-book-cancel-explain = Запись { $who } на { $when } будет отмечена как отменённая. Она останется в журнале вместе с причиной.
gui-book-cancel-reason = Причина отмены
gui-book-cancel-confirm = Отменить запись
gui-book-keep = Оставить
gui-book-close = Закрыть
gui-book-source = Источник записи
gui-book-open-chart = Открыть карту
gui-book-start-visit = Начать приём
gui-book-check-in = Отметить приход
gui-book-no-show = Отметить неявку
gui-book-move = Перенести…
gui-book-cancel = Отменить…
gui-book-invitee = Кто записался онлайн
gui-book-unlinked = Ещё не привязана к карте пациента.
gui-book-invitee-name = Имя
gui-book-matches = Пациенты с этой почтой или телефоном
gui-book-no-matches = Нет пациента с такой почтой или телефоном.
gui-book-match-email = та же почта
gui-book-match-phone = тот же телефон
gui-book-link = Привязать
gui-book-search-other = Найти другого пациента
gui-book-register = Зарегистрировать пациента
gui-book-calendar-of = Расписание
gui-book-overlap = У { $who } в это время уже { $name } ({ $when }).
# Photos: body map, file browser, visit link, comparison over time
gui-photos-map-title = Карта тела
gui-photos-map-front = Спереди
gui-photos-map-back = Сзади
gui-photos-map-region-front = { $name }, спереди
gui-photos-map-region-back = { $name }, сзади
gui-photos-part-chosen = Выбрано: { $name }
gui-photos-part-none = Нажмите на область тела или выберите её из списка.
gui-photos-part-needed = Сначала выберите область тела.
gui-photos-visit = Приём
gui-photos-no-visit = Не привязано к приёму
gui-photos-visit-of = Приём от { $when }
gui-photos-gallery-of = Фотографии области: { $name }
gui-photos-show-all = Показать все области
gui-photos-compare = Сравнить в динамике
gui-photos-choose = Выбрать файлы…
gui-photos-drop-now = Отпустите, чтобы добавить эти файлы.
gui-photos-files-chosen = { $count ->
    [one] { $count } файл готов к добавлению:
    [few] { $count } файла готовы к добавлению:
    [many] { $count } файлов готовы к добавлению:
   *[other] { $count } файла готовы к добавлению:
}
gui-photos-remove-file = Убрать из списка
gui-photos-remove-named = Убрать { $name }
gui-photos-add-files = { $count ->
    [one] Добавить { $count } фото
    [few] Добавить { $count } фото
    [many] Добавить { $count } фото
   *[other] Добавить { $count } фото
}
gui-photos-added-count = { $count ->
    [one] Добавлена { $count } фотография.
    [few] Добавлены { $count } фотографии.
    [many] Добавлено { $count } фотографий.
   *[other] Добавлено { $count } фотографии.
}
gui-photos-not-imported = { $name } не добавлен: { $reason }
gui-picker-title = Выбор фотографий
gui-picker-home = Домашняя папка
gui-picker-pictures = Изображения
gui-picker-up = На уровень выше
gui-picker-folder = Папка
gui-picker-confirm = { $count ->
    [one] Взять { $count } файл
    [few] Взять { $count } файла
    [many] Взять { $count } файлов
   *[other] Взять { $count } файла
}
gui-picker-unreadable = Эту папку нельзя прочитать.
gui-picker-empty = Здесь нет папок и изображений.
gui-picker-truncated = В папке слишком много файлов: показаны только первые.
gui-compare-heading = В динамике: { $name }
gui-compare-close = Назад к галерее
gui-compare-keys = Клавиши «влево» и «вправо» листают более позднее фото; с Shift — более раннее.
gui-compare-earlier = Более раннее фото
gui-compare-later = Более позднее фото
gui-compare-step-earlier = { $name }: на шаг раньше
gui-compare-step-later = { $name }: на шаг позже
gui-compare-position = { $number } из { $count }
gui-compare-series-item = Фото { $number } из { $count }

## The till: tax added on top of prices that exclude it
gui-pos-tax-added = Налог сверху
