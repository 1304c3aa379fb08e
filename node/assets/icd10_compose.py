#!/usr/bin/env python3
"""Fill the long ICD-10-CM families of icd10_{ru,fr,uk,hy,es}.tsv from translated parts.

The families that vary only by site, side, stage or depth (C43, C44, D03, D04, D22, D23,
L02, L03, L89, L97, L98.4, L98.A) are read as
    HEAD [of [skin of] [part-of] [side] SITE] [, unspecified | , stage N | DEPTH]
and rebuilt in each language from the tables below. A code already present in a
locale file (written by hand) is kept as it is; a label this grammar cannot read is
left out, and the application falls back to its nearest translated ancestor.

Run from this folder: python3 icd10_compose.py   (idempotent; rewrites the five files)
"""

import re
import sys

LANGS = ["ru", "fr", "uk", "hy", "es"]
FAMILY = re.compile(r"^(C43|C44|D03|D04|D22|D23|L02|L03|L89|L97|L98\.4|L98\.A)")

# English head -> ru, fr, uk, hy, es. Armenian heads are written lower-case: the site
# (a genitive) comes first in Armenian word order.
HEADS = {
    "Other and unspecified malignant neoplasm": (
        "Другие и неуточнённые злокачественные новообразования",
        "Tumeur maligne autre et non précisée",
        "Інші та неуточнені злоякісні новоутворення",
        "այլ և չճշտված չարորակ նորագոյացություն",
        "Otras neoplasias malignas y las no especificadas"),
    "Unspecified malignant neoplasm": (
        "Неуточнённое злокачественное новообразование",
        "Tumeur maligne non précisée",
        "Неуточнене злоякісне новоутворення",
        "չճշտված չարորակ նորագոյացություն",
        "Neoplasia maligna no especificada"),
    "Other specified malignant neoplasm": (
        "Другое уточнённое злокачественное новообразование",
        "Autre tumeur maligne précisée",
        "Інше уточнене злоякісне новоутворення",
        "այլ ճշտված չարորակ նորագոյացություն",
        "Otra neoplasia maligna especificada"),
    "Basal cell carcinoma": (
        "Базальноклеточный рак", "Carcinome basocellulaire", "Базальноклітинний рак",
        "բազալբջջային քաղցկեղ", "Carcinoma basocelular"),
    "Squamous cell carcinoma": (
        "Плоскоклеточный рак", "Carcinome épidermoïde (spinocellulaire)", "Плоскоклітинний рак",
        "տափակբջջային քաղցկեղ", "Carcinoma epidermoide (espinocelular)"),
    "Sebaceous cell carcinoma": (
        "Рак сальных желёз", "Carcinome sébacé", "Рак сальних залоз",
        "ճարպագեղձային քաղցկեղ", "Carcinoma sebáceo"),
    "Malignant melanoma": (
        "Злокачественная меланома", "Mélanome malin", "Злоякісна меланома",
        "չարորակ մելանոմա", "Melanoma maligno"),
    "Melanoma in situ": (
        "Меланома in situ", "Mélanome in situ", "Меланома in situ",
        "մելանոմա in situ", "Melanoma in situ"),
    "Carcinoma in situ": (
        "Карцинома in situ", "Carcinome in situ", "Карцинома in situ",
        "կարցինոմա in situ", "Carcinoma in situ"),
    "Melanocytic nevi": (
        "Меланоцитарные невусы", "Naevus mélanocytaires", "Меланоцитарні невуси",
        "մելանոցիտային նևուսներ", "Nevos melanocíticos"),
    "Other benign neoplasm": (
        "Другое доброкачественное новообразование", "Autre tumeur bénigne",
        "Інше доброякісне новоутворення", "այլ բարորակ նորագոյացություն",
        "Otra neoplasia benigna"),
    "Cutaneous abscess, furuncle and carbuncle": (
        "Абсцесс кожи, фурункул и карбункул", "Abcès cutané, furoncle et anthrax",
        "Абсцес шкіри, фурункул і карбункул", "թարախակույտ, ֆուրունկուլ և կարբունկուլ",
        "Absceso cutáneo, forúnculo y ántrax"),
    "Cutaneous abscess": (
        "Абсцесс кожи", "Abcès cutané", "Абсцес шкіри", "մաշկի թարախակույտ",
        "Absceso cutáneo"),
    "Furuncle": ("Фурункул", "Furoncle", "Фурункул", "ֆուրունկուլ", "Forúnculo"),
    "Carbuncle": ("Карбункул", "Anthrax", "Карбункул", "կարբունկուլ", "Ántrax"),
    "Cellulitis and acute lymphangitis": (
        "Флегмона и острый лимфангит", "Cellulite et lymphangite aiguë",
        "Флегмона і гострий лімфангіт", "ֆլեգմոնա և սուր լիմֆանգիտ",
        "Celulitis y linfangitis aguda"),
    "Cellulitis": (
        "Флегмона (целлюлит)", "Cellulite (dermohypodermite)", "Флегмона (целюліт)",
        "ֆլեգմոնա (ցելյուլիտ)", "Celulitis"),
    "Acute lymphangitis": (
        "Острый лимфангит", "Lymphangite aiguë", "Гострий лімфангіт", "սուր լիմֆանգիտ",
        "Linfangitis aguda"),
    "Pressure-induced deep tissue damage": (
        "Глубокое повреждение тканей от давления",
        "Lésion des tissus profonds due à la pression",
        "Глибоке ушкодження тканин унаслідок тиску",
        "ճնշմամբ պայմանավորված խորանիստ հյուսվածքների վնասում",
        "Lesión de tejidos profundos inducida por presión"),
    "Pressure ulcer": (
        "Пролежень", "Escarre", "Пролежень", "պառկելախոց", "Úlcera por presión"),
    "Non-pressure chronic ulcer": (
        "Хроническая непролежневая язва", "Ulcère chronique hors escarre",
        "Хронічна непролежнева виразка", "ոչ ճնշումային քրոնիկ խոց",
        "Úlcera crónica no por presión"),
}

