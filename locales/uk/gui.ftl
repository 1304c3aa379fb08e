### Настільний застосунок: екрани, кнопки, повідомлення. Підписи полів — у fields.ftl,
### помилки перевірки — в errors.ftl; ідентифікатори тут починаються з `gui-`.

gui-opening = Відкриваємо записи цього робочого місця…
gui-open-failed = Не вдалося відкрити записи цього робочого місця.

## Загальні дії

gui-save = Зберегти
gui-saved = Збережено.
gui-cancel = Скасувати
gui-back = Назад
gui-remove = Прибрати
gui-refresh = Оновити
gui-none = Немає
gui-logout = Вийти
gui-lock = Заблокувати
gui-lock-hint = Заблокувати екран зараз; ваша робота залишиться відкритою.
gui-lock-title = Екран заблоковано
gui-lock-intro = Виконано вхід: { $name }. Введіть пароль, щоб продовжити з того ж місця.
gui-lock-refused = Неправильний пароль.
gui-lock-unlock = Розблокувати
gui-lock-switch-hint = Інший співробітник? Увійдіть під своїм ім’ям; незбережені зміни на цьому екрані буде втрачено.
gui-lock-switch = Змінити користувача
gui-date-hint = Введіть дату як { $example } або { $iso } чи виберіть її в календарі.
gui-date-calendar = Вибрати в календарі
gui-date-previous-year = Попередній рік
gui-date-previous-month = Попередній місяць
gui-date-next-month = Наступний місяць
gui-date-next-year = Наступний рік
gui-date-year = Рік
gui-date-today = Сьогодні
gui-month-1 = Січень
gui-month-2 = Лютий
gui-month-3 = Березень
gui-month-4 = Квітень
gui-month-5 = Травень
gui-month-6 = Червень
gui-month-7 = Липень
gui-month-8 = Серпень
gui-month-9 = Вересень
gui-month-10 = Жовтень
gui-month-11 = Листопад
gui-month-12 = Грудень
gui-weekday-1 = Пн
gui-weekday-2 = Вт
gui-weekday-3 = Ср
gui-weekday-4 = Чт
gui-weekday-5 = Пт
gui-weekday-6 = Сб
gui-weekday-7 = Нд
gui-size-mb = { $mb } МБ

## Скільки часу минуло

gui-age-now = менше хвилини
gui-age-minutes =
    { $count ->
        [one] { $count } хвилину
        [few] { $count } хвилини
        [many] { $count } хвилин
       *[other] { $count } хвилини
    }
gui-age-hours =
    { $count ->
        [one] { $count } годину
        [few] { $count } години
        [many] { $count } годин
       *[other] { $count } години
    }
gui-age-days =
    { $count ->
        [one] { $count } день
        [few] { $count } дні
        [many] { $count } днів
       *[other] { $count } дня
    }

## Навігація

gui-nav-dashboard = Зведення
gui-nav-patients = Пацієнти
gui-nav-pos = Каса
gui-nav-products = Товари та склад
gui-nav-sync = Синхронізація
gui-nav-conflicts = Конфлікти
gui-nav-settings = Налаштування

## Вхід і перший запуск

gui-login-title = Вхід
gui-login-submit = Увійти
gui-login-refused = Неправильне ім’я користувача або пароль.
gui-login-locked = Забагато невдалих спроб входу для цього користувача. Спробуйте через { $count ->
    [one] { $count } хвилину
    [few] { $count } хвилини
   *[other] { $count } хвилин
}.
gui-login-offline = Вхід працює без зв’язку: облікові записи працівників зберігаються на цьому робочому місці.
gui-setup-title = Ласкаво просимо до Dermis
gui-setup-intro = На цьому робочому місці ще немає записів. Створіть клініку, щоб почати.
gui-setup-new-clinic = Нова клініка
gui-setup-admin = Перший адміністратор
gui-setup-confirm = Повторіть пароль
gui-setup-mismatch = Паролі не збігаються.
gui-setup-create = Створити клініку
gui-setup-join = Приєднатися до клініки, яка вже працює в Dermis
gui-setup-join-later = Підключення цього робочого місця до сервера клініки з’явиться тут у наступній версії. Поки що створіть нову клініку — її можна буде підключити до сервера пізніше.

