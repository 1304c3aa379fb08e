### Назви полів. Повідомлення про помилки отримують їх як $field.

## Пацієнт

field-first-name = Ім’я
field-last-name = Прізвище
field-middle-name = По батькові
field-birth-date = Дата народження
field-sex = Стать
field-phone = Телефон
field-email = Ел. пошта
field-address = Адреса
field-mrn = Номер медичної картки
field-allergies = Алергії
field-medical-history = Анамнез
field-notes = Примітки

## Прийом (SOAP)

field-date = Дата
field-clinician = Лікар
field-complaint = Скарги
field-subjective = Суб’єктивно
field-objective = Об’єктивно
field-assessment = Оцінка
field-plan = План
field-diagnosis = Діагноз

## Товари, склад і продажі

field-sku = Артикул
field-name = Назва
field-category = Категорія
field-price = Ціна
field-currency = Валюта
field-barcode = Штрихкод
field-active = Активний
field-reorder-level = Мінімальний залишок
field-tax-class = Податкова категорія
field-quantity = Кількість
field-reason = Причина
field-item = Позиція
field-payment = Оплата
field-discount = Знижка

## Користувачі та налаштування

field-username = Ім’я користувача
field-password = Пароль
field-role = Роль
field-display-name = Відображуване ім’я
field-clinic-name = Назва клініки
field-node-name = Назва робочого місця
field-locale = Мова

## Записи та фотографії

field-start = Початок
field-end = Кінець
field-body-part = Ділянка тіла
field-tags = Теги
field-file = Файл

# Prescriptions
field-drug = Препарат
field-dose = Доза
field-refills = Повтори