# English site -> ru, fr, uk, hy, es, each in the form that follows the head ("of"):
# Russian and Ukrainian genitive, French and Spanish with their preposition and article,
# Armenian genitive (placed before the head). "{s}" marks where the side goes when it
# is not at the end (ru, fr, uk, es) or the start (hy); "|" splits an Armenian site
# into the part before the head and the part after it.
SITES = {
    "abdomen": ("живота", "de l'abdomen", "живота", "որովայնի", "del abdomen"),
    "abdominal wall": ("брюшной стенки", "de la paroi abdominale", "черевної стінки",
                       "որովայնի պատի", "de la pared abdominal"),
    "anal skin": ("кожи анальной области", "de la peau de la région anale",
                  "шкіри анальної ділянки", "անալ շրջանի մաշկի", "de la piel anal"),
    "ankle": ("области голеностопного сустава", "de la cheville",
              "ділянки гомілковостопного суглоба", "կոճի", "del tobillo"),
    "axilla": ("подмышечной впадины", "de l'aisselle", "пахвової западини", "թևատակի",
               "de la axila"),
    "back": ("спины", "du dos", "спини", "մեջքի", "de la espalda"),
    "back [any part except buttock]": (
        "спины (любой части, кроме ягодицы)", "du dos [toute partie sauf la fesse]",
        "спини (будь-якої частини, крім сідниці)", "մեջքի [ցանկացած հատվածի, բացի հետույքից]",
        "de la espalda [cualquier parte excepto la nalga]"),
    "back [any part, except buttock]": (
        "спины (любой части, кроме ягодицы)", "du dos [toute partie sauf la fesse]",
        "спини (будь-якої частини, крім сідниці)", "մեջքի [ցանկացած հատվածի, բացի հետույքից]",
        "de la espalda [cualquier parte excepto la nalga]"),
    "back [any part, except buttock and flank]": (
        "спины (любой части, кроме ягодицы и боковой поверхности)",
        "du dos [toute partie sauf la fesse et le flanc]",
        "спини (будь-якої частини, крім сідниці та бічної поверхні)",
        "մեջքի [ցանկացած հատվածի, բացի հետույքից և կողքից]",
        "de la espalda [cualquier parte excepto la nalga y el flanco]"),
    "breast (skin) (soft tissue)": (
        "молочной железы (кожи) (мягких тканей)", "du sein (peau) (tissus mous)",
        "молочної залози (шкіри) (м'яких тканин)",
        "կրծքագեղձի (մաշկի) (փափուկ հյուսվածքների)", "de la mama (piel) (tejidos blandos)"),
    "breast": ("молочной железы", "du sein", "молочної залози", "կրծքագեղձի", "de la mama"),
    "buttock": ("ягодицы", "de la fesse", "сідниці", "հետույքի", "de la nalga"),
    "calf": ("икроножной области", "du mollet", "литкової ділянки",
             "սրունքի հետին մակերեսի", "de la pantorrilla"),
    "chest": ("грудной клетки", "du thorax", "грудної клітки", "կրծքավանդակի",
              "del tórax"),
    "chest wall": ("грудной стенки", "de la paroi thoracique", "грудної стінки",
                   "կրծքավանդակի պատի", "de la pared torácica"),
    "contiguous site of back, buttock and hip": (
        "смежных областей спины, ягодицы и тазобедренной области",
        "de sièges contigus du dos, de la fesse et de la hanche",
        "суміжних ділянок спини, сідниці та кульшової ділянки",
        "մեջքի, հետույքի և կոնքազդրային շրջանի հարակից տեղամասերի",
        "de sitios contiguos de espalda, nalga y cadera"),
    "ear and external auricular canal": (
        "уха{s} и наружного слухового прохода", "de l'oreille et du conduit auditif externe",
        "вуха{s} та зовнішнього слухового проходу",
        "{s}ականջի և արտաքին լսողական անցուղու",
        "del oído y del conducto auditivo externo"),
    "elbow": ("локтя", "du coude", "ліктя", "արմունկի", "del codo"),
    "eyelid, including canthus": (
        "века{s}, включая спайку век", "de la paupière{s}, y compris le canthus",
        "повіки{s}, включно зі спайкою повік", "{s}կոպի|, ներառյալ աչքի անկյունը",
        "del párpado{s}, incluida la comisura palpebral"),
    "upper eyelid, including canthus": (
        "верхнего века{s}, включая спайку век",
        "de la paupière supérieure{s}, y compris le canthus",
        "верхньої повіки{s}, включно зі спайкою повік",
        "{s}վերին կոպի|, ներառյալ աչքի անկյունը",
        "del párpado superior{s}, incluida la comisura palpebral"),
    "lower eyelid, including canthus": (
        "нижнего века{s}, включая спайку век",
        "de la paupière inférieure{s}, y compris le canthus",
        "нижньої повіки{s}, включно зі спайкою повік",
        "{s}ստորին կոպի|, ներառյալ աչքի անկյունը",
        "del párpado inferior{s}, incluida la comisura palpebral"),
    "face": ("лица", "du visage", "обличчя", "դեմքի", "de la cara"),
    "face and neck": ("лица и шеи", "du visage et du cou", "обличчя та шиї",
                      "դեմքի և պարանոցի", "de la cara y el cuello"),
    "finger": ("пальца кисти", "du doigt", "пальця кисті", "ձեռքի մատի",
               "del dedo de la mano"),
    "finger and toe": ("пальцев кисти и стопы", "des doigts et des orteils",
                       "пальців кисті та стопи", "ձեռքի և ոտքի մատների",
                       "de los dedos de la mano y del pie"),
    "flank": ("боковой поверхности туловища", "du flanc", "бічної поверхні тулуба",
              "կողքի", "del flanco"),
    "foot": ("стопы", "du pied", "стопи", "ոտնաթաթի", "del pie"),
    "forearm": ("предплечья", "de l'avant-bras", "передпліччя", "նախաբազկի",
                "del antebrazo"),
    "groin": ("паховой области", "de l'aine", "пахвинної ділянки", "աճուկի",
              "de la ingle"),
    "hand": ("кисти", "de la main", "кисті", "ձեռնաթաթի", "de la mano"),
    "head": ("головы", "de la tête", "голови", "գլխի", "de la cabeza"),
    "head [any part, except face]": (
        "головы (любой части, кроме лица)", "de la tête [toute partie sauf le visage]",
        "голови (будь-якої частини, крім обличчя)", "գլխի [ցանկացած հատվածի, բացի դեմքից]",
        "de la cabeza [cualquier parte excepto la cara]"),
    "heel": ("пятки", "du talon", "п'яти", "կրունկի", "del talón"),
    "heel and midfoot": ("пятки и средней части стопы", "du talon et du médio-pied",
                         "п'яти та середньої частини стопи",
                         "կրունկի և ոտնաթաթի միջին հատվածի", "del talón y el mediopié"),
    "hip": ("тазобедренной области", "de la hanche", "кульшової ділянки",
            "կոնքազդրային շրջանի", "de la cadera"),
    "limb": ("конечности", "d'un membre", "кінцівки", "վերջույթի", "de un miembro"),
    "lip": ("губы", "de la lèvre", "губи", "շրթունքի", "del labio"),
    "lower back": ("поясницы", "du bas du dos", "попереку", "մեջքի ստորին հատվածի",
                   "de la parte baja de la espalda"),
    "upper back": ("верхней части спины", "du haut du dos", "верхньої частини спини",
                   "մեջքի վերին հատվածի", "de la parte alta de la espalda"),
    "lower leg": ("голени", "de la jambe", "гомілки", "սրունքի", "de la pierna"),
    "lower limb": ("нижней конечности", "du membre inférieur", "нижньої кінцівки",
                   "ստորին վերջույթի", "del miembro inferior"),
    "lower limb, including hip": (
        "нижней конечности{s}, включая тазобедренную область",
        "du membre inférieur{s}, y compris la hanche",
        "нижньої кінцівки{s}, включно з кульшовою ділянкою",
        "{s}ստորին վերջույթի|, ներառյալ կոնքազդրային շրջանը",
        "del miembro inferior{s}, incluida la cadera"),
    "upper limb": ("верхней конечности", "du membre supérieur", "верхньої кінцівки",
                   "վերին վերջույթի", "del miembro superior"),
    "upper limb, including shoulder": (
        "верхней конечности{s}, включая область плечевого сустава",
        "du membre supérieur{s}, y compris l'épaule",
        "верхньої кінцівки{s}, включно з ділянкою плечового суглоба",
        "{s}վերին վերջույթի|, ներառյալ ուսը",
        "del miembro superior{s}, incluido el hombro"),
    "neck": ("шеи", "du cou", "шиї", "պարանոցի", "del cuello"),
    "nose": ("носа", "du nez", "носа", "քթի", "de la nariz"),
    "overlapping sites of skin": (
        "кожи с поражением, выходящим за пределы одной локализации",
        "de la peau à localisations contiguës",
        "шкіри з ураженням, що виходить за межі однієї локалізації",
        "մաշկի մի քանի հարակից տեղամասերի", "de sitios contiguos de la piel"),
    "perineum": ("промежности", "du périnée", "промежини", "շեքի", "del periné"),
    "sacral region": ("крестцовой области", "de la région sacrée", "крижової ділянки",
                      "սրբանային շրջանի", "de la región sacra"),
    "scalp and neck": ("волосистой части головы и шеи", "du cuir chevelu et du cou",
                       "волосистої частини голови та шиї",
                       "գլխի մազածածկ մասի և պարանոցի", "del cuero cabelludo y el cuello"),
    "skin": ("кожи", "de la peau", "шкіри", "մաշկի", "de la piel"),
    "thigh": ("бедра", "de la cuisse", "стегна", "ազդրի", "del muslo"),
    "toe": ("пальца стопы", "de l'orteil", "пальця стопи", "ոտքի մատի", "del dedo del pie"),
    "trunk": ("туловища", "du tronc", "тулуба", "իրանի", "del tronco"),
    "umbilicus": ("пупка", "de l'ombilic", "пупка", "պորտի", "del ombligo"),
    "upper arm": ("плеча", "du bras", "плеча", "բազկի", "del brazo"),
    "other site": ("другой локализации", "d'un autre siège", "іншої локалізації",
                   "այլ տեղակայման", "de otro sitio"),
    "other sites": ("других локализаций", "d'autres sièges", "інших локалізацій",
                    "այլ տեղակայումների", "de otros sitios"),
    "unspecified site": ("неуточнённой локализации", "de siège non précisé",
                         "неуточненої локалізації", "չճշտված տեղակայման",
                         "de sitio no especificado"),
}

