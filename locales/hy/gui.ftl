### Աշխատասեղանի հավելվածը՝ էկրաններ, կոճակներ, ծանուցումներ։ Դաշտերի անվանումները
### fields.ftl-ում են, ստուգման սխալները՝ errors.ftl-ում, այստեղի նույնացուցիչները
### սկսվում են `gui-`-ով։

gui-opening = Բացվում են այս աշխատատեղի գրառումները…
gui-open-failed = Չհաջողվեց բացել այս աշխատատեղի գրառումները։

## Ընդհանուր գործողություններ

gui-save = Պահպանել
gui-saved = Պահպանված է։
gui-cancel = Չեղարկել
gui-back = Հետ
gui-remove = Հեռացնել
gui-refresh = Թարմացնել
gui-none = Չկա
gui-logout = Դուրս գալ
gui-lock = Կողպել
gui-lock-hint = Կողպել էկրանը հիմա․ ձեր աշխատանքը բաց կմնա դրա հետևում։
gui-lock-title = Էկրանը կողպված է
gui-lock-intro = Մուտք է գործել՝ { $name }։ Մուտքագրեք գաղտնաբառը՝ շարունակելու համար։
gui-lock-refused = Սխալ գաղտնաբառ։
gui-lock-unlock = Բացել
gui-lock-switch-hint = Ուրի՞շ աշխատակից։ Մուտք գործեք այլ օգտատիրոջ անունով․ այս էկրանի չպահպանված փոփոխությունները կկորչեն։
gui-lock-switch = Փոխել օգտատիրոջը
gui-date-hint = Մուտքագրեք ամսաթիվը { $example } կամ { $iso } ձևով կամ ընտրեք այն օրացույցից։
gui-date-calendar = Ընտրել օրացույցից
gui-date-previous-year = Նախորդ տարի
gui-date-previous-month = Նախորդ ամիս
gui-date-next-month = Հաջորդ ամիս
gui-date-next-year = Հաջորդ տարի
gui-date-year = Տարի
gui-date-today = Այսօր
gui-month-1 = Հունվար
gui-month-2 = Փետրվար
gui-month-3 = Մարտ
gui-month-4 = Ապրիլ
gui-month-5 = Մայիս
gui-month-6 = Հունիս
gui-month-7 = Հուլիս
gui-month-8 = Օգոստոս
gui-month-9 = Սեպտեմբեր
gui-month-10 = Հոկտեմբեր
gui-month-11 = Նոյեմբեր
gui-month-12 = Դեկտեմբեր
gui-weekday-1 = երկ
gui-weekday-2 = երք
gui-weekday-3 = չրք
gui-weekday-4 = հնգ
gui-weekday-5 = ուր
gui-weekday-6 = շբթ
gui-weekday-7 = կիր
gui-size-mb = { $mb } ՄԲ

## Որքան ժամանակ է անցել

gui-age-now = մեկ րոպեից պակաս
gui-age-minutes =
    { $count ->
        [one] { $count } րոպե
       *[other] { $count } րոպե
    }
gui-age-hours =
    { $count ->
        [one] { $count } ժամ
       *[other] { $count } ժամ
    }
gui-age-days =
    { $count ->
        [one] { $count } օր
       *[other] { $count } օր
    }

## Նավիգացիա

gui-nav-dashboard = Ամփոփում
gui-nav-patients = Պացիենտներ
gui-nav-pos = Դրամարկղ
gui-nav-products = Ապրանքներ և պահեստ
gui-nav-sync = Համաժամացում
gui-nav-conflicts = Հակասություններ
gui-nav-settings = Կարգավորումներ

## Մուտք և առաջին գործարկում

gui-login-title = Մուտք
gui-login-submit = Մուտք գործել
gui-login-refused = Օգտանունը կամ գաղտնաբառը սխալ է։
gui-login-locked = Այս օգտատիրոջ մուտքի չափազանց շատ անհաջող փորձեր։ Կրկին փորձեք { $count } րոպեից։
gui-login-offline = Մուտքն աշխատում է առանց կապի․ աշխատակիցների հաշիվները պահվում են այս աշխատատեղում։
gui-setup-title = Բարի գալուստ Dermis
gui-setup-intro = Այս աշխատատեղում դեռ գրառումներ չկան։ Սկսելու համար ստեղծեք ձեր կլինիկան։
gui-setup-new-clinic = Նոր կլինիկա
gui-setup-admin = Առաջին ադմինիստրատորը
gui-setup-confirm = Կրկնեք գաղտնաբառը
gui-setup-mismatch = Գաղտնաբառերը չեն համընկնում։
gui-setup-create = Ստեղծել կլինիկան
gui-setup-join = Միանալ կլինիկայի, որն արդեն օգտագործում է Dermis
gui-setup-join-later = Այս աշխատատեղը կլինիկայի կենտրոնական սերվերին միացնելը հնարավոր կլինի այստեղ՝ հաջորդ տարբերակում։ Առայժմ ստեղծեք նոր կլինիկա․ այն հետագայում կարող է միանալ սերվերին։