## Зведення

gui-dashboard-title = Сьогодні
gui-dashboard-today = Прийоми на сьогодні
gui-dashboard-no-appointments = Сьогодні прийомів немає.
gui-dashboard-recent = Нещодавні пацієнти
gui-dashboard-open-sync = Відкрити панель синхронізації
gui-dashboard-attention = Потребує уваги
gui-dashboard-all-clear = Усе гаразд.
gui-dashboard-drafts = { $count ->
    [one] { $count } прийом не підписано
    [few] { $count } прийоми не підписано
    [many] { $count } прийомів не підписано
   *[other] { $count } прийому не підписано
}
gui-dashboard-conflicts =
    { $count ->
        [one] { $count } конфлікт змін чекає на рішення
        [few] { $count } конфлікти змін чекають на рішення
        [many] { $count } конфліктів змін чекають на рішення
       *[other] { $count } конфлікту змін чекають на рішення
    }
gui-dashboard-low-stock =
    { $count ->
        [one] { $count } товар закінчується
        [few] { $count } товари закінчуються
        [many] { $count } товарів закінчуються
       *[other] { $count } товару закінчуються
    }

## Стан прийому

gui-appointment-scheduled = Заплановано
gui-appointment-canceled = Скасовано
gui-appointment-completed = Відбувся
gui-appointment-no-show = Не прийшов

## Пацієнти

gui-patients-search = Пошук пацієнтів
gui-patients-search-hint = Ім’я, телефон, ел. пошта або номер картки
gui-patients-recent = Нещодавно змінені пацієнти
gui-patients-none = Пацієнтів не знайдено.
gui-patients-new = Новий пацієнт
gui-patients-edit = Змінити дані пацієнта
gui-patients-mrn-hint = Залиште номер картки порожнім, і його буде призначено автоматично.
gui-patients-name = Ім’я
gui-patients-last-visit = Останній візит
gui-patient-details = Відомості
gui-allergies-none-known = Алергій не виявлено
gui-allergies-not-recorded = Алергії не записано
gui-patient-record-nka = Алергій немає (зі слів пацієнта)
gui-patient-record-nka-hint = Позначити, що пацієнта запитали і алергій у нього немає.
gui-allergy-error = Помилковий запис
gui-allergy-error-hint = Позначити алергію як записану помилково (вона лишиться в картці, закресленою).
gui-allergy-error-reason = Причина помилки
gui-allergy-error-confirm = Позначити як помилкову
gui-allergy-errors = Записані помилково
gui-banner-age = { $count ->
    [one] { $count } рік
    [few] { $count } роки
    [many] { $count } років
   *[other] { $count } років
}
gui-banner-mrn = Картка { $mrn }
gui-encounter-sign-title = Підписати прийом?
gui-encounter-sign-explain = Підписаний прийом не можна змінити: виправлення додаються як доповнення.
gui-encounter-sign-no-diagnoses = Діагнози не вказано.
gui-encounter-sign-confirm = Підписати прийом
gui-unsaved-title = Піти без збереження?
gui-unsaved-explain = У прийомі є незбережені зміни. Якщо піти, вони зникнуть.
gui-unsaved-discard = Скасувати зміни
gui-unsaved-stay = Продовжити редагування
gui-draft-restored = Незбережені зміни цього прийому було збережено й відновлено.
gui-patient-add-allergy = Додати алергію
gui-patient-visits = Візити
gui-patient-no-visits = Візитів поки немає.

## Тяжкість алергії

gui-severity-mild = Легка
gui-severity-moderate = Помірна
gui-severity-severe = Тяжка
gui-severity-unknown = Тяжкість невідома

## Візити

gui-encounter-title = Візит
gui-encounter-heading = Візит: { $patient }
gui-encounter-new = Новий візит
gui-encounter-diagnoses = Діагнози (МКХ-10-CM)
gui-encounter-find-diagnosis = Знайти діагноз
gui-encounter-find-diagnosis-hint = Код або слова, наприклад L40 або псоріаз
gui-encounter-sign = Підписати
gui-encounter-save-first = Збережіть візит, перш ніж підписувати.
gui-encounter-signed-by = Підписав(ла) { $who }, { $when }.
gui-encounter-read-only = Підписаний візит не можна змінити. Щоб виправити його, додайте доповнення.
gui-encounter-addenda = Доповнення
gui-encounter-addendum = Текст доповнення
gui-encounter-add-addendum = Додати доповнення

