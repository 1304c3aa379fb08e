### Կենտրոնի ադմինիստրատորի էջերը (/admin)։

admin-title = Dermis կենտրոն
admin-nav-overview = Կլինիկաներ և աշխատատեղեր
admin-nav-health = Պահոց և տվյալների բազա
admin-signed-in-as = Մուտք եք գործել որպես
admin-sign-out = Ելք
admin-language = Լեզու
admin-live-connected = Ուղիղ․ փոփոխությունները երևում են առանց վերաբեռնման
admin-live-reconnecting = Կապը կորավ, վերամիացում…
admin-unavailable = Կենտրոնը հիմա չի կարող կարդալ իր տվյալների բազան։ Այս էջը շարունակում է փորձել։
admin-yes = այո
admin-no = ոչ
admin-never = երբեք

## Մուտք

admin-login-title = Մուտք կենտրոն
admin-login-username = Օգտանուն
admin-login-password = Գաղտնաբառ
admin-login-submit = Մուտք գործել
admin-login-invalid = Անհայտ օգտանուն կամ սխալ գաղտնաբառ։
admin-login-rate-limited = Չափազանց շատ անհաջող փորձեր։ Սպասեք մի քանի րոպե և նորից փորձեք։
admin-login-unavailable = Կենտրոնը չի կարող կապվել իր տվյալների բազայի հետ։ Փորձեք ավելի ուշ։

## Կլինիկաներ և աշխատատեղեր

admin-overview-title = Կլինիկաներ և աշխատատեղեր
admin-summary-online = Առցանց․ { $count }
admin-summary-behind = ուշանում են․ { $count }
admin-summary-offline = անցանց․ { $count }
admin-no-clinics = Կլինիկաներ դեռ չկան։ Ստեղծեք այս հրամանով․ dermis-hub clinic add --name "…"
admin-no-nodes = Այս կլինիկայում դեռ աշխատատեղեր չկան։ Ավելացրեք այս հրամանով․ dermis-hub node add
admin-clinic-seq = փոփոխությունների մատյան․ { $count }
admin-col-node = Աշխատատեղ
admin-col-state = Վիճակ
admin-col-last-seen = Վերջին կապը
admin-col-last-sync = Վերջին համաժամեցումը
admin-col-version = Հավելվածի տարբերակ
admin-col-cursor = Կիրառված է մինչև
admin-col-outbox = Սպասում է աշխատատեղում
admin-col-error = Վերջին սխալը
admin-state-up-to-date = Համաժամեցված է
admin-state-behind = { $count ->
    [one] Ուշանում է ({ $count } փոփոխություն)
   *[other] Ուշանում է ({ $count } փոփոխություն)
}
admin-state-unsynced = { $count ->
    [one] Առցանց, ուղարկելու է { $count } փոփոխություն
   *[other] Առցանց, ուղարկելու է { $count } փոփոխություն
}
admin-state-offline-since = Անցանց է՝ սկսած
admin-state-never-connected = Երբեք չի միացել
admin-state-pending = Սպասում է գրանցման
admin-state-revoked = Մուտքը չեղարկված է
admin-outbox-empty = ոչինչ
admin-outbox-changes = { $count ->
    [one] { $count } փոփոխություն
   *[other] { $count } փոփոխություն
}
admin-outbox-oldest = ամենահինը՝
admin-size-units = Բ ԿԲ ՄԲ ԳԲ
admin-ago-seconds = { $count ->
    [one] { $count } վայրկյան առաջ
   *[other] { $count } վայրկյան առաջ
}
admin-ago-minutes = { $count ->
    [one] { $count } րոպե առաջ
   *[other] { $count } րոպե առաջ
}
admin-ago-hours = { $count ->
    [one] { $count } ժամ առաջ
   *[other] { $count } ժամ առաջ
}
admin-ago-days = { $count ->
    [one] { $count } օր առաջ
   *[other] { $count } օր առաջ
}

## Մեկ աշխատատեղ