## Ամփոփում

gui-dashboard-title = Այսօր
gui-dashboard-today = Այսօրվա ընդունելությունները
gui-dashboard-no-appointments = Այսօր ընդունելություններ չկան։
gui-dashboard-recent = Վերջին պացիենտները
gui-dashboard-open-sync = Բացել համաժամացման վահանակը
gui-dashboard-attention = Ուշադրություն է պահանջում
gui-dashboard-all-clear = Ամեն ինչ կարգին է։
gui-dashboard-drafts = { $count ->
    [one] { $count } այց ստորագրված չէ
   *[other] { $count } այց ստորագրված չէ
}
gui-dashboard-conflicts =
    { $count ->
        [one] { $count } հակասող փոփոխություն սպասում է որոշման
       *[other] { $count } հակասող փոփոխություն սպասում են որոշման
    }
gui-dashboard-low-stock =
    { $count ->
        [one] { $count } ապրանքի պաշարը սպառվում է
       *[other] { $count } ապրանքի պաշարը սպառվում է
    }

## Ընդունելության կարգավիճակ

gui-appointment-scheduled = Նշանակված
gui-appointment-canceled = Չեղարկված
gui-appointment-completed = Կայացած
gui-appointment-no-show = Չի ներկայացել

## Պացիենտներ

gui-patients-search = Որոնել պացիենտներ
gui-patients-search-hint = Անուն, հեռախոս, էլ. փոստ կամ քարտի համար
gui-patients-recent = Վերջերս փոփոխված պացիենտներ
gui-patients-none = Պացիենտներ չեն գտնվել։
gui-patients-new = Նոր պացիենտ
gui-patients-edit = Խմբագրել պացիենտին
gui-patients-mrn-hint = Քարտի համարը թողեք դատարկ, և այն կտրվի ինքնաշխատ։
gui-patients-name = Անուն Ազգանուն
gui-patients-last-visit = Վերջին այցը
gui-patient-details = Տվյալներ
gui-allergies-none-known = Հայտնի ալերգիաներ չկան
gui-allergies-not-recorded = Ալերգիաները գրանցված չեն
gui-patient-record-nka = Հայտնի ալերգիաներ չկան (պացիենտի խոսքով)
gui-patient-record-nka-hint = Նշել, որ պացիենտին հարցրել են, և նա ալերգիա չունի։
gui-allergy-error = Սխալ գրառում
gui-allergy-error-hint = Նշել այս ալերգիան որպես սխալմամբ գրառված (այն կմնա քարտում՝ ջնջված գծով)։
gui-allergy-error-reason = Սխալի պատճառը
gui-allergy-error-confirm = Նշել որպես սխալ
gui-allergy-errors = Սխալմամբ գրառված
gui-banner-age = { $count ->
    [one] { $count } տարեկան
   *[other] { $count } տարեկան
}
gui-banner-mrn = Քարտ { $mrn }
gui-encounter-sign-title = Ստորագրե՞լ այցը
gui-encounter-sign-explain = Ստորագրված այցը փոփոխել հնարավոր չէ․ ուղղումները ավելացվում են որպես հավելումներ։
gui-encounter-sign-no-diagnoses = Ախտորոշում նշված չէ։
gui-encounter-sign-confirm = Ստորագրել այցը
gui-unsaved-title = Դուրս գա՞լ առանց պահպանելու
gui-unsaved-explain = Այցում կան չպահպանված փոփոխություններ։ Եթե դուրս գաք, դրանք կկորչեն։
gui-unsaved-discard = Չեղարկել փոփոխությունները
gui-unsaved-stay = Շարունակել խմբագրումը
gui-draft-restored = Այս այցի չպահպանված փոփոխությունները պահվել և վերականգնվել են։
gui-patient-add-allergy = Ավելացնել ալերգիա
gui-patient-visits = Այցեր
gui-patient-no-visits = Այցեր դեռ չկան։

## Ալերգիայի ծանրություն

gui-severity-mild = Թեթև
gui-severity-moderate = Միջին
gui-severity-severe = Ծանր
gui-severity-unknown = Ծանրությունն անհայտ է