## Фотографії

gui-photos-title = Фотографії
gui-photos-heading = Фотографії: { $patient }
gui-photos-no-patient = Відкрийте пацієнта, щоб побачити його фотографії.
gui-photos-import = Додати фотографію
gui-photos-drop-hint = Перетягніть фотографії JPEG, PNG або WebP у це вікно або виберіть їх.
gui-photos-tags-hint = Розділяйте мітки комами.
gui-photos-gallery = Галерея
gui-photos-none = Фотографій поки немає.
gui-photos-view = Відкрити
gui-photos-local = Зберігається на цьому робочому місці; сервер її ще не обробив.
gui-photos-processed = Оброблено сервером.
gui-photos-original-missing = Оригіналу немає на цьому робочому місці.
gui-photos-upload-local = Ще не надіслано на сервер.
gui-photos-upload-uploading = Надсилання на сервер: { $percent }%
gui-photos-upload-uploaded = Збережено на сервері.
gui-photos-upload-failed = Сервер не прийняв це фото: { $reason }
gui-photos-upload-elsewhere = Знято на іншому робочому місці.
gui-photos-thumb-pending = Очікує обробки на сервері.
gui-photos-thumb-error = Сервер не зміг обробити це фото: { $reason }

## Каса

gui-pos-scan = Сканування
gui-pos-scan-hint = Відскануйте або введіть штрихкод чи артикул і натисніть Enter
gui-pos-search = Пошук товару
gui-pos-search-label = Товар
gui-pos-search-hint = Назва або артикул
gui-pos-on-hand = На складі: { $count }
gui-pos-add = Додати
gui-pos-empty = Кошик порожній.
gui-pos-payment = Оплата
gui-pos-subtotal = Сума
gui-pos-tax = У тому числі податок
gui-pos-tax-included = Податок включено
gui-pos-total = Разом
gui-pos-paid = Сплачено
gui-pos-change = Решта
gui-pos-col-product = Товар
gui-pos-col-total = Сума рядка
gui-pos-less = На один менше
gui-pos-more = На один більше
gui-pos-out-of-stock = Немає в наявності: на полиці { $count }
gui-pos-low-stock = Мало на складі: на полиці { $count }
gui-pos-exact-cash = Готівкою без решти
gui-pos-rest-card = Решту карткою
gui-pos-due = До сплати
gui-pos-complete = Завершити продаж
gui-pos-clear = Очистити
gui-pos-receipt = Чек { $number }
gui-pos-new-sale = Новий продаж

## Товари та склад

gui-products-new = Новий товар
gui-products-edit = Змінити товар
gui-products-filter = Фільтр
gui-products-pick = Виберіть товар у списку.
gui-products-low-stock = Закінчуються
gui-products-no-low-stock = Запас усіх товарів вищий за рівень дозамовлення.
gui-products-low-line = { $name }: залишилось { $count } (дозамовлення при { $level })
gui-products-stock-of = Залишок «{ $name }»: { $count }
gui-products-movement = Рух
gui-products-adjust-hint = Під час коригування від’ємне число списує товар.
gui-products-record = Провести
gui-products-history = Рух за { $sku }

## Податкові ставки

gui-tax-standard = Основна ставка
gui-tax-reduced = Знижена ставка
gui-tax-zero = Нульова ставка

## Синхронізація

gui-sync-status = Стан
gui-sync-online = У мережі
gui-sync-offline = Немає зв’язку
gui-sync-stale = Синхронізація мовчить
gui-sync-no-hub = Не підключено до сервера
gui-sync-all-sent = Усі зміни дійшли до сервера.
gui-sync-photos-pending = Фото, ще не надісланих на сервер: { $count } ({ $mb } МБ)
gui-sync-refused = Записів, зміни яких сервер відхилив: { $count }. Зміни збережено тут. Причини:
gui-sync-photos-failed = Фото, не прийнятих сервером: { $count }. Причину вказано у фотографіях пацієнта.
gui-sync-oldest = Найстаріша чекає вже { $age }.
gui-sync-last = Остання синхронізація: { $when }
gui-sync-never = Синхронізації ще не було.
gui-sync-hub = Сервер
gui-sync-last-error = Остання помилка
gui-sync-records = Нещодавні записи
gui-sync-on-hub = На сервері
gui-sync-waiting = Ще не на сервері

