### Վաճառքների մատյանը պատուհանում․ յուրաքանչյուր վաճառք, վերադարձ և չեղարկում,
### բացված, կրկին տպված, վերադարձված կամ չեղարկված վաճառք։ $receipt-ը կտրոնի համար է,
### օրինակ՝ N1-000123, գումարները ($amount) գալիս են արժույթով։

gui-nav-journal = Վաճառքների մատյան
gui-journal-title = Վաճառքների մատյան

## Որոնում

gui-journal-search = Գտնել
gui-journal-receipt = Կտրոնի համար
gui-journal-receipt-hint = Կտրոնի ամբողջական համարը (N1-000123), դրա սկիզբը կամ միայն թիվը (123)
gui-journal-receipt-all-dates = Կտրոնի համարը որոնվում է բոլոր օրերում։
gui-journal-patient = Պացիենտ
gui-journal-patient-hint = Անուն կամ բժշկական քարտի համար
gui-journal-product = Ապրանք
gui-journal-product-hint = Անվանում, ապրանքի կոդ կամ շտրիխկոդ
gui-journal-from = Սկսած
gui-journal-to = Մինչև
gui-journal-today = Այսօր
gui-journal-all-dates = Բոլոր օրերը
gui-journal-clear = Մաքրել որոնումը
gui-field-from = Սկսած
gui-field-to = Մինչև

## Գտնվածի հանրագումարները։ $day, $from և $to ամսաթվեր են։

gui-journal-totals-day = Հանրագումար՝ { $day }
gui-journal-totals-days = Հանրագումար՝ { $from }-ից { $to }
gui-journal-totals-since = Հանրագումար՝ { $from }-ից
gui-journal-totals-until = Հանրագումար՝ մինչև { $to }
gui-journal-totals-all = Հանրագումար՝ բոլոր օրերը
gui-journal-totals-found = Գտնված կտրոնների հանրագումարը
gui-journal-count = Քանակ
gui-journal-amount = Գումար
gui-journal-sales = Վաճառքներ
gui-journal-refunds = Վերադարձներ
gui-journal-voids = Չեղարկումներ
gui-journal-net = Զուտ
gui-journal-by-method = Ըստ վճարման եղանակի

## Աղյուսակը

gui-journal-col-receipt = Կտրոն
gui-journal-col-when = Ամսաթիվ և ժամ
gui-journal-col-cashier = Գանձապահ
gui-journal-col-patient = Պացիենտ
gui-journal-col-items = Ապրանքներ
gui-journal-col-payment = Վճարում
gui-journal-col-total = Գումար
gui-journal-col-status = Կարգավիճակ
gui-journal-status-sale = Վաճառք
gui-journal-status-partly-refunded = Մասամբ վերադարձված
gui-journal-status-refunded = Վերադարձված
gui-journal-status-voided = Չեղարկված
gui-journal-status-refund = Վերադարձ՝ { $receipt }
gui-journal-status-void = Չեղարկում՝ { $receipt }
gui-journal-empty = Ոչ մի վաճառք, վերադարձ կամ չեղարկում չի համապատասխանում որոնմանը։
# $first, $last և $total թվեր են․ ցույց տրված տողերը և քանիսն են գտնվել։
gui-journal-range = { $first }–{ $last }՝ { $total }-ից
gui-journal-previous = Նախորդ
gui-journal-next = Հաջորդ

## Բացված գրառում

gui-journal-back = Վերադառնալ մատյան
gui-journal-sale-title = Վաճառք { $receipt }
gui-journal-refund-title = Վերադարձ { $receipt }
gui-journal-void-title = Չեղարկում { $receipt }
gui-journal-cashier = Գանձապահ՝ { $name }
# $mrn-ը պացիենտի բժշկական քարտի համարն է։
gui-journal-patient-line = Պացիենտ՝ { $name } ({ $mrn })
gui-journal-reverses = Չեղարկում է վաճառքը
gui-journal-reason = Պատճառ՝ { $reason }
gui-journal-col-product = Ապրանք
gui-journal-col-sku = Ապրանքի կոդ
gui-journal-col-qty = Քանակ
gui-journal-col-unit = Միավորի գին
gui-journal-col-discount = Զեղչ
gui-journal-col-tax = Հարկի դրույք
gui-journal-col-line-total = Տողի գումարը
gui-journal-col-refunded = Վերադարձված
# $rate-ը տոկոս է, օրինակ՝ 20%, $amount-ը գինը, որի մեջ ներառված է հարկը։
gui-journal-tax-rate = Հարկ { $rate }՝ ներառված { $amount }-ի մեջ
gui-journal-change = Տրված մանր
gui-journal-chain-title = Կտրոնների շղթա
gui-journal-chain-intact = Անխախտ է․ բովանդակությունը համընկնում է հեշին, և այն հաջորդում է { $previous }-ին։
gui-journal-chain-intact-first = Անխախտ է․ բովանդակությունը համընկնում է հեշին, և դրանով սկսվում է այս աշխատատեղի շղթան։
gui-journal-chain-edited = Փոփոխված է․ բովանդակությունը չի համընկնում հեշին։
gui-journal-chain-missing = Նախորդ կտրոնը այս աշխատատեղում չէ (դեռ համաժամեցված չէ կամ ջնջված է)։
gui-journal-chain-reordered = Կարգը խախտված է․ այն չի հաջորդում նախորդ կտրոնին։
gui-journal-chain-unchained = Գրվել է կտրոնների շղթայից առաջ․ ստուգելու բան չկա։
gui-journal-reversals = Վերադարձներ և չեղարկումներ
gui-journal-reversals-none = Ոչինչ վերադարձված կամ չեղարկված չէ։
gui-journal-col-kind = Տեսակ
gui-journal-col-reason = Պատճառ
gui-journal-kind-refund = Վերադարձ
gui-journal-kind-void = Չեղարկում