## Այցեր

gui-encounter-title = Այց
gui-encounter-heading = Այց․ { $patient }
gui-encounter-new = Նոր այց
gui-encounter-diagnoses = Ախտորոշումներ (ՀՄԴ-10-CM)
gui-encounter-find-diagnosis = Գտնել ախտորոշում
gui-encounter-find-diagnosis-hint = Կոդ կամ բառեր, օրինակ՝ L40 կամ պսորիազ
gui-encounter-sign = Ստորագրել
gui-encounter-save-first = Ստորագրելուց առաջ պահպանեք այցը։
gui-encounter-signed-by = Ստորագրել է { $who }-ը, { $when }։
gui-encounter-read-only = Ստորագրված այցը հնարավոր չէ փոխել։ Ուղղելու համար ավելացրեք լրացում։
gui-encounter-addenda = Լրացումներ
gui-encounter-addendum = Լրացում
gui-encounter-add-addendum = Ավելացնել լրացում

## Լուսանկարներ

gui-photos-title = Լուսանկարներ
gui-photos-heading = Լուսանկարներ․ { $patient }
gui-photos-no-patient = Լուսանկարները տեսնելու համար բացեք պացիենտին։
gui-photos-import = Ավելացնել լուսանկար
gui-photos-drop-hint = Քաշեք JPEG, PNG կամ WebP լուսանկարները այս պատուհանի վրա կամ ընտրեք դրանք։
gui-photos-tags-hint = Պիտակներն անջատեք ստորակետներով։
gui-photos-gallery = Պատկերասրահ
gui-photos-none = Լուսանկարներ դեռ չկան։
gui-photos-view = Դիտել
gui-photos-local = Պահվում է այս աշխատատեղում․ սերվերը դեռ չի մշակել այն։
gui-photos-processed = Մշակված է սերվերի կողմից։
gui-photos-original-missing = Բնօրինակը այս աշխատատեղում չէ։
gui-photos-upload-local = Դեռ չի ուղարկվել սերվեր։
gui-photos-upload-uploading = Ուղարկվում է սերվեր՝ { $percent }%
gui-photos-upload-uploaded = Պահված է սերվերում։
gui-photos-upload-failed = Սերվերը չընդունեց այս լուսանկարը՝ { $reason }
gui-photos-upload-elsewhere = Արված է այլ աշխատատեղում։
gui-photos-thumb-pending = Սպասում է սերվերի մշակմանը։
gui-photos-thumb-error = Սերվերը չկարողացավ մշակել այս լուսանկարը՝ { $reason }

## Դրամարկղ

gui-pos-scan = Սկանավորում
gui-pos-scan-hint = Սկանավորեք կամ մուտքագրեք շտրիխկոդը կամ արտիկուլը և սեղմեք Enter
gui-pos-search = Գտնել ապրանք
gui-pos-search-label = Ապրանք
gui-pos-search-hint = Անվանում կամ արտիկուլ
gui-pos-on-hand = Պահեստում՝ { $count }
gui-pos-add = Ավելացնել
gui-pos-empty = Զամբյուղը դատարկ է։
gui-pos-payment = Վճարում
gui-pos-subtotal = Գումար
gui-pos-tax = Այդ թվում հարկ
gui-pos-tax-included = Հարկը ներառված է
gui-pos-total = Ընդամենը
gui-pos-paid = Վճարված է
gui-pos-change = Մանր
gui-pos-col-product = Ապրանք
gui-pos-col-total = Տողի գումարը
gui-pos-less = Մեկով պակաս
gui-pos-more = Մեկով ավել
gui-pos-out-of-stock = Պահեստում չկա․ դարակում՝ { $count }
gui-pos-low-stock = Պաշարը քիչ է․ դարակում՝ { $count }
gui-pos-exact-cash = Ճշգրիտ կանխիկ
gui-pos-rest-card = Մնացածը քարտով
gui-pos-due = Վճարման ենթակա
gui-pos-complete = Ավարտել վաճառքը
gui-pos-clear = Մաքրել
gui-pos-receipt = Կտրոն { $number }
gui-pos-new-sale = Նոր վաճառք

## Ապրանքներ և պահեստ