## Види записів

gui-doc-clinic = Клініка
gui-doc-patient = Пацієнт
gui-doc-product = Товар
gui-doc-ledger = Продажі та склад
gui-doc-appointment = Прийом

## Конфлікти

gui-conflicts-intro = Ці поля одночасно змінили на двох робочих місцях. Виберіть значення, яке треба залишити; ваш вибір дійде до всіх робочих місць.
gui-conflicts-none = Конфліктів немає.
gui-conflicts-keep = Залишити це
gui-conflicts-shown-now = Показано зараз
gui-conflicts-empty-value = (порожньо)
gui-conflicts-resolved = Конфлікт розв’язано.

## Налаштування

gui-settings-appearance = Мова та оформлення
gui-settings-language = Мова
gui-settings-theme = Тема
gui-settings-light = Світла
gui-settings-dark = Темна
gui-settings-workstation = Це робоче місце
gui-settings-users = Працівники
gui-settings-active = Активний
gui-settings-new-password = Новий пароль
gui-settings-reset = Змінити пароль
gui-settings-add-user = Додати працівника

## Підписи полів, яких немає у fields.ftl

gui-field-substance = Речовина
gui-field-reaction = Реакція
gui-field-severity = Тяжкість
gui-field-addendum = Доповнення
gui-field-encounter = Візит
gui-field-patient = Пацієнт
gui-field-photo = Фотографія
gui-field-product = Товар
gui-field-receipt = Чек
gui-field-user = Працівник
gui-field-conflict = Конфлікт
gui-field-allergy = Алергія
gui-field-total = Підсумок
gui-field-other = Це поле

## Помилки

gui-error-denied = Ваша роль не дозволяє { $action }.
gui-error-unreadable = Не вдалося прочитати файл. Перевірте шлях.
gui-error-storage = Не вдалося прочитати або записати дані. Спробуйте ще раз; якщо помилка повторюється, зверніться до адміністратора.
gui-error-disk-full = Диск заповнено: нічого не збережено. Звільніть місце та спробуйте знову.
gui-error-busy = Дані зайняті іншою програмою. Спробуйте за хвилину.
gui-error-photo-unavailable = Цього фото немає на робочому місці, і сервер зараз не може його надіслати. Спробуйте, коли сервер буде доступний.

## Що може роль (доповнює gui-error-denied)

gui-permission-view-patients = переглядати пацієнтів
gui-permission-edit-patients = змінювати дані пацієнтів
gui-permission-view-clinical = переглядати клінічні записи
gui-permission-edit-clinical = змінювати клінічні записи
gui-permission-sign-encounter = підписувати візити
gui-permission-sell = продавати
gui-permission-void-sale = анулювати продажі
gui-permission-manage-stock = вести склад
gui-permission-manage-products = вести каталог товарів
gui-permission-manage-appointments = керувати записом на прийом
gui-permission-manage-users = керувати працівниками
gui-permission-manage-settings = змінювати налаштування клініки

## Table headers
gui-col-time = Час
gui-col-patient = Пацієнт
gui-col-status = Статус
gui-col-visit = Прийом
gui-col-kind = Тип
gui-col-record = Запис
gui-col-changed = Змінено
gui-col-stock = На складі
gui-col-change = Зміна
gui-col-by = Хто
gui-col-diagnoses = Діагнози

## The till's buyer and a patient's purchases
gui-pos-buyer = Покупець (пацієнт)
gui-pos-buyer-hint = Ім'я або номер картки, необов'язково
gui-pos-buyer-remove = Відв'язати
gui-pos-buyer-remove-hint = Продати, не пов'язуючи продаж із пацієнтом
gui-patient-purchases = Покупки
gui-patient-no-purchases = Покупок на касі немає.
gui-col-receipt = Чек
gui-col-amount = Сума
gui-purchase-sale = Продаж
gui-purchase-refund = Повернення
gui-purchase-void = Анулювання
gui-purchase-voided = Продаж, анульовано

