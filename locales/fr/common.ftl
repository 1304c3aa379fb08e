### Vocabulaire commun : rôles, énumérations, régions du corps, nombres.

app-name = Dermis

## Rôles du personnel

role-admin = Administrateur
role-doctor = Médecin
role-nurse = Infirmier ou infirmière
role-reception = Réceptionniste
role-cashier = Caissier ou caissière

## Sexe du patient

sex-female = Féminin
sex-male = Masculin
sex-other = Autre
sex-unknown = Inconnu

## Moyens de paiement

pay-cash = Espèces
pay-card = Carte
pay-other = Autre

## Mouvements de stock

stock-in = Entrée en stock
stock-out = Sortie de stock
stock-adjust = Ajustement

## Statut de la consultation

status-draft = Brouillon
status-signed = Signée

## Régions du corps

body-scalp = Cuir chevelu
body-forehead = Front
body-face = Visage
body-nose = Nez
body-ear = Oreille
body-lip = Lèvre
body-neck = Cou
body-chest = Thorax
body-abdomen = Abdomen
body-upper-back = Haut du dos
body-lower-back = Bas du dos
body-buttocks = Fesses
body-genitals = Organes génitaux
body-shoulder = Épaule
body-upper-arm = Bras
body-elbow = Coude
body-forearm = Avant-bras
body-wrist = Poignet
body-hand = Main
body-finger = Doigt
body-nail = Ongle
body-hip = Hanche
body-thigh = Cuisse
body-knee = Genou
body-lower-leg = Jambe
body-ankle = Cheville
body-foot = Pied
body-toe = Orteil
body-mucosa = Muqueuse
body-other = Autre

## Nombres

patients-count =
    { $count ->
        [one] { $count } patient
        [many] { $count } de patients
       *[other] { $count } patients
    }
items-count =
    { $count ->
        [one] { $count } article
        [many] { $count } d’articles
       *[other] { $count } articles
    }
changes-pending =
    { $count ->
        [one] { $count } modification pas encore envoyée au serveur
        [many] { $count } de modifications pas encore envoyées au serveur
       *[other] { $count } modifications pas encore envoyées au serveur
    }

## Printed clinical documents (document pdf)
doc-phone = Téléphone
doc-tax-id = N° fiscal
doc-prescription-title = Ordonnance
doc-summary-title = Compte rendu de consultation
doc-patient = Patient(e)
doc-dose = Posologie
doc-instructions = Consignes
doc-refills = Renouvellements
doc-prescriptions = Traitements prescrits
doc-signature = Signature du médecin

## Receipts (receipt print): labels in the clinic's language
rcpt-tax-id = N° TVA : { $id }
rcpt-phone = Tél. : { $phone }
rcpt-sale = VENTE
rcpt-refund-of = REMBOURSEMENT du ticket { $receipt }
rcpt-void-of = ANNULATION du ticket { $receipt }
rcpt-number = Ticket { $receipt }
rcpt-cashier = Caissier : { $name }
rcpt-discount = Remise
rcpt-subtotal = Sous-total
rcpt-discounts = Remises
rcpt-total = TOTAL TTC
rcpt-total-refunded = TOTAL REMBOURSÉ
rcpt-total-voided = TOTAL ANNULÉ
rcpt-tax-of = TVA { $rate } sur { $amount }
rcpt-paid-cash = Espèces
rcpt-paid-card = Carte bancaire
rcpt-paid-other = Autre moyen
rcpt-returned-cash = Rendu en espèces
rcpt-returned-card = Recrédité sur carte
rcpt-returned-other = Rendu par un autre moyen
rcpt-change = Monnaie rendue
rcpt-change-back = Monnaie reprise