admin-node-title = Աշխատատեղ
admin-node-unknown-title = Անհայտ աշխատատեղ
admin-node-unknown = Այդպիսի աշխատատեղ չկա։
admin-node-back = Բոլոր աշխատատեղերը
admin-node-clinic = Կլինիկա
admin-node-number = Կտրոնների նախածանց
admin-node-id = Աշխատատեղի նույնացուցիչ
admin-node-access = Հասանելիություն
admin-node-chain = Կտրոնների շղթա
admin-chain-intact = ամբողջական է՝ { $count } կտրոն, { $first } … { $last }
admin-chain-none = շղթայված կտրոններ դեռ չկան
admin-chain-broken = ԽԱԽՏՎԱԾ է { $receipt }-ում ({ $kind })
admin-access-pending = սպասում է գրանցման
admin-access-active = ակտիվ
admin-access-revoked = չեղարկված
admin-node-enrolled-name = Իր տված անունը
admin-node-enrolled-at = Գրանցվել է
admin-node-lag = { $count ->
    [one] ուշանում է { $count } փոփոխությամբ
   *[other] ուշանում է { $count } փոփոխությամբ
}
admin-sessions-title = Վերջին համաժամեցման նստաշրջանները
admin-sessions-none = Համաժամեցման նստաշրջաններ դեռ չեն եղել։
admin-session-started = Սկիզբ
admin-session-ended = Ավարտ
admin-session-open = դեռ միացված է
admin-session-frames = Հաղորդագրություններ՝ ստացված / ուղարկված
admin-session-bytes = Տվյալներ՝ ստացված / ուղարկված
admin-session-docs = Փաստաթղթեր՝ ստացված / ուղարկված
admin-session-close = Փակման կոդ
admin-session-error = Սխալ

## Պահոց և տվյալների բազա

admin-health-title = Պահոց և տվյալների բազա
admin-health-database = Տվյալների բազա
admin-health-reachable = Պատասխանում է
admin-health-migrations = Սխեմա
admin-health-migrations-ok = արդիական է
admin-health-migrations-missing = միգրացիաները չեն կատարվել
admin-health-backend = Տեսակ
admin-health-backend-postgres = PostgreSQL, ընդհանուր կենտրոնի բոլոր օրինակների համար
admin-health-backend-sqlite = Ներկառուցված SQLite ֆայլ
admin-health-size = Չափը սկավառակի վրա
admin-health-clinics = Կլինիկաներ
admin-health-nodes = Աշխատատեղեր
admin-health-docs = Փաստաթղթեր
admin-health-doc-bytes = Փաստաթղթերի ծավալը
admin-health-sessions = Գրանցված համաժամեցման նստաշրջաններ
admin-health-admins = Կենտրոնի ադմինիստրատորներ
admin-health-storage = Լուսանկարների պահոց
admin-health-blob-dir = Տեղը
admin-health-writable = Գրելու հնարավորություն

## Jobs

admin-nav-jobs = Առաջադրանքներ
admin-jobs-title = Ֆոնային առաջադրանքներ
admin-jobs-open = Սպասող, ընթացիկ և սխալով
admin-jobs-done = Վերջերս ավարտված
admin-jobs-none = Չկան։
admin-job-state-pending = սպասում է
admin-job-state-running = ընթացքում է
admin-job-state-failed = սխալ, կկրկնվի
admin-job-state-dead = սխալ, առանց կրկնության
admin-job-state-done = ավարտված
admin-job-col-id = Առաջադրանք
admin-job-col-kind = Տեսակ
admin-job-col-state = Վիճակ
admin-job-col-attempts = Փորձեր
admin-job-col-when = Երբ
admin-job-col-error = Վերջին սխալը
admin-job-kind-thumbnail = Լուսանկարի մանրապատկերներ
admin-job-kind-webhook = Webhook-ի առաքում
admin-job-attempts = { $count }՝ { $max }-ից
admin-job-next = հաջորդ փորձը՝ { $when }
admin-job-heartbeat = ակտիվ՝ { $when }
admin-job-retry = Կրկնել
admin-job-unknown = Նման առաջադրանք չկա։
admin-job-not-retryable = Կարելի է կրկնել միայն սխալով առաջադրանքը․ այս մեկը սպասում է, ընթացքում է կամ ավարտված է։

