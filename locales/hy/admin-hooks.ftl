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