gui-products-new = Նոր ապրանք
gui-products-edit = Խմբագրել ապրանքը
gui-products-filter = Զտիչ
gui-products-pick = Ընտրեք ապրանք ցանկից։
gui-products-low-stock = Սպառվող պաշար
gui-products-no-low-stock = Բոլոր ապրանքների պաշարը վերապատվիրման մակարդակից բարձր է։
gui-products-low-line = { $name }․ մնացել է { $count } (վերապատվիրել { $level }-ի դեպքում)
gui-products-stock-of = «{ $name }»-ի մնացորդը՝ { $count }
gui-products-movement = Շարժ
gui-products-adjust-hint = Ճշգրտման դեպքում բացասական թիվը դուրս է գրում ապրանքը։
gui-products-record = Գրանցել
gui-products-history = { $sku }-ի շարժերը

## Հարկի դրույքներ

gui-tax-standard = Հիմնական դրույք
gui-tax-reduced = Նվազեցված դրույք
gui-tax-zero = Զրոյական դրույք

## Համաժամացում

gui-sync-status = Վիճակ
gui-sync-online = Կապի մեջ է
gui-sync-offline = Կապ չկա
gui-sync-stale = Համաժամացումից լուր չկա
gui-sync-no-hub = Միացված չէ կենտրոնական սերվերին
gui-sync-all-sent = Բոլոր փոփոխությունները հասել են սերվերին։
gui-sync-photos-pending = Սերվեր դեռ չուղարկված լուսանկարներ՝ { $count } ({ $mb } ՄԲ)
gui-sync-refused = Գրառումներ, որոնց փոփոխությունները սերվերը մերժել է՝ { $count }։ Փոփոխությունները պահված են այստեղ։ Պատճառները՝
gui-sync-photos-failed = Սերվերի կողմից չընդունված լուսանկարներ՝ { $count }։ Պատճառը նշված է հիվանդի լուսանկարներում։
gui-sync-oldest = Ամենահինը սպասում է արդեն { $age }։
gui-sync-last = Վերջին համաժամացումը՝ { $when }
gui-sync-never = Համաժամացում դեռ չի եղել։
gui-sync-hub = Կենտրոնական սերվեր
gui-sync-last-error = Վերջին սխալը
gui-sync-records = Վերջին գրառումները
gui-sync-on-hub = Սերվերում է
gui-sync-waiting = Դեռ սերվերում չէ

## Գրառումների տեսակներ

gui-doc-clinic = Կլինիկա
gui-doc-patient = Պացիենտ
gui-doc-product = Ապրանք
gui-doc-ledger = Վաճառք և պահեստ
gui-doc-appointment = Ընդունելություն

## Հակասություններ

gui-conflicts-intro = Այս դաշտերը միաժամանակ փոխվել են երկու աշխատատեղում։ Ընտրեք պահպանվող արժեքը․ ձեր ընտրությունը կհասնի բոլոր աշխատատեղերին։
gui-conflicts-none = Հակասություններ չկան։
gui-conflicts-keep = Պահել սա
gui-conflicts-shown-now = Ցուցադրվում է հիմա
gui-conflicts-empty-value = (դատարկ)
gui-conflicts-resolved = Հակասությունը լուծված է։

## Կարգավորումներ

gui-settings-appearance = Լեզու և տեսք
gui-settings-language = Լեզու
gui-settings-theme = Թեմա
gui-settings-light = Բաց
gui-settings-dark = Մուգ
gui-settings-workstation = Այս աշխատատեղը
gui-settings-users = Աշխատակիցներ
gui-settings-active = Ակտիվ
gui-settings-new-password = Նոր գաղտնաբառ
gui-settings-reset = Փոխել գաղտնաբառը
gui-settings-add-user = Ավելացնել աշխատակից

## Դաշտերի անվանումներ, որոնք fields.ftl-ում չկան

gui-field-substance = Նյութ
gui-field-reaction = Ռեակցիա
gui-field-severity = Ծանրություն
gui-field-addendum = Լրացման տեքստ
gui-field-encounter = Այց
gui-field-patient = Պացիենտ
gui-field-photo = Լուսանկար
gui-field-product = Ապրանք
gui-field-receipt = Կտրոն
gui-field-user = Աշխատակից
gui-field-conflict = Հակասություն
gui-field-allergy = Ալերգիա
gui-field-total = Ընդհանուր գումար
gui-field-other = Այս դաշտը

## Սխալներ

gui-error-denied = Ձեր դերը թույլ չի տալիս { $action }։
gui-error-unreadable = Չհաջողվեց կարդալ ֆայլը։ Ստուգեք ուղին։
gui-error-storage = Չհաջողվեց կարդալ կամ գրել տվյալները։ Փորձեք կրկին․ եթե սխալը կրկնվում է, դիմեք ադմինիստրատորին։
gui-error-disk-full = Սկավառակը լցված է․ ոչինչ չի պահպանվել։ Ազատեք տեղ և փորձեք կրկին։
gui-error-busy = Տվյալները զբաղված են մեկ այլ ծրագրով։ Փորձեք մի փոքր ուշ։
gui-error-photo-unavailable = Այս լուսանկարը այս աշխատատեղում չէ, և սերվերը հիմա չի կարող ուղարկել այն։ Փորձեք, երբ սերվերը հասանելի լինի։

