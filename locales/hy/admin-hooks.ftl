### Կենտրոնի ադմինիստրատորի էջեր՝ վեբհուքերի առաքում, բացասական մնացորդներ և բաց
### հակասություններ։ Հաղորդագրությունները ստանում են միայն $count (թիվ)․ անունները,
### ժամերը և կոդերը էջը դնում է կողքին։

admin-nav-webhooks = Վեբհուքերի առաքում
admin-nav-stock = Բացասական մնացորդներ
admin-nav-conflicts = Բաց հակասություններ
admin-col-clinic = Կլինիկա
admin-col-updated = Թարմացվել է
admin-doc-type-clinic = Կլինիկայի կարգավորումներ
admin-doc-type-patient = Պացիենտի քարտ
admin-doc-type-product = Ապրանք
admin-doc-type-ledger = Վաճառքի և պահեստի մատյան
admin-doc-type-appointment = Այց

## Վեբհուքերի առաքում

admin-webhooks-title = Վեբհուքերի առաքում
admin-webhooks-intro = Կլինիկայի մյուս համակարգերին ուղարկված վերջին իրադարձությունները։ Չհաջողված առաքումը կրկնվում է աճող դադարներով՝ 24 ժամվա ընթացքում։
admin-webhooks-none = Դեռ ոչինչ չի ուղարկվել։ Ավելացրեք վեբհուք՝ dermis-hub webhook add --url … --events …
admin-webhooks-col-event = Իրադարձություն
admin-webhooks-col-url = Ուր
admin-webhooks-col-state = Վիճակ
admin-webhooks-col-attempts = Փորձեր
admin-webhooks-col-answer = Վերջին պատասխան
admin-webhook-state-pending = Սպասում է ուղարկման
admin-webhook-state-failed = Չհաջողվեց, կկրկնվի
admin-webhook-state-delivered = Առաքված է
admin-webhook-state-dead = Փորձերը դադարեցվել են
admin-webhooks-next = հաջորդ փորձ
admin-webhooks-no-answer = պատասխան չկա

## Բացասական մնացորդներ

admin-stock-title = Բացասական մնացորդներ
admin-stock-intro = Մնացորդից ավելի վաճառված կամ դուրս գրված ապրանքներ, սովորաբար երբ աշխատատեղերը միաժամանակ վաճառում էին առանց կապի։ Հաշվեք դարակը և գրանցեք ապրանքի շարժ աշխատատեղում։
admin-stock-none = Ոչ մի ապրանք զրոյից ցածր չէ։
admin-col-sku = Արտիկուլ
admin-col-on-hand = Մնացորդ

## Բաց հակասություններ

admin-conflicts-title = Բաց հակասություններ
admin-conflicts-intro = Դաշտեր, որոնք երկու աշխատատեղ փոխել են միաժամանակ։ Երկու արժեքն էլ պահված են․ մեկն ընտրվում է աշխատատեղում։
admin-conflicts-none = Ոչ մի գրառում հակասող արժեքներ չունի։
admin-col-document = Գրառում
admin-col-fields = Դաշտեր

## Staff and role changes

admin-nav-staff = Անձնակազմի փոփոխություններ
admin-staff-title = Անձնակազմի և դերերի փոփոխություններ
admin-staff-intro = Կլինիկայի օգտատերերի և դերերի յուրաքանչյուր փոփոխություն՝ ով է արել, երբ (աշխատակայանի ժամացույցով) և որ աշխատակայանից։ Դա կարող է անել միայն կլինիկայի ակտիվ ադմինիստրատորը․ մնացածը հաբը մերժում է։
admin-staff-none = Անձնակազմի փոփոխություններ դեռ չկան։
admin-staff-col-when = Երբ
admin-staff-col-by = Ով է փոխել
admin-staff-col-node = Աշխատակայան
admin-staff-col-user = Աշխատակից
admin-staff-col-change = Փոփոխություն
admin-staff-when-unknown = գրանցված չէ
admin-staff-by-operator = աշխատակայանի օպերատորը (մինչ կլինիկան ադմինիստրատոր ունենալը)
admin-staff-by-hub = հաբը
admin-staff-by-unknown = անհայտ (հեղինակի գրառում չկա)
admin-staff-by-unknown-user = օգտատեր, որը կլինիկայում չկա
admin-staff-node-none = —
admin-staff-node-unknown = անհայտ աշխատակայան
# $role is a role name (admin-staff-role-*).
admin-staff-what-added = ավելացվել է որպես { $role }
admin-staff-what-role = դերը փոխվել է՝ { $role }
admin-staff-what-deactivated = ապաակտիվացվել է
admin-staff-what-reactivated = կրկին ակտիվ է
admin-staff-what-password = գաղտնաբառը փոխվել է
admin-staff-what-username = մուտքանունը փոխվել է
admin-staff-what-display-name = ցուցադրվող անունը փոխվել է
admin-staff-what-removed = հեռացվել է
admin-staff-what-roles = դերերի սահմանումները փոխվել են
admin-staff-role-admin = Ադմինիստրատոր
admin-staff-role-doctor = Բժիշկ
admin-staff-role-nurse = Բուժքույր
admin-staff-role-reception = Ընդունարան
admin-staff-role-cashier = Գանձապահ