## Prescribing and printing on a visit
gui-rx-title = Призначення
gui-rx-none = У цьому прийомі призначень немає.
gui-rx-instructions = Спосіб застосування
gui-rx-quantity-refills = Кількість / повтори
gui-rx-prescriber = Призначив
gui-rx-overridden = Призначено попри алергію на { $allergy }: { $reason }
gui-rx-new = Нове призначення
gui-rx-allergy-title = Попередження про алергію
gui-rx-allergy-substance = Алергія на { $allergy }: { $drug } містить { $substance }.
gui-rx-allergy-class = Алергія на { $allergy }: { $drug } містить { $substance } (група: { $class }).
gui-rx-allergy-answer = Замініть препарат або вкажіть причину все ж призначити його (причину збережено й занесено до журналу).
gui-rx-override-reason = Причина все ж призначити
gui-rx-prescribe = Додати призначення
gui-rx-prescribe-anyway = Призначити попри алергію
gui-rx-answer-first = Введіть препарат і дайте відповідь на попередження про алергію, якщо воно є
gui-rx-print = Друк рецепта
gui-visit-print-summary = Друк висновку
gui-printed = Збережено й відкрито для друку: { $path }
gui-printed-not-opened = Збережено як { $path } (не вдалося відкрити переглядач)
gui-encounter-sign-prescriptions = Призначення

## Conflicts: who wrote each value, where and when
gui-conflicts-origin-here = { $who } · це робоче місце ({ $name }) · { $when }
gui-conflicts-origin = { $who } · робоче місце { $name } · { $when }
gui-conflicts-by-former-user = колишній користувач
gui-conflicts-by-operator = оператор робочого місця
gui-conflicts-by-hub = центральний сервер
gui-conflicts-by-unknown = автор невідомий

## Keyboard
gui-save-shortcut = Зберегти (Ctrl+S)
## Cash-drawer shifts and clinic details (shifts)