## Ինչ կարող է անել դերը (լրացնում է gui-error-denied-ը)

gui-permission-view-patients = դիտել պացիենտներին
gui-permission-edit-patients = փոխել պացիենտների տվյալները
gui-permission-view-clinical = դիտել կլինիկական գրառումները
gui-permission-edit-clinical = փոխել կլինիկական գրառումները
gui-permission-sign-encounter = ստորագրել այցերը
gui-permission-sell = վաճառել
gui-permission-void-sale = չեղարկել վաճառքները
gui-permission-manage-stock = վարել պահեստը
gui-permission-manage-products = վարել ապրանքների կատալոգը
gui-permission-manage-appointments = կառավարել ընդունելությունները
gui-permission-manage-users = կառավարել աշխատակիցներին
gui-permission-manage-settings = փոխել կլինիկայի կարգավորումները

## Table headers
gui-col-time = Ժամ
gui-col-patient = Պացիենտ
gui-col-status = Կարգավիճակ
gui-col-visit = Այց
gui-col-kind = Տեսակ
gui-col-record = Գրառում
gui-col-changed = Փոփոխված
gui-col-stock = Պահեստում
gui-col-change = Փոփոխություն
gui-col-by = Ով
gui-col-diagnoses = Ախտորոշումներ

## The till's buyer and a patient's purchases
gui-pos-buyer = Գնորդ (պացիենտ)
gui-pos-buyer-hint = Անուն կամ քարտի համար, ըստ ցանկության
gui-pos-buyer-remove = Անջատել
gui-pos-buyer-remove-hint = Վաճառել՝ առանց վաճառքը պացիենտին կապելու
gui-patient-purchases = Գնումներ
gui-patient-no-purchases = Դրամարկղում գնումներ չկան։
gui-col-receipt = Կտրոն
gui-col-amount = Գումար
gui-purchase-sale = Վաճառք
gui-purchase-refund = Վերադարձ
gui-purchase-void = Չեղարկում
gui-purchase-voided = Վաճառք, չեղարկված

## Prescribing and printing on a visit
gui-rx-title = Նշանակումներ
gui-rx-none = Այս այցում նշանակումներ չկան։
gui-rx-instructions = Կիրառման եղանակ
gui-rx-quantity-refills = Քանակ / կրկնություններ
gui-rx-prescriber = Նշանակող
gui-rx-overridden = Նշանակված է՝ չնայած { $allergy }-ի ալերգիային. { $reason }
gui-rx-new = Նոր նշանակում
gui-rx-allergy-title = Ալերգիայի զգուշացում
gui-rx-allergy-substance = Ալերգիա { $allergy }-ի նկատմամբ. { $drug }-ը պարունակում է { $substance }։
gui-rx-allergy-class = Ալերգիա { $allergy }-ի նկատմամբ. { $drug }-ը պարունակում է { $substance } ({ $class } խումբ)։
gui-rx-allergy-answer = Փոխեք դեղը կամ նշեք պատճառը, որով այն այնուամենայնիվ նշանակում եք (պատճառը պահպանվում և գրանցվում է)։
gui-rx-override-reason = Այնուամենայնիվ նշանակելու պատճառը
gui-rx-prescribe = Ավելացնել նշանակում
gui-rx-prescribe-anyway = Նշանակել՝ չնայած ալերգիային
gui-rx-answer-first = Մուտքագրեք դեղը և պատասխանեք ալերգիայի զգուշացմանը, եթե այն կա
gui-rx-print = Տպել դեղատոմսը
gui-visit-print-summary = Տպել այցի ամփոփումը
gui-printed = Պահպանված և բացված է տպելու համար՝ { $path }
gui-printed-not-opened = Պահպանված է որպես { $path } (դիտիչը չհաջողվեց բացել)
gui-encounter-sign-prescriptions = Նշանակումներ

## Conflicts: who wrote each value, where and when
gui-conflicts-origin-here = { $who } · այս աշխատատեղը ({ $name }) · { $when }
gui-conflicts-origin = { $who } · աշխատատեղ { $name } · { $when }
gui-conflicts-by-former-user = նախկին օգտատեր
gui-conflicts-by-operator = աշխատատեղի օպերատորը
gui-conflicts-by-hub = կենտրոնական սերվերը
gui-conflicts-by-unknown = անհայտ հեղինակ