## Տպում։ $path-ը այն տեղն է, որտեղ պահվել է ֆայլը։

gui-journal-print = Տպել կտրոնը
gui-journal-print-entry = Տպել { $receipt } կտրոնը
gui-journal-save-text = Պահել որպես տեքստ
gui-journal-save-text-hint = 48 սյունակ՝ 80 մմ կտրոնի տպիչների համար
gui-journal-printed = { $receipt } կտրոնը բացված է PDF դիտիչում։ Պահված է որպես { $path }
gui-journal-printed-not-opened = Ոչ մի PDF դիտիչ չբացեց { $receipt } կտրոնը։ Այն պահված է որպես { $path }
gui-journal-saved-text = { $receipt } կտրոնը պահված է որպես տեքստ (48 սյունակ)․ { $path }
gui-error-unwritable = Չհաջողվեց գրել ֆայլը։ Ստուգեք, որ տվյալների պանակում կարելի է գրել, և այնտեղ տեղ կա։

## Վերադարձներ և չեղարկումներ

gui-journal-refund = Վերադարձնել ապրանքներ…
gui-journal-void = Չեղարկել վաճառքը…
gui-journal-refund-voided = Այս վաճառքը չեղարկված է․ վերադարձնելու բան չի մնացել։
gui-journal-refund-nothing-left = Այս վաճառքից ամեն ինչ արդեն վերադարձված է։
gui-journal-void-voided = Այս վաճառքն արդեն չեղարկված է։
gui-journal-void-refunded = Այս վաճառքի մի մասն արդեն վերադարձված է․ չեղարկելու փոխարեն վերադարձրեք մնացածը։
gui-journal-refund-dialog-title = Ապրանքների վերադարձ { $receipt } վաճառքից
gui-journal-col-sold = Վաճառված
gui-journal-col-left = Կարելի է վերադարձնել
gui-journal-col-refund = Վերադարձնել
gui-journal-refund-all = Այն ամենը, ինչ մնացել է
gui-journal-refund-method = Վերադարձնել
# $method-ը վճարման եղանակ է (Կանխիկ, Քարտ, Այլ)։
gui-journal-refund-explain = { $amount } վերադարձվում է ({ $method }), և ապրանքները վերադառնում են պահեստ։ { $receipt } վաճառքը մնում է մատյանում, վերադարձը՝ կողքին։
gui-journal-refund-none = Ընտրեք, յուրաքանչյուր ապրանքից քանիսն եք վերադարձնում։
gui-journal-refund-confirm = Վերադարձնել { $amount }
gui-journal-void-dialog-title = Չեղարկե՞լ { $receipt } վաճառքը
# $payments-ը թվարկում է վճարումները, օրինակ՝ «Քարտ 20,00 €, Կանխիկ 25,00 €»։
gui-journal-void-explain = Ամբողջ վաճառքը չեղարկվում է․ { $amount } վերադարձվում է ({ $payments }), և բոլոր ապրանքները վերադառնում են պահեստ։ { $receipt } վաճառքը մնում է մատյանում՝ «չեղարկված» նշումով, չեղարկումը՝ կողքին։
gui-journal-void-confirm = Հաստատել չեղարկումը
gui-journal-reason-hint = Ինչո՞ւ։ Գրանցվում է գրառման հետ և աուդիտի մատյանում։
gui-journal-refund-done = { $receipt } վերադարձը գրանցված է։
gui-journal-void-done = { $receipt } չեղարկումը գրանցված է։