gui-nav-shift = Зміна
gui-shift-title = Касова зміна
gui-shift-none = На цьому робочому місці зміну не відкрито.
gui-shift-float = Розмінна сума на початок зміни
gui-shift-float-hint = Готівка, перелічена й покладена в касу до першого продажу.
gui-shift-open = Відкрити зміну
# $when is a time, $who the cashier who opened the shift.
gui-shift-open-since = Зміну відкрито о { $when }, касир: { $who }
# $when is a date and time, $who the cashier who closed the shift.
gui-shift-closed-at = Закрито { $when }, касир: { $who }
gui-shift-pos-none = Зміну не відкрито
gui-shift-pos-open-one = Відкрити
gui-shift-pay-in = Внесення
gui-shift-pay-out = Виплата
gui-shift-pay-in-explain = Готівка, внесена в касу, наприклад розмінна з банку.
gui-shift-pay-out-explain = Готівка, вилучена з каси, наприклад на дрібну покупку чи здачу в банк.
gui-shift-record = Записати
gui-shift-print-x = Друк X-звіту
gui-shift-close = Закрити зміну
gui-shift-close-title = Закриття зміни
gui-shift-count-total = Однією сумою
gui-shift-count-denominations = За купюрами й монетами
gui-shift-counted = Перелічено готівки
gui-shift-denomination = Купюра або монета
gui-shift-note = купюра
gui-shift-coin = монета
gui-shift-count = Кількість
# $value is a note or coin, e.g. €50.00.
gui-shift-count-of = Кількість: { $value }
gui-shift-col-amount = Сума
gui-shift-expected = Очікується в касі
gui-shift-difference = Розбіжність
gui-shift-over = Надлишок: готівки більше, ніж очікувалося
gui-shift-short = Нестача: готівки менше, ніж очікувалося
gui-shift-balanced = Сходиться
gui-shift-continue = Далі
gui-shift-confirm = Закриття зміни не можна скасувати: Z-звіт стане остаточним, а для нових продажів знадобиться нова зміна.
gui-shift-confirm-close = Закрити зміну остаточно
gui-shift-x-report = X-звіт (зміна на цю мить)
gui-shift-z-report = Z-звіт
gui-shift-opened = Відкрито
gui-shift-closed = Закрито
gui-shift-col-cashier = Касир
gui-shift-cash = Готівка в касі
gui-shift-cash-sales = Продажі готівкою без решти
gui-shift-cash-refunds = Повернення готівкою
gui-shift-pay-ins = Внесення
gui-shift-pay-outs = Виплати
gui-shift-receipts = Чеки
# $first and $last are receipt numbers, e.g. N1-000001.
gui-shift-receipt-range = з { $first } по { $last }
gui-shift-no-receipts = Чеків поки немає
gui-shift-sales-count = Продажі
gui-shift-refunds-count = Повернення
gui-shift-voids-count = Анульовані продажі
gui-shift-net-total = Виручка
gui-shift-by-method = За способами оплати
gui-shift-col-method = Спосіб
gui-shift-col-sales = Отримано
gui-shift-col-refunds = Повернуто
gui-shift-col-net = Разом
gui-shift-by-rate = Податок за ставками
gui-shift-col-rate = Ставка
gui-shift-col-gross = Продажі з податком
gui-shift-col-tax = Податок
gui-shift-moves = Внесення й виплати
gui-shift-no-moves = У цій зміні їх не було.
gui-shift-past = Минулі зміни
gui-shift-past-none = На цьому робочому місці ще не закрито жодної зміни.
gui-shift-view = Відкрити звіт
gui-shift-print = Друк
# $path is the PDF file written.
gui-shift-printed = Відкрито в переглядачі PDF: { $path }
# $path is the PDF file written.
gui-shift-print-not-opened = Не вдалося запустити переглядач PDF. Звіт збережено: { $path }
gui-field-float = Розмінна сума на початок зміни
gui-field-counted = Перелічено готівки
gui-field-amount = Сума
gui-field-shift = Зміна
gui-field-legal-name = Юридична назва
gui-field-tax-id = Податковий номер
gui-field-tax-rate = Ставка податку
gui-clinic-title = Реквізити клініки
gui-clinic-explain = Друкуються на кожному чеку та звіті зміни.
gui-clinic-tax-rates = Ставки податку
gui-clinic-rate-percent = Ставка, %
# $name is a tax class, e.g. Standard rate.
gui-clinic-rate-of = Ставка «{ $name }», %
gui-clinic-new-class = Нова податкова категорія
gui-clinic-new-rate = Ставка нової категорії, %
gui-clinic-prices-include-tax = Ціни містять податок
gui-clinic-included-hint = Покупець сплачує вказану ціну; податок — її частина, яку клініка має сплатити.
gui-clinic-added-hint = Каса нараховує податок понад вказані ціни.
gui-clinic-save = Зберегти реквізити
gui-clinic-first-run = Юридичну назву, адресу й податковий номер клініки ще не задано: чеки друкуються без них.
gui-clinic-set-up = Заповнити реквізити
gui-clinic-later = Пізніше
# The difference of a past shift in its table, in a word.
gui-shift-over-word = Надлишок
gui-shift-short-word = Нестача
## Appointment book (calendar)
gui-nav-appointments = Запис на прийом
gui-appointment-checked-in = Прийшов
gui-book-day = День
gui-book-week = Тиждень
gui-book-all-clinicians = Усі лікарі
gui-book-previous = Назад
gui-book-today = Сьогодні
gui-book-next = Вперед
gui-book-new = Новий запис
gui-book-go-to = Перейти до дати
gui-book-open = Відкрити журнал записів
gui-book-unassigned = Без лікаря
gui-book-unlinked-short = не прив’язаний
gui-book-cancelled =
    { $count ->
        [one] { $count } скасований запис
        [few] { $count } скасовані записи
       *[many] { $count } скасованих записів
    }
