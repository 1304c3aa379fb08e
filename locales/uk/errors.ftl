### Помилки перевірки. $field — назва поля (вже перекладена).

error-required = Поле «{ $field }» обов’язкове.
error-too-long =
    Поле «{ $field }» має містити не більше { $max } { $max ->
        [one] символу
       *[other] символів
    }.
error-invalid-chars = Поле «{ $field }» містить неприпустимі символи.
error-invalid-date = Поле «{ $field }» містить неправильну дату.
error-date-in-future = Дата в полі «{ $field }» не може бути в майбутньому.
error-date-too-old = Дата в полі «{ $field }» занадто давня.
error-invalid-email = Поле «{ $field }» містить неправильну адресу електронної пошти.
error-invalid-phone = Поле «{ $field }» містить неправильний номер телефону.
error-invalid-sex = Поле «{ $field }»: виберіть одне із запропонованих значень.
error-invalid-amount = Поле «{ $field }» містить неправильну суму.
error-invalid-currency = Поле «{ $field }»: невідомий код валюти.
error-currency-mismatch = Поле «{ $field }»: валюта відрізняється від валюти решти продажу.
error-negative-amount = Значення поля «{ $field }» не може бути від’ємним.
error-invalid-sku = Поле «{ $field }» містить неправильний артикул.
error-duplicate-sku = Поле «{ $field }»: таке значення вже має інший товар.
error-unknown-sku = Поле «{ $field }»: товар із таким артикулом не знайдено.
error-inactive-product = Поле «{ $field }»: цей товар більше не продається.
error-invalid-quantity = Значення поля «{ $field }» має бути не менше { $min }.
error-invalid-icd10 = Поле «{ $field }» містить неправильний код МКХ-10.
error-unknown-patient = Поле «{ $field }»: пацієнта не знайдено.
error-unknown-encounter = Поле «{ $field }»: прийом не знайдено.
error-encounter-signed = Поле «{ $field }» не можна змінити: прийом підписано. Додайте доповнення.
error-insufficient-payment = Поле «{ $field }»: оплати недостатньо, щоб покрити суму.
error-change-without-cash = Поле «{ $field }»: решту можна видати лише при оплаті готівкою.
error-invalid-payment-method = Поле «{ $field }»: неприпустимий спосіб оплати.
error-invalid-body-part = Поле «{ $field }»: неприпустима ділянка тіла.
error-invalid-role = Поле «{ $field }»: неприпустима роль.
error-invalid-locale = Поле «{ $field }»: мова не підтримується.
error-invalid-tax-rate = Поле «{ $field }»: неприпустима ставка податку.
error-invalid-barcode = Поле «{ $field }» містить неправильний штрихкод.
error-invalid-time-range = Поле «{ $field }»: кінець має бути пізніше за початок.
error-invalid-status = Поле «{ $field }»: неприпустимий статус.
error-invalid-id = Поле «{ $field }» містить неправильний ідентифікатор.
error-invalid-username = Поле «{ $field }» може містити лише літери, цифри, крапки, дефіси та підкреслення.
error-weak-password =
    Поле «{ $field }» має містити щонайменше { $min } { $min ->
        [one] символ
        [few] символи
       *[other] символів
    }.
error-duplicate-username = Поле «{ $field }»: це ім’я вже зайняте.
error-discount-too-large = Поле «{ $field }»: знижка не може перевищувати ціну.
error-empty-cart = Поле «{ $field }»: кошик порожній.
error-invalid-mime = Поле «{ $field }»: цей тип файлу не підтримується.
error-file-too-large = Поле «{ $field }»: файл завеликий (максимум { $max }).
error-unknown-product = Поле «{ $field }»: товар не знайдено.
error-unknown-sale = Поле «{ $field }»: продаж не знайдено.
error-already-voided = Поле «{ $field }»: цей продаж уже анульовано.
error-refund-exceeds-sale = Поле «{ $field }»: сума повернення перевищує суму продажу.
error-shift-open = Поле «{ $field }»: зміна на цьому робочому місці вже відкрита; спершу закрийте її.
error-no-open-shift = Поле «{ $field }»: на цьому робочому місці немає відкритої зміни; спершу відкрийте її.
error-chain-broken = Поле «{ $field }»: тут порушено ланцюжок чеків.
error-permission-denied = Поле «{ $field }»: недостатньо прав для цієї дії.
error-allergies-listed = Поле «{ $field }»: у пацієнта записано алергії; видаліть їх, перш ніж позначити «алергій не виявлено».
error-allergy-conflict = Поле «{ $field }»: препарат збігається з алергією пацієнта.
error-invalid-transition = Поле «{ $field }»: така зміна статусу неприпустима.
error-already-merged = Поле «{ $field }»: картку вже об’єднано.