# "skin of X", "part of X", ...: the template takes the site where "{}" stands.
SKIN_OF = ("кожи {}", "de la peau {}", "шкіри {}", "{} մաշկի", "de la piel {}")
PART_OF = {
    "other and unspecified parts of ": (
        "других и неуточнённых частей {}", "d'autres parties et de parties non précisées {}",
        "інших та неуточнених частин {}", "{} այլ և չճշտված մասերի",
        "de otras partes y las no especificadas {}"),
    "unspecified parts of ": (
        "неуточнённых частей {}", "de parties non précisées {}", "неуточнених частин {}",
        "{} չճշտված մասերի", "de partes no especificadas {}"),
    "unspecified part of ": (
        "неуточнённой части {}", "d'une partie non précisée {}", "неуточненої частини {}",
        "{} չճշտված մասի", "de una parte no especificada {}"),
    "other parts of ": (
        "других частей {}", "d'autres parties {}", "інших частин {}", "{} այլ մասերի",
        "de otras partes {}"),
    "other part of ": (
        "другой части {}", "d'une autre partie {}", "іншої частини {}", "{} այլ մասի",
        "de otra parte {}"),
    "part of ": ("части {}", "d'une partie {}", "частини {}", "{} մասի", "de una parte {}"),
}
SIDES = {
    "right ": (" справа", ", côté droit", " справа", "աջ ", ", lado derecho"),
    "left ": (" слева", ", côté gauche", " зліва", "ձախ ", ", lado izquierdo"),
    "unspecified ": (" неуточнённой стороны", ", côté non précisé", " неуточненої сторони",
                     "չճշտված կողմի ", ", lado no especificado"),
}
_STAGES = {str(n): (f", стадия {n}", f", stade {n}", f", стадія {n}",
                    f", {n}-{'ին' if n == 1 else 'րդ'} փուլ", f", estadio {n}")
           for n in range(1, 5)}