## Ինչպես է աշխատատեղը կապվում կենտրոնի հետ (ըստ իր վերջին միացման)։
admin-node-link = Կապը կենտրոնի հետ
admin-link-tls = Գաղտնագրված (TLS)
admin-link-loopback-http = Բաց http՝ կենտրոնի նույն մեքենայի վրա
admin-link-insecure-http = Գաղտնագրված չէ՝ բաց http ցանցով
admin-link-unknown = Չի հաղորդվել (հավելվածի հին տարբերակ)
admin-insecure-badge = անապահով կապ

# An admin limited to clinics asked for a page about the whole hub (health, jobs).
admin-forbidden-title = Այս հաշվի համար չէ
admin-forbidden-hub-wide = Այս էջը վերաբերում է ամբողջ հաբին. ձեր հաշիվը սահմանափակված է որոշ կլինիկաներով։

# Single sign-on through the OpenID Provider (the sign-in page).
admin-login-sso = Մուտք միասնական մուտքով
admin-login-sso-failed = Միասնական մուտքը չավարտվեց։ Փորձեք կրկին։
admin-login-sso-unknown = Հաբի ադմինիստրատորի ոչ մի հաշիվ չի համապատասխանում այս ինքնությանը։ Խնդրեք ադմինիստրատորին ավելացնել ձեզ։
admin-login-sso-unavailable = Ինքնության մատակարարը հասանելի չէ։ Փորձեք ավելի ուշ կամ մուտք գործեք գաղտնաբառով։
admin-login-sso-continue = Շարունակել դեպի հաբ

# /admin/audit
admin-nav-audit = Աուդիտ
admin-audit-title = Գործողությունների մատյան
admin-audit-intro = Ով ինչ է արել կլինիկաների աշխատատեղերում՝ քարտերի դիտում, փոփոխություններ, ստորագրություններ, արտահանումներ, մուտքեր և անհաջող մուտքեր։ Գրառումները պարունակում են միայն նույնացուցիչներ, առանց բժշկական տվյալների, և չեն փոփոխվում։
admin-audit-none = Համապատասխան գրառումներ չկան։
admin-audit-col-when = Երբ
admin-audit-col-node = Աշխատատեղ
admin-audit-col-user = Օգտատեր
admin-audit-col-action = Գործողություն
admin-audit-col-target = Օբյեկտ
admin-audit-filter-clinic = Կլինիկա
admin-audit-all-clinics = Բոլոր կլինիկաները
admin-audit-filter-user = Օգտատեր
admin-audit-filter-patient = Պացիենտի id
admin-audit-filter-from = Սկսած
admin-audit-filter-to = Մինչև
admin-audit-filter-submit = Ցույց տալ
admin-audit-older = Ավելի վաղ գրառումներ
admin-audit-bad-filter = անվավեր է (ամսաթվեր՝ ՏՏՏՏ-ԱԱ-ՕՕ, id-ներ՝ UUID)
admin-audit-patient-trail = պացիենտի մատյանը
admin-audit-action-view = Դիտում
admin-audit-action-create = Ստեղծում
admin-audit-action-update = Փոփոխում
admin-audit-action-sign = Ստորագրում
admin-audit-action-addendum = Լրացում
admin-audit-action-print = Տպում
admin-audit-action-export = Արտահանում
admin-audit-action-erase = Ջնջում
admin-audit-action-sign-in = Մուտք
admin-audit-action-sign-in-failed = Անհաջող մուտք
admin-audit-action-backup = Պահուստային պատճեն
admin-audit-action-override-allergy = Նշանակվել է՝ չնայած ալերգիային
admin-audit-action-merge = Միավորված
