### Ընդհանուր բառապաշար՝ դերեր, թվարկումներ, մարմնի հատվածներ, քանակներ։

app-name = Dermis

## Աշխատակիցների դերեր

role-admin = Ադմինիստրատոր
role-doctor = Բժիշկ
role-nurse = Բուժքույր
role-reception = Ընդունարանի աշխատակից
role-cashier = Գանձապահ

## Պացիենտի սեռը

sex-female = Իգական
sex-male = Արական
sex-other = Այլ
sex-unknown = Անհայտ

## Վճարման եղանակներ

pay-cash = Կանխիկ
pay-card = Քարտ
pay-other = Այլ

## Պահեստի շարժեր

stock-in = Մուտք
stock-out = Ելք
stock-adjust = Ճշգրտում

## Այցի կարգավիճակը

status-draft = Սևագիր
status-signed = Ստորագրված

## Մարմնի հատվածներ

body-scalp = Գլխի մազածածկ մաս
body-forehead = Ճակատ
body-face = Դեմք
body-nose = Քիթ
body-ear = Ականջ
body-lip = Շրթունք
body-neck = Պարանոց
body-chest = Կրծքավանդակ
body-abdomen = Որովայն
body-upper-back = Մեջքի վերին մաս
body-lower-back = Գոտկատեղ
body-buttocks = Հետույք
body-genitals = Սեռական օրգաններ
body-shoulder = Ուս
body-upper-arm = Բազուկ
body-elbow = Արմունկ
body-forearm = Նախաբազուկ
body-wrist = Դաստակ
body-hand = Ձեռքի թաթ
body-finger = Ձեռքի մատ
body-nail = Եղունգ
body-hip = Կոնքազդրային շրջան
body-thigh = Ազդր
body-knee = Ծունկ
body-lower-leg = Սրունք
body-ankle = Կոճ
body-foot = Ոտնաթաթ
body-toe = Ոտքի մատ
body-mucosa = Լորձաթաղանթ
body-other = Այլ

## Քանակներ։ Թվից հետո գոյականը եզակի թվով է։

patients-count =
    { $count ->
        [one] { $count } պացիենտ
       *[other] { $count } պացիենտ
    }
items-count =
    { $count ->
        [one] { $count } ապրանք
       *[other] { $count } ապրանք
    }
changes-pending =
    { $count ->
        [one] { $count } փոփոխություն դեռ չի ուղարկվել կենտրոնական սերվերին
       *[other] { $count } փոփոխություն դեռ չի ուղարկվել կենտրոնական սերվերին
    }

## Printed clinical documents (document pdf)
doc-phone = Հեռախոս
doc-tax-id = ՀՎՀՀ
doc-prescription-title = Դեղատոմս
doc-summary-title = Այցի ամփոփում
doc-patient = Պացիենտ
doc-dose = Դեղաչափ
doc-instructions = Ցուցումներ
doc-refills = Կրկնումներ
doc-prescriptions = Նշանակումներ
doc-signature = Ստորագրություն

## Receipts (receipt print): labels in the clinic's language
rcpt-tax-id = ՀՎՀՀ՝ { $id }
rcpt-phone = Հեռ.՝ { $phone }
rcpt-sale = ՎԱՃԱՌՔ
rcpt-refund-of = ՎԵՐԱԴԱՐՁ՝ կտրոն { $receipt }
rcpt-void-of = ՉԵՂԱՐԿՈՒՄ՝ կտրոն { $receipt }
rcpt-number = Կտրոն { $receipt }
rcpt-cashier = Գանձապահ՝ { $name }
rcpt-discount = Զեղչ
rcpt-subtotal = Գումար առանց զեղչերի
rcpt-discounts = Զեղչեր
rcpt-total = ԸՆԴԱՄԵՆԸ
rcpt-total-refunded = ԸՆԴԱՄԵՆԸ ՎԵՐԱԴԱՐՁՎԱԾ
rcpt-total-voided = ԸՆԴԱՄԵՆԸ ՉԵՂԱՐԿՎԱԾ
rcpt-tax-of = ԱԱՀ { $rate }՝ { $amount }-ից
rcpt-paid-cash = Կանխիկ
rcpt-paid-card = Քարտով
rcpt-paid-other = Այլ եղանակով
rcpt-returned-cash = Վերադարձված կանխիկ
rcpt-returned-card = Վերադարձված քարտին
rcpt-returned-other = Վերադարձված այլ եղանակով
rcpt-change = Մանր
rcpt-change-back = Մանրը հետ վերցված
