### Դաշտերի անվանումներ։ Սխալների հաղորդագրությունները դրանք ստանում են $field-ով։

## Պացիենտ

field-first-name = Անուն
field-last-name = Ազգանուն
field-middle-name = Հայրանուն
field-birth-date = Ծննդյան ամսաթիվ
field-sex = Սեռ
field-phone = Հեռախոս
field-email = Էլ. փոստ
field-address = Հասցե
field-mrn = Բժշկական քարտի համար
field-allergies = Ալերգիաներ
field-medical-history = Անամնեզ
field-notes = Նշումներ

## Այց (SOAP)

field-date = Ամսաթիվ
field-clinician = Բժիշկ
field-complaint = Գանգատներ
field-subjective = Սուբյեկտիվ տվյալներ
field-objective = Օբյեկտիվ տվյալներ
field-assessment = Գնահատում
field-plan = Բուժման պլան
field-diagnosis = Ախտորոշում

## Ապրանքներ, պահեստ և վաճառք

field-sku = Ապրանքի կոդ
field-name = Անվանում
field-category = Կատեգորիա
field-price = Գին
field-currency = Արժույթ
field-barcode = Շտրիխ կոդ
field-active = Ակտիվ
field-reorder-level = Պաշարի նվազագույն մակարդակ
field-tax-class = Հարկային խումբ
field-quantity = Քանակ
field-reason = Պատճառ
field-item = Ապրանք
field-payment = Վճարում
field-discount = Զեղչ

## Օգտատերեր և կարգավորումներ

field-username = Օգտանուն
field-password = Գաղտնաբառ
field-role = Դեր
field-display-name = Ցուցադրվող անուն
field-clinic-name = Կլինիկայի անվանում
field-node-name = Աշխատատեղի անվանում
field-locale = Լեզու

## Գրանցումներ և լուսանկարներ

field-start = Սկիզբ
field-end = Ավարտ
field-body-part = Մարմնի հատված
field-tags = Պիտակներ
field-file = Ֆայլ

# Prescriptions
field-drug = Դեղ
field-dose = Դեղաչափ
field-refills = Կրկնություններ