gui-book-title-new = Записати на прийом
gui-book-title-move = Перенести запис
gui-book-find-patient = Знайти пацієнта (ім’я або номер картки)
gui-book-change-patient = Змінити
gui-book-clinician-none = (ще не призначено)
gui-book-date = День
gui-book-start = Час початку
gui-book-length = Тривалість
gui-book-minutes-value = { $count } хв
gui-book-reason = Причина візиту
gui-book-save = Записати
gui-book-save-move = Перенести
gui-book-choose-patient = Оберіть пацієнта зі списку.
gui-book-bad-date = Вкажіть день датою, наприклад 31.12.2026.
gui-book-bad-time = Вкажіть час початку в годинах і хвилинах, наприклад 9:30.
gui-book-cancel-title = Скасувати цей запис?
gui-book-cancel-explain = Запис { $who } на { $when } буде позначено як скасований. Він залишиться в журналі разом із причиною.
gui-book-cancel-reason = Причина скасування
gui-book-cancel-confirm = Скасувати запис
gui-book-keep = Залишити
gui-book-close = Закрити
gui-book-source = Джерело запису
gui-book-open-chart = Відкрити картку
gui-book-start-visit = Почати прийом
gui-book-check-in = Позначити прихід
gui-book-no-show = Позначити неявку
gui-book-move = Перенести…
gui-book-cancel = Скасувати…
gui-book-invitee = Хто записався онлайн
gui-book-unlinked = Ще не прив’язаний до картки пацієнта.
gui-book-invitee-name = Ім’я
gui-book-matches = Пацієнти з цією поштою або телефоном
gui-book-no-matches = Немає пацієнта з такою поштою або телефоном.
gui-book-match-email = та сама пошта
gui-book-match-phone = той самий телефон
gui-book-link = Прив’язати
gui-book-search-other = Знайти іншого пацієнта
gui-book-register = Зареєструвати пацієнта
gui-book-calendar-of = Розклад
gui-book-overlap = У { $who } у цей час уже { $name } ({ $when }).
# Photos: body map, file browser, visit link, comparison over time
gui-photos-map-title = Карта тіла
gui-photos-map-front = Спереду
gui-photos-map-back = Ззаду
gui-photos-map-region-front = { $name }, спереду
gui-photos-map-region-back = { $name }, ззаду
gui-photos-part-chosen = Вибрано: { $name }
gui-photos-part-none = Натисніть на ділянку тіла або виберіть її зі списку.
gui-photos-part-needed = Спочатку виберіть ділянку тіла.
gui-photos-visit = Прийом
gui-photos-no-visit = Не прив’язано до прийому
gui-photos-visit-of = Прийом від { $when }
gui-photos-gallery-of = Фотографії ділянки: { $name }
gui-photos-show-all = Показати всі ділянки
gui-photos-compare = Порівняти в динаміці
gui-photos-choose = Вибрати файли…
gui-photos-drop-now = Відпустіть, щоб додати ці файли.
gui-photos-files-chosen = { $count ->
    [one] { $count } файл готовий до додавання:
    [few] { $count } файли готові до додавання:
    [many] { $count } файлів готові до додавання:
   *[other] { $count } файлу готові до додавання:
}
gui-photos-remove-file = Прибрати зі списку
gui-photos-remove-named = Прибрати { $name }
gui-photos-add-files = { $count ->
    [one] Додати { $count } фото
    [few] Додати { $count } фото
    [many] Додати { $count } фото
   *[other] Додати { $count } фото
}
gui-photos-added-count = { $count ->
    [one] Додано { $count } фотографію.
    [few] Додано { $count } фотографії.
    [many] Додано { $count } фотографій.
   *[other] Додано { $count } фотографії.
}
gui-photos-not-imported = { $name } не додано: { $reason }
gui-picker-title = Вибір фотографій
gui-picker-home = Домашня тека
gui-picker-pictures = Зображення
gui-picker-up = На рівень вище
gui-picker-folder = Тека
gui-picker-confirm = { $count ->
    [one] Взяти { $count } файл
    [few] Взяти { $count } файли
    [many] Взяти { $count } файлів
   *[other] Взяти { $count } файлу
}
gui-picker-unreadable = Цю теку неможливо прочитати.
gui-picker-empty = Тут немає тек і зображень.
gui-picker-truncated = У теці забагато файлів: показано лише перші.
gui-compare-heading = У динаміці: { $name }
gui-compare-close = Назад до галереї
gui-compare-keys = Клавіші «ліворуч» і «праворуч» гортають пізніше фото; із Shift — раніше.
gui-compare-earlier = Раніше фото
gui-compare-later = Пізніше фото
gui-compare-step-earlier = { $name }: на крок раніше
gui-compare-step-later = { $name }: на крок пізніше
gui-compare-position = { $number } з { $count }
gui-compare-series-item = Фото { $number } з { $count }

## The till: tax added on top of prices that exclude it
gui-pos-tax-added = Податок зверху