TAILS = {
    ", unspecified stage": (", стадия не уточнена", ", stade non précisé",
                            ", стадія не уточнена", ", փուլը չճշտված",
                            ", estadio no especificado"),
    ", unstageable": (", стадию определить невозможно", ", stade indéterminable",
                      ", стадію неможливо визначити", ", փուլը հնարավոր չէ որոշել",
                      ", no estadificable"),
    **{f", stage {n}": t for n, t in _STAGES.items()},
    ", unspecified": (" неуточнённой локализации", ", siège non précisé",
                      " неуточненої локалізації", ", տեղակայումը չճշտված",
                      ", sitio no especificado"),
    " limited to breakdown of skin": (
        ", с поражением только кожи", ", limité à une effraction cutanée",
        ", з ураженням лише шкіри", ", միայն մաշկի վնասումով",
        ", limitada a la ruptura de la piel"),
    " with fat layer exposed": (
        ", с обнажением жировой клетчатки", ", avec exposition de la couche graisseuse",
        ", з оголенням жирової клітковини", ", ճարպային շերտի մերկացումով",
        ", con exposición de la capa de grasa"),
    " with necrosis of muscle": (
        ", с некрозом мышцы", ", avec nécrose musculaire", ", з некрозом м'яза",
        ", մկանի նեկրոզով", ", con necrosis muscular"),
    " with necrosis of bone": (
        ", с некрозом кости", ", avec nécrose osseuse", ", з некрозом кістки",
        ", ոսկրի նեկրոզով", ", con necrosis ósea"),
    " with muscle involvement without evidence of necrosis": (
        ", с поражением мышцы без признаков некроза",
        ", avec atteinte musculaire sans signe de nécrose",
        ", з ураженням м'яза без ознак некрозу",
        ", մկանի ախտահարումով՝ առանց նեկրոզի նշանների",
        ", con afectación muscular sin evidencia de necrosis"),
    " with bone involvement without evidence of necrosis": (
        ", с поражением кости без признаков некроза",
        ", avec atteinte osseuse sans signe de nécrose",
        ", з ураженням кістки без ознак некрозу",
        ", ոսկրի ախտահարումով՝ առանց նեկրոզի նշանների",
        ", con afectación ósea sin evidencia de necrosis"),
    " with other specified severity": (
        ", с другой уточнённой степенью тяжести", ", avec autre gravité précisée",
        ", з іншим уточненим ступенем тяжкості", ", այլ ճշտված ծանրության աստիճանով",
        ", con otra gravedad especificada"),
    " with unspecified severity": (
        ", неуточнённой степени тяжести", ", de gravité non précisée",
        ", неуточненого ступеня тяжкості", ", չճշտված ծանրության աստիճանի",
        ", de gravedad no especificada"),
}