## Keyboard
gui-save-shortcut = Պահպանել (Ctrl+S)
## Cash-drawer shifts and clinic details (shifts)

gui-nav-shift = Հերթափոխ
gui-shift-title = Դրամարկղային հերթափոխ
gui-shift-none = Այս աշխատատեղում բաց հերթափոխ չկա։
gui-shift-float = Սկզբնական մնացորդ
gui-shift-float-hint = Առաջին վաճառքից առաջ դրամարկղում հաշված կանխիկը։
gui-shift-open = Բացել հերթափոխը
# $when is a time, $who the cashier who opened the shift.
gui-shift-open-since = Հերթափոխը բաց է { $when }-ից, գանձապահ՝ { $who }
# $when is a date and time, $who the cashier who closed the shift.
gui-shift-closed-at = Փակվել է { $when }, գանձապահ՝ { $who }
gui-shift-pos-none = Հերթափոխը բաց չէ
gui-shift-pos-open-one = Բացել
gui-shift-pay-in = Կանխիկի մուտք
gui-shift-pay-out = Կանխիկի ելք
gui-shift-pay-in-explain = Դրամարկղ դրված կանխիկ, օրինակ՝ բանկից մանրադրամ։
gui-shift-pay-out-explain = Դրամարկղից հանված կանխիկ, օրինակ՝ փոքր գնման կամ բանկ հանձնելու համար։
gui-shift-record = Գրանցել
gui-shift-print-x = Տպել X հաշվետվությունը
gui-shift-close = Փակել հերթափոխը
gui-shift-close-title = Հերթափոխի փակում
gui-shift-count-total = Մեկ գումարով
gui-shift-count-denominations = Ըստ թղթադրամների և մետաղադրամների
gui-shift-counted = Հաշված կանխիկ
gui-shift-denomination = Թղթադրամ կամ մետաղադրամ
gui-shift-note = թղթադրամ
gui-shift-coin = մետաղադրամ
gui-shift-count = Քանակ
# $value is a note or coin, e.g. €50.00.
gui-shift-count-of = Քանակ՝ { $value }
gui-shift-col-amount = Գումար
gui-shift-expected = Սպասվող կանխիկ
gui-shift-difference = Տարբերություն
gui-shift-over = Ավելցուկ՝ կանխիկն ավելին է, քան սպասվում էր
gui-shift-short = Պակասորդ՝ կանխիկը պակաս է, քան սպասվում էր
gui-shift-balanced = Համընկնում է
gui-shift-continue = Շարունակել
gui-shift-confirm = Հերթափոխի փակումը հնարավոր չէ չեղարկել․ Z հաշվետվությունը դառնում է վերջնական, իսկ նոր վաճառքների համար պետք կլինի նոր հերթափոխ։
gui-shift-confirm-close = Վերջնականապես փակել հերթափոխը
gui-shift-x-report = X հաշվետվություն (հերթափոխը մինչ այժմ)
gui-shift-z-report = Z հաշվետվություն
gui-shift-opened = Բացվել է
gui-shift-closed = Փակվել է
gui-shift-col-cashier = Գանձապահ
gui-shift-cash = Կանխիկը դրամարկղում
gui-shift-cash-sales = Կանխիկ վաճառքներ՝ մանրը հանած
gui-shift-cash-refunds = Կանխիկ վերադարձներ
gui-shift-pay-ins = Կանխիկի մուտքեր
gui-shift-pay-outs = Կանխիկի ելքեր
gui-shift-receipts = Կտրոններ
# $first and $last are receipt numbers, e.g. N1-000001.
gui-shift-receipt-range = { $first }-ից { $last }
gui-shift-no-receipts = Կտրոններ դեռ չկան
gui-shift-sales-count = Վաճառքներ
gui-shift-refunds-count = Վերադարձներ
gui-shift-voids-count = Չեղարկված վաճառքներ
gui-shift-net-total = Զուտ հասույթ
gui-shift-by-method = Ըստ վճարման եղանակի
gui-shift-col-method = Եղանակ
gui-shift-col-sales = Ստացված
gui-shift-col-refunds = Վերադարձված
gui-shift-col-net = Զուտ
gui-shift-by-rate = Հարկն ըստ դրույքաչափի
gui-shift-col-rate = Դրույքաչափ
gui-shift-col-gross = Վաճառքներ՝ հարկով
gui-shift-col-tax = Հարկ
gui-shift-moves = Կանխիկի մուտքեր և ելքեր
gui-shift-no-moves = Այս հերթափոխում չկան։
gui-shift-past = Նախորդ հերթափոխեր
gui-shift-past-none = Այս աշխատատեղում դեռ ոչ մի հերթափոխ չի փակվել։
gui-shift-view = Դիտել հաշվետվությունը
gui-shift-print = Տպել
# $path is the PDF file written.
gui-shift-printed = Բացվել է PDF դիտիչում՝ { $path }
# $path is the PDF file written.
gui-shift-print-not-opened = PDF դիտիչ հնարավոր չեղավ գործարկել։ Հաշվետվությունը պահպանված է՝ { $path }
gui-field-float = Սկզբնական մնացորդ
gui-field-counted = Հաշված կանխիկ
gui-field-amount = Գումար
gui-field-shift = Հերթափոխ
gui-field-legal-name = Իրավաբանական անվանում
gui-field-tax-id = ՀՎՀՀ
gui-field-tax-rate = Հարկի դրույքաչափ
gui-clinic-title = Կլինիկայի վավերապայմաններ
gui-clinic-explain = Տպվում են յուրաքանչյուր կտրոնի և հերթափոխի հաշվետվության վրա։
gui-clinic-tax-rates = Հարկի դրույքաչափեր
gui-clinic-rate-percent = Դրույքաչափ, %
# $name is a tax class, e.g. Standard rate.
gui-clinic-rate-of = «{ $name }» դրույքաչափ, %
gui-clinic-new-class = Հարկի նոր կատեգորիա
gui-clinic-new-rate = Նոր կատեգորիայի դրույքաչափ, %
gui-clinic-prices-include-tax = Գները ներառում են հարկը
gui-clinic-included-hint = Գնորդը վճարում է նշված գինը, իսկ հարկը դրա այն մասն է, որը կլինիկան պետք է վճարի։
gui-clinic-added-hint = Դրամարկղը հարկն ավելացնում է նշված գներին։
gui-clinic-save = Պահպանել վավերապայմանները
gui-clinic-first-run = Կլինիկայի իրավաբանական անվանումը, հասցեն և ՀՎՀՀ-ն դեռ նշված չեն․ կտրոնները տպվում են առանց դրանց։
gui-clinic-set-up = Լրացնել վավերապայմանները
gui-clinic-later = Ավելի ուշ
# The difference of a past shift in its table, in a word.
gui-shift-over-word = Ավելցուկ
gui-shift-short-word = Պակասորդ
## Appointment book (calendar)
gui-nav-appointments = Ընդունելություններ
gui-appointment-checked-in = Ներկայացել է
gui-book-day = Օր
gui-book-week = Շաբաթ
gui-book-all-clinicians = Բոլոր բժիշկները
gui-book-previous = Նախորդ
gui-book-today = Այսօր
gui-book-next = Հաջորդ
gui-book-new = Նոր ընդունելություն
gui-book-go-to = Անցնել ամսաթվին
gui-book-open = Բացել ընդունելությունների օրացույցը
gui-book-unassigned = Առանց բժշկի
gui-book-unlinked-short = կապված չէ
gui-book-cancelled =
    { $count ->
        [one] { $count } չեղարկված ընդունելություն
       *[other] { $count } չեղարկված ընդունելություն
    }
