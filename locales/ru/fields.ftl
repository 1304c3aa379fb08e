### Названия полей. Сообщения об ошибках получают их как $field.

## Пациент

field-first-name = Имя
field-last-name = Фамилия
field-middle-name = Отчество
field-birth-date = Дата рождения
field-sex = Пол
field-phone = Телефон
field-email = Эл. почта
field-address = Адрес
field-mrn = Номер медкарты
field-allergies = Аллергии
field-medical-history = Анамнез
field-notes = Примечания

## Приём (SOAP)

field-date = Дата
field-clinician = Врач
field-complaint = Жалобы
field-subjective = Субъективно
field-objective = Объективно
field-assessment = Оценка
field-plan = План
field-diagnosis = Диагноз

## Товары, склад и продажи

field-sku = Артикул
field-name = Название
field-category = Категория
field-price = Цена
field-currency = Валюта
field-barcode = Штрихкод
field-active = Активен
field-reorder-level = Минимальный остаток
field-tax-class = Налоговая категория
field-quantity = Количество
field-reason = Причина
field-item = Позиция
field-payment = Оплата
field-discount = Скидка

## Пользователи и настройки

field-username = Имя пользователя
field-password = Пароль
field-role = Роль
field-display-name = Отображаемое имя
field-clinic-name = Название клиники
field-node-name = Название рабочего места
field-locale = Язык

## Записи и фотографии

field-start = Начало
field-end = Окончание
field-body-part = Область тела
field-tags = Теги
field-file = Файл

# Prescriptions
field-drug = Препарат
field-dose = Доза
field-refills = Повторы