def with_side(template, side):
    """Put the side where the template marks it, else at its natural end."""
    if "{s}" in template:
        return template.replace("{s}", side)
    return side + template if side.endswith(" ") else template + side


def site_phrase(site, li):
    """The site in language li, or None when the grammar cannot read it."""
    if site in SITES:
        return SITES[site][li].replace("{s}", "")
    skin = site.startswith("skin of ")
    if skin:
        site = site[len("skin of "):]
    part = next((p for p in PART_OF if site.startswith(p)), None)
    if part:
        site = site[len(part):]
    side = next((s for s in SIDES if site.startswith(s)), None)
    if side:
        site = site[len(side):]
    if site not in SITES:
        return None
    text = SITES[site][li]
    text = with_side(text, SIDES[side][li]) if side else text.replace("{s}", "")
    if part:
        before, _, after = text.partition("|")
        text = PART_OF[part][li].format(before) + ("|" + after if after else "")
    if skin:
        before, _, after = text.partition("|")
        text = SKIN_OF[li].format(before) + ("|" + after if after else "")
    return text


def compose(label, li):
    # ICD-10-CM writes "Furuncle right hand" for L02.52x where its siblings say "of".
    if label.startswith("Furuncle ") and not label.startswith("Furuncle of"):
        label = "Furuncle of " + label[len("Furuncle "):]
    head = next((h for h in HEADS if label.startswith(h)), None)
    if head is None:
        return None
    rest = label[len(head):]
    tail = next((t for t in TAILS if rest.endswith(t)), None)
    if tail:
        rest = rest[: -len(tail)]
    if rest.startswith(" of "):
        site = site_phrase(rest[4:], li)
        if site is None:
            return None
    elif rest == "":
        site = ""
    else:
        return None
    h = HEADS[head][li]
    t = TAILS[tail][li] if tail else ""
    if LANGS[li] == "hy":
        before, _, after = site.partition("|")
        text = (before + " " + h if before else h) + after + t
        return text[:1].upper() + text[1:]
    site = site.replace("|", "")
    if site and LANGS[li] in ("ru", "uk") and t.startswith(" "):
        return f"{h} {site}{t}"
    return f"{h} {site}{t}" if site else f"{h}{t}"


def main():
    english = []
    for line in open("icd10cm_derm.tsv", encoding="utf-8"):
        if line.startswith("#") or not line.strip():
            continue
        code, label = line.rstrip("\n").split("\t")[:2]
        english.append((code, label))
    for li, lang in enumerate(LANGS):
        path = f"icd10_{lang}.tsv"
        header, rows = [], {}
        for line in open(path, encoding="utf-8"):
            line = line.rstrip("\n")
            if line.startswith("#"):
                header.append(line)
            elif line.strip():
                code, label = line.split("\t")
                rows[code] = label
        added = 0
        for code, label in english:
            if code in rows or not FAMILY.match(code):
                continue
            text = compose(label, li)
            if text:
                rows[code] = text
                added += 1
        out = header + [f"{c}\t{rows[c]}" for c, _ in english if c in rows]
        open(path, "w", encoding="utf-8").write("\n".join(out) + "\n")
        print(f"{lang}: {len(rows)} labels, {added} composed", file=sys.stderr)


if __name__ == "__main__":
    main()