gui-book-title-new = Գրանցել ընդունելության
gui-book-title-move = Տեղափոխել ընդունելությունը
gui-book-find-patient = Գտնել պացիենտին (անուն կամ քարտի համար)
gui-book-change-patient = Փոխել
gui-book-clinician-none = (դեռ նշանակված չէ)
gui-book-date = Օր
gui-book-start = Սկսվելու ժամը
gui-book-length = Տևողություն
gui-book-minutes-value = { $count } րոպե
gui-book-reason = Այցի պատճառը
gui-book-save = Գրանցել
gui-book-save-move = Տեղափոխել
gui-book-choose-patient = Ընտրեք պացիենտին ցանկից։
gui-book-bad-date = Նշեք օրը ամսաթվով, օրինակ՝ 31.12.2026։
gui-book-bad-time = Նշեք սկսվելու ժամը ժամերով և րոպեներով, օրինակ՝ 9:30։
gui-book-cancel-title = Չեղարկե՞լ այս ընդունելությունը
gui-book-cancel-explain = { $who }-ի ընդունելությունը ({ $when }) կնշվի որպես չեղարկված։ Այն կմնա օրացույցում՝ պատճառի հետ։
gui-book-cancel-reason = Չեղարկման պատճառը
gui-book-cancel-confirm = Չեղարկել ընդունելությունը
gui-book-keep = Թողնել
gui-book-close = Փակել
gui-book-source = Գրանցվել է
gui-book-open-chart = Բացել քարտը
gui-book-start-visit = Սկսել այցը
gui-book-check-in = Նշել ժամանումը
gui-book-no-show = Նշել չներկայանալը
gui-book-move = Տեղափոխել…
gui-book-cancel = Չեղարկել…
gui-book-invitee = Ով է գրանցվել առցանց
gui-book-unlinked = Դեռ կապված չէ պացիենտի քարտի հետ։
gui-book-invitee-name = Անուն
gui-book-matches = Այս էլ. փոստով կամ հեռախոսով պացիենտներ
gui-book-no-matches = Այս էլ. փոստով կամ հեռախոսով պացիենտ չկա։
gui-book-match-email = նույն էլ. փոստը
gui-book-match-phone = նույն հեռախոսը
gui-book-link = Կապել
gui-book-search-other = Գտնել այլ պացիենտի
gui-book-register = Գրանցել նոր պացիենտ
gui-book-calendar-of = Ում օրացույցը
gui-book-overlap = { $who }-ն այդ ժամին արդեն ընդունում է { $name }-ին ({ $when })։
# Photos: body map, file browser, visit link, comparison over time
gui-photos-map-title = Մարմնի քարտեզ
gui-photos-map-front = Առջևից
gui-photos-map-back = Հետևից
gui-photos-map-region-front = { $name }, առջևից
gui-photos-map-region-back = { $name }, հետևից
gui-photos-part-chosen = Ընտրված է՝ { $name }
gui-photos-part-none = Սեղմեք մարմնի հատվածի վրա կամ ընտրեք ցանկից։
gui-photos-part-needed = Նախ ընտրեք մարմնի հատվածը։
gui-photos-visit = Այց
gui-photos-no-visit = Կապված չէ այցի հետ
gui-photos-visit-of = { $when }-ի այց
gui-photos-gallery-of = Այս հատվածի լուսանկարները՝ { $name }
gui-photos-show-all = Ցույց տալ բոլոր հատվածները
gui-photos-compare = Համեմատել ժամանակի ընթացքում
gui-photos-choose = Ընտրել ֆայլեր…
gui-photos-drop-now = Բաց թողեք՝ այս ֆայլերն ավելացնելու համար։
gui-photos-files-chosen = { $count ->
    [one] { $count } ֆայլ պատրաստ է ավելացման՝
   *[other] { $count } ֆայլ պատրաստ է ավելացման՝
}
gui-photos-remove-file = Հանել ցանկից
gui-photos-remove-named = Հանել { $name }
gui-photos-add-files = { $count ->
    [one] Ավելացնել լուսանկարը
   *[other] Ավելացնել { $count } լուսանկար
}
gui-photos-added-count = { $count ->
    [one] Լուսանկարն ավելացվեց։
   *[other] Ավելացվեց { $count } լուսանկար։
}
gui-photos-not-imported = { $name }-ն չավելացվեց՝ { $reason }
gui-picker-title = Լուսանկարների ընտրություն
gui-picker-home = Անձնական թղթապանակ
gui-picker-pictures = Պատկերներ
gui-picker-up = Մեկ մակարդակ վեր
gui-picker-folder = Թղթապանակ
gui-picker-confirm = { $count ->
    [one] Վերցնել այս ֆայլը
   *[other] Վերցնել այս { $count } ֆայլերը
}
gui-picker-unreadable = Այս թղթապանակը հնարավոր չէ կարդալ։
gui-picker-empty = Այստեղ թղթապանակներ և պատկերներ չկան։
gui-picker-truncated = Թղթապանակում չափազանց շատ ֆայլեր կան՝ ցուցադրված են միայն առաջինները։
gui-compare-heading = Ժամանակի ընթացքում՝ { $name }
gui-compare-close = Վերադառնալ պատկերասրահ
gui-compare-keys = Ձախ և աջ սլաքները թերթում են ավելի ուշ լուսանկարը, Shift-ով՝ ավելի վաղը։
gui-compare-earlier = Ավելի վաղ լուսանկար
gui-compare-later = Ավելի ուշ լուսանկար
gui-compare-step-earlier = { $name }՝ մեկ քայլ առաջ
gui-compare-step-later = { $name }՝ մեկ քայլ հետո
gui-compare-position = { $number }՝ { $count }-ից
gui-compare-series-item = Լուսանկար { $number }՝ { $count }-ից

## The till: tax added on top of prices that exclude it
gui-pos-tax-added = Ավելացված հարկ
