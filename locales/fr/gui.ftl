### L’application de bureau : écrans, boutons, messages. Les libellés des champs sont
### dans fields.ftl et les erreurs de validation dans errors.ftl ; les identifiants
### commencent ici par `gui-`.

gui-opening = Ouverture des dossiers de ce poste…
gui-open-failed = Impossible d’ouvrir les dossiers de ce poste.

## Actions courantes

gui-save = Enregistrer
gui-saved = Enregistré.
gui-cancel = Annuler
gui-back = Retour
gui-remove = Retirer
gui-refresh = Actualiser
gui-none = Aucun
gui-logout = Se déconnecter
gui-lock = Verrouiller
gui-lock-hint = Verrouiller l’écran maintenant ; votre travail reste ouvert derrière.
gui-lock-title = Écran verrouillé
gui-lock-intro = Connecté en tant que { $name }. Saisissez votre mot de passe pour reprendre là où vous en étiez.
gui-lock-refused = Mot de passe incorrect.
gui-lock-unlock = Déverrouiller
gui-lock-switch-hint = Quelqu’un d’autre ? Connectez-vous avec un autre utilisateur ; les modifications non enregistrées de cet écran seront perdues.
gui-lock-switch = Changer d’utilisateur
gui-date-hint = Saisissez la date sous la forme { $example } ou { $iso }, ou choisissez-la dans le calendrier.
gui-date-calendar = Choisir dans le calendrier
gui-date-previous-year = Année précédente
gui-date-previous-month = Mois précédent
gui-date-next-month = Mois suivant
gui-date-next-year = Année suivante
gui-date-year = Année
gui-date-today = Aujourd’hui
gui-month-1 = Janvier
gui-month-2 = Février
gui-month-3 = Mars
gui-month-4 = Avril
gui-month-5 = Mai
gui-month-6 = Juin
gui-month-7 = Juillet
gui-month-8 = Août
gui-month-9 = Septembre
gui-month-10 = Octobre
gui-month-11 = Novembre
gui-month-12 = Décembre
gui-weekday-1 = lu
gui-weekday-2 = ma
gui-weekday-3 = me
gui-weekday-4 = je
gui-weekday-5 = ve
gui-weekday-6 = sa
gui-weekday-7 = di
gui-size-mb = { $mb } Mo

## Depuis combien de temps

gui-age-now = moins d’une minute
gui-age-minutes =
    { $count ->
        [one] { $count } minute
        [many] { $count } de minutes
       *[other] { $count } minutes
    }
gui-age-hours =
    { $count ->
        [one] { $count } heure
        [many] { $count } d’heures
       *[other] { $count } heures
    }
gui-age-days =
    { $count ->
        [one] { $count } jour
        [many] { $count } de jours
       *[other] { $count } jours
    }

## Navigation

gui-nav-dashboard = Tableau de bord
gui-nav-patients = Dossiers patients
gui-nav-pos = Caisse
gui-nav-products = Produits et stock
gui-nav-sync = Synchronisation
gui-nav-conflicts = Conflits
gui-nav-settings = Réglages

## Connexion et premier démarrage

gui-login-title = Connexion
gui-login-submit = Se connecter
gui-login-refused = Nom d’utilisateur ou mot de passe incorrect.
gui-login-locked = Trop d’échecs de connexion pour cet utilisateur. Réessayez dans { $count ->
    [one] { $count } minute
   *[other] { $count } minutes
}.
gui-login-offline = La connexion fonctionne sans réseau : les comptes du personnel sont conservés sur ce poste.
gui-setup-title = Bienvenue dans Dermis
gui-setup-intro = Ce poste ne contient encore aucun dossier. Créez votre clinique pour commencer.
gui-setup-new-clinic = Créer une nouvelle clinique
gui-setup-admin = Premier administrateur
gui-setup-confirm = Répétez le mot de passe
gui-setup-mismatch = Les deux mots de passe diffèrent.
gui-setup-create = Créer la clinique
gui-setup-join = Rejoindre une clinique qui utilise déjà Dermis
gui-setup-join-later = La connexion de ce poste au serveur de votre clinique sera possible ici dans une prochaine version. En attendant, créez une nouvelle clinique ; elle pourra rejoindre un serveur plus tard.

## Tableau de bord

gui-dashboard-title = Aujourd’hui
gui-dashboard-today = Rendez-vous du jour
gui-dashboard-no-appointments = Aucun rendez-vous aujourd’hui.
gui-dashboard-recent = Patients récents
gui-dashboard-open-sync = Ouvrir le panneau de synchronisation
gui-dashboard-attention = À traiter
gui-dashboard-all-clear = Rien à traiter.
gui-dashboard-drafts = { $count ->
    [one] { $count } consultation non signée
   *[other] { $count } consultations non signées
}
gui-dashboard-conflicts =
    { $count ->
        [one] { $count } modification en conflit à régler
        [many] { $count } de modifications en conflit à régler
       *[other] { $count } modifications en conflit à régler
    }
gui-dashboard-low-stock =
    { $count ->
        [one] { $count } produit en stock faible
        [many] { $count } de produits en stock faible
       *[other] { $count } produits en stock faible
    }

## État des rendez-vous

gui-appointment-scheduled = Prévu
gui-appointment-canceled = Annulé
gui-appointment-completed = Effectué
gui-appointment-no-show = Absent

## Patients

gui-patients-search = Rechercher un patient
gui-patients-search-hint = Nom, téléphone, e-mail ou numéro de dossier
gui-patients-recent = Patients modifiés récemment
gui-patients-none = Aucun patient trouvé.
gui-patients-new = Nouveau patient
gui-patients-edit = Modifier le patient
gui-patients-mrn-hint = Laissez le numéro de dossier vide pour qu’il soit attribué automatiquement.
gui-patients-name = Nom
gui-patients-last-visit = Dernière consultation
gui-patient-details = Coordonnées
gui-allergies-none-known = Aucune allergie connue
gui-allergies-not-recorded = Allergies non renseignées
gui-patient-record-nka = Aucune allergie connue (déclarée)
gui-patient-record-nka-hint = Indiquer que le patient a été interrogé et ne se connaît aucune allergie.
gui-allergy-error = Saisie erronée
gui-allergy-error-hint = Marquer cette allergie comme saisie par erreur (elle reste au dossier, barrée).
gui-allergy-error-reason = Motif de l’erreur
gui-allergy-error-confirm = Marquer comme erronée
gui-allergy-errors = Allergies saisies par erreur
gui-banner-age = { $count ->
    [one] { $count } an
   *[other] { $count } ans
}
gui-banner-mrn = Dossier { $mrn }
gui-encounter-sign-title = Signer cette consultation ?
gui-encounter-sign-explain = Une consultation signée ne peut plus être modifiée : les corrections s’ajoutent en addenda.
gui-encounter-sign-no-diagnoses = Aucun diagnostic saisi.
gui-encounter-sign-confirm = Signer la consultation
gui-unsaved-title = Quitter sans enregistrer ?
gui-unsaved-explain = Cette consultation a des modifications non enregistrées. Si vous quittez, elles seront perdues.
gui-unsaved-discard = Abandonner les modifications
gui-unsaved-stay = Continuer la saisie
gui-draft-restored = Les modifications non enregistrées de cette consultation ont été conservées et sont rétablies.
gui-patient-add-allergy = Ajouter une allergie
gui-patient-visits = Consultations
gui-patient-no-visits = Aucune consultation pour l’instant.

## Gravité des allergies

gui-severity-mild = Légère
gui-severity-moderate = Modérée
gui-severity-severe = Sévère
gui-severity-unknown = Gravité inconnue

## Consultations

gui-encounter-title = Consultation
gui-encounter-heading = Consultation : { $patient }
gui-encounter-new = Nouvelle consultation
gui-encounter-diagnoses = Diagnostics (CIM-10-CM)
gui-encounter-find-diagnosis = Chercher un diagnostic
gui-encounter-find-diagnosis-hint = Code ou mots, p. ex. L40 ou psoriasis
gui-encounter-sign = Signer
gui-encounter-save-first = Enregistrez la consultation avant de la signer.
gui-encounter-signed-by = Signée par { $who } le { $when }.
gui-encounter-read-only = Une consultation signée ne peut plus être modifiée. Ajoutez un complément pour la corriger.
gui-encounter-addenda = Compléments
gui-encounter-addendum = Complément
gui-encounter-add-addendum = Ajouter un complément

## Photos

gui-photos-title = Photographies
gui-photos-heading = Photographies : { $patient }
gui-photos-no-patient = Ouvrez un dossier patient pour voir ses photographies.
gui-photos-import = Ajouter une photographie
gui-photos-drop-hint = Déposez des photos JPEG, PNG ou WebP sur cette fenêtre, ou choisissez-les.
gui-photos-tags-hint = Séparez les étiquettes par des virgules.
gui-photos-gallery = Galerie
gui-photos-none = Aucune photographie pour l’instant.
gui-photos-view = Afficher
gui-photos-local = Conservée sur ce poste ; pas encore traitée par le serveur.
gui-photos-processed = Traitée par le serveur.
gui-photos-original-missing = L’original n’est pas sur ce poste.
gui-photos-upload-local = Pas encore envoyée au serveur.
gui-photos-upload-uploading = Envoi au serveur : { $percent } %
gui-photos-upload-uploaded = En sécurité sur le serveur.
gui-photos-upload-failed = Le serveur a refusé cette photo : { $reason }
gui-photos-upload-elsewhere = Prise sur un autre poste.
gui-photos-thumb-pending = En attente de traitement par le serveur.
gui-photos-thumb-error = Le serveur n’a pas pu traiter cette photo : { $reason }

## Caisse

gui-pos-scan = Lecture
gui-pos-scan-hint = Scannez ou saisissez un code-barres ou une référence, puis appuyez sur Entrée
gui-pos-search = Chercher un produit
gui-pos-search-label = Produit
gui-pos-search-hint = Nom ou référence
gui-pos-on-hand = En stock : { $count }
gui-pos-add = Ajouter
gui-pos-empty = Le panier est vide.
gui-pos-payment = Paiement
gui-pos-subtotal = Sous-total
gui-pos-tax = Dont taxes
gui-pos-tax-included = Taxes incluses
gui-pos-total = Total à payer
gui-pos-paid = Payé
gui-pos-change = Monnaie à rendre
gui-pos-col-product = Produit
gui-pos-col-total = Total de la ligne
gui-pos-less = Un de moins
gui-pos-more = Un de plus
gui-pos-out-of-stock = Rupture de stock : { $count } en rayon
gui-pos-low-stock = Stock bas : { $count } en rayon
gui-pos-exact-cash = Espèces exactes
gui-pos-rest-card = Reste par carte
gui-pos-due = Reste à payer
gui-pos-complete = Valider la vente
gui-pos-clear = Vider
gui-pos-receipt = Ticket { $number }
gui-pos-new-sale = Nouvelle vente

## Produits et stock

gui-products-new = Nouveau produit
gui-products-edit = Modifier le produit
gui-products-filter = Filtrer
gui-products-pick = Choisissez un produit dans la liste.
gui-products-low-stock = Stock faible
gui-products-no-low-stock = Tous les produits sont au-dessus de leur seuil de réapprovisionnement.
gui-products-low-line = { $name } : il en reste { $count } (seuil { $level })
gui-products-stock-of = Stock de « { $name } » : { $count }
gui-products-movement = Mouvement
gui-products-adjust-hint = Pour un ajustement, un nombre négatif retire du stock.
gui-products-record = Enregistrer le mouvement
gui-products-history = Mouvements de { $sku }

## Taux de taxe

gui-tax-standard = Taux normal
gui-tax-reduced = Taux réduit
gui-tax-zero = Taux zéro

## Synchronisation

gui-sync-status = État
gui-sync-online = En ligne
gui-sync-offline = Hors ligne
gui-sync-stale = Synchronisation muette
gui-sync-no-hub = Non relié à un serveur
gui-sync-all-sent = Toutes les modifications sont arrivées au serveur.
gui-sync-photos-pending =
    { $count ->
        [one] { $count } photo pas encore sur le serveur ({ $mb } Mo)
       *[other] { $count } photos pas encore sur le serveur ({ $mb } Mo)
    }
gui-sync-refused =
    { $count ->
        [one] Le serveur a refusé les modifications de { $count } dossier ; elles sont conservées ici. Raison :
       *[other] Le serveur a refusé les modifications de { $count } dossiers ; elles sont conservées ici. Raisons :
    }
gui-sync-photos-failed =
    { $count ->
        [one] { $count } photo refusée par le serveur ; la raison figure dans les photos du patient.
       *[other] { $count } photos refusées par le serveur ; les raisons figurent dans les photos des patients.
    }
gui-sync-oldest = La plus ancienne attend depuis { $age }.
gui-sync-last = Dernière synchronisation : { $when }
gui-sync-never = Jamais synchronisé.
gui-sync-hub = Serveur central
gui-sync-last-error = Dernière erreur
gui-sync-records = Dossiers récents
gui-sync-on-hub = Sur le serveur
gui-sync-waiting = Pas encore sur le serveur

## Types de dossiers

gui-doc-clinic = Clinique
gui-doc-patient = Dossier patient
gui-doc-product = Produit
gui-doc-ledger = Ventes et stock
gui-doc-appointment = Rendez-vous

## Conflits

gui-conflicts-intro = Ces champs ont été modifiés en même temps sur deux postes. Choisissez la valeur à garder ; votre choix parviendra à tous les postes.
gui-conflicts-none = Aucun conflit.
gui-conflicts-keep = Garder celle-ci
gui-conflicts-shown-now = Affichée actuellement
gui-conflicts-empty-value = (vide)
gui-conflicts-resolved = Conflit réglé.

## Réglages

gui-settings-appearance = Langue et apparence
gui-settings-language = Langue
gui-settings-theme = Thème
gui-settings-light = Clair
gui-settings-dark = Sombre
gui-settings-workstation = Ce poste
gui-settings-users = Personnel
gui-settings-active = Actif
gui-settings-new-password = Nouveau mot de passe
gui-settings-reset = Réinitialiser le mot de passe
gui-settings-add-user = Ajouter un membre du personnel

## Libellés des champs absents de fields.ftl

gui-field-substance = Substance allergène
gui-field-reaction = Réaction
gui-field-severity = Gravité
gui-field-addendum = Texte du complément
gui-field-encounter = Consultation
gui-field-patient = Patient ou patiente
gui-field-photo = Photographie
gui-field-product = Produit
gui-field-receipt = Ticket
gui-field-user = Membre du personnel
gui-field-conflict = Conflit
gui-field-allergy = Allergie
gui-field-total = Montant total
gui-field-other = Ce champ

## Erreurs

gui-error-denied = Votre rôle ne vous permet pas de { $action }.
gui-error-unreadable = Impossible de lire le fichier. Vérifiez le chemin.
gui-error-storage = Impossible de lire ou d’écrire les dossiers. Réessayez ; si le problème persiste, contactez votre administrateur.
gui-error-disk-full = Le disque est plein : rien n’a été enregistré. Libérez de la place et réessayez.
gui-error-busy = Les dossiers sont occupés par un autre programme. Réessayez dans un instant.
gui-error-photo-unavailable = Cette photo n’est pas sur ce poste et le serveur ne peut pas l’envoyer maintenant. Réessayez quand le serveur sera joignable.

## Ce qu’un rôle peut faire (complète gui-error-denied)

gui-permission-view-patients = consulter les patients
gui-permission-edit-patients = modifier les coordonnées des patients
gui-permission-view-clinical = consulter les notes cliniques
gui-permission-edit-clinical = modifier les notes cliniques
gui-permission-sign-encounter = signer les consultations
gui-permission-sell = vendre
gui-permission-void-sale = annuler des ventes
gui-permission-manage-stock = gérer le stock
gui-permission-manage-products = gérer les produits
gui-permission-manage-appointments = gérer les rendez-vous
gui-permission-manage-users = gérer le personnel
gui-permission-manage-settings = modifier les réglages de la clinique

## Table headers
gui-col-time = Heure
gui-col-patient = Patient(e)
gui-col-status = Statut
gui-col-visit = Consultation
gui-col-kind = Type
gui-col-record = Fiche
gui-col-changed = Modifié
gui-col-stock = En stock
gui-col-change = Variation
gui-col-by = Par
gui-col-diagnoses = Diagnostics

## The till's buyer and a patient's purchases
gui-pos-buyer = Client (patient)
gui-pos-buyer-hint = Nom ou numéro de dossier, facultatif
gui-pos-buyer-remove = Détacher
gui-pos-buyer-remove-hint = Vendre sans lier cette vente au patient
gui-patient-purchases = Achats
gui-patient-no-purchases = Aucun achat en caisse.
gui-col-receipt = Ticket
gui-col-amount = Montant
gui-purchase-sale = Vente
gui-purchase-refund = Remboursement
gui-purchase-void = Annulation
gui-purchase-voided = Vente annulée

## Prescribing and printing on a visit
gui-rx-title = Ordonnances
gui-rx-none = Aucune ordonnance pour cette consultation.
gui-rx-instructions = Mode d'emploi
gui-rx-quantity-refills = Quantité / renouvellements
gui-rx-prescriber = Prescripteur
gui-rx-overridden = Prescrit malgré l'allergie à { $allergy } : { $reason }
gui-rx-new = Nouvelle prescription
gui-rx-allergy-title = Alerte allergie
gui-rx-allergy-substance = Allergique à { $allergy } : { $drug } contient { $substance }.
gui-rx-allergy-class = Allergique à { $allergy } : { $drug } contient { $substance }, de la famille des { $class }.
gui-rx-allergy-answer = Changez de médicament, ou indiquez pourquoi le prescrire quand même (motif enregistré et tracé).
gui-rx-override-reason = Motif pour prescrire quand même
gui-rx-prescribe = Ajouter la prescription
gui-rx-prescribe-anyway = Prescrire malgré l'allergie
gui-rx-answer-first = Saisissez un médicament et répondez à l'alerte allergie s'il y en a une
gui-rx-print = Imprimer l'ordonnance
gui-visit-print-summary = Imprimer le compte rendu
gui-printed = Enregistré et ouvert pour impression : { $path }
gui-printed-not-opened = Enregistré sous { $path } (aucune visionneuse n'a pu l'ouvrir)
gui-encounter-sign-prescriptions = Ordonnances

## Conflicts: who wrote each value, where and when
gui-conflicts-origin-here = { $who } · ce poste ({ $name }) · { $when }
gui-conflicts-origin = { $who } · poste { $name } · { $when }
gui-conflicts-by-former-user = un ancien utilisateur
gui-conflicts-by-operator = l'opérateur du poste
gui-conflicts-by-hub = le serveur central
gui-conflicts-by-unknown = auteur inconnu

## Keyboard
gui-save-shortcut = Enregistrer (Ctrl+S)
## Cash-drawer shifts and clinic details (shifts)

gui-nav-shift = Caisse
gui-shift-title = Session de caisse
gui-shift-none = Aucune session de caisse n’est ouverte sur ce poste.
gui-shift-float = Fonds de caisse
gui-shift-float-hint = Les espèces comptées dans le tiroir avant la première vente.
gui-shift-open = Ouvrir la caisse
# $when is a time, $who the cashier who opened the shift.
gui-shift-open-since = Caisse ouverte depuis { $when } par { $who }
# $when is a date and time, $who the cashier who closed the shift.
gui-shift-closed-at = Clôturée le { $when } par { $who }
gui-shift-pos-none = Aucune caisse ouverte
gui-shift-pos-open-one = En ouvrir une
gui-shift-pay-in = Entrée d’espèces
gui-shift-pay-out = Sortie d’espèces
gui-shift-pay-in-explain = Espèces mises dans le tiroir, par exemple de la monnaie de la banque.
gui-shift-pay-out-explain = Espèces retirées du tiroir, par exemple pour un petit achat ou un dépôt en banque.
gui-shift-record = Enregistrer
gui-shift-print-x = Imprimer le rapport X
gui-shift-close = Clôturer la caisse
gui-shift-close-title = Clôture de caisse
gui-shift-count-total = Un seul montant
gui-shift-count-denominations = Par billet et pièce
gui-shift-counted = Espèces comptées
gui-shift-denomination = Billet ou pièce
gui-shift-note = billet
gui-shift-coin = pièce
gui-shift-count = Nombre
# $value is a note or coin, e.g. €50.00.
gui-shift-count-of = Nombre de { $value }
gui-shift-col-amount = Montant
gui-shift-expected = Espèces attendues
gui-shift-difference = Écart
gui-shift-over = Excédent : plus d’espèces que prévu
gui-shift-short = Manque : moins d’espèces que prévu
gui-shift-balanced = Caisse juste
gui-shift-continue = Continuer
gui-shift-confirm = La clôture est irréversible : le rapport Z devient définitif et les nouvelles ventes demanderont une nouvelle session.
gui-shift-confirm-close = Clôturer définitivement
gui-shift-x-report = Rapport X (la session jusqu’ici)
gui-shift-z-report = Rapport Z
gui-shift-opened = Ouverture
gui-shift-closed = Clôture
gui-shift-col-cashier = Caissier
gui-shift-cash = Espèces du tiroir
gui-shift-cash-sales = Ventes en espèces, monnaie rendue déduite
gui-shift-cash-refunds = Remboursements en espèces
gui-shift-pay-ins = Entrées d’espèces
gui-shift-pay-outs = Sorties d’espèces
gui-shift-receipts = Tickets
# $first and $last are receipt numbers, e.g. N1-000001.
gui-shift-receipt-range = du { $first } au { $last }
gui-shift-no-receipts = Pas encore de ticket
gui-shift-sales-count = Ventes
gui-shift-refunds-count = Remboursements
gui-shift-voids-count = Ventes annulées
gui-shift-net-total = Recette nette
gui-shift-by-method = Par moyen de paiement
gui-shift-col-method = Moyen
gui-shift-col-sales = Encaissé
gui-shift-col-refunds = Rendu
gui-shift-col-net = Solde net
gui-shift-by-rate = Taxe par taux
gui-shift-col-rate = Taux
gui-shift-col-gross = Ventes TTC
gui-shift-col-tax = Taxe
gui-shift-moves = Entrées et sorties d’espèces
gui-shift-no-moves = Aucune pendant cette session.
gui-shift-past = Sessions précédentes
gui-shift-past-none = Aucune session n’a encore été clôturée sur ce poste.
gui-shift-view = Voir le rapport
gui-shift-print = Imprimer
# $path is the PDF file written.
gui-shift-printed = Ouvert dans la visionneuse PDF : { $path }
# $path is the PDF file written.
gui-shift-print-not-opened = Impossible de lancer une visionneuse PDF. Le rapport est enregistré sous { $path }
gui-field-float = Fonds de caisse
gui-field-counted = Espèces comptées
gui-field-amount = Montant
gui-field-shift = Session de caisse
gui-field-legal-name = Raison sociale
gui-field-tax-id = Numéro de TVA
gui-field-tax-rate = Taux de taxe
gui-clinic-title = Coordonnées de la clinique
gui-clinic-explain = Imprimées sur chaque ticket et chaque rapport de caisse.
gui-clinic-tax-rates = Taux de taxe
gui-clinic-rate-percent = Taux, %
# $name is a tax class, e.g. Standard rate.
gui-clinic-rate-of = Taux « { $name } », %
gui-clinic-new-class = Nouvelle catégorie de taxe
gui-clinic-new-rate = Taux de la nouvelle catégorie, %
gui-clinic-prices-include-tax = Prix TTC (taxe comprise)
gui-clinic-included-hint = Le client paie le prix affiché ; la taxe en est la part due par la clinique.
gui-clinic-added-hint = La caisse ajoute la taxe aux prix affichés.
gui-clinic-save = Enregistrer les coordonnées
gui-clinic-first-run = La raison sociale, l’adresse et le numéro de TVA de la clinique ne sont pas encore saisis : les tickets s’impriment sans eux.
gui-clinic-set-up = Compléter les coordonnées
gui-clinic-later = Plus tard
# The difference of a past shift in its table, in a word.
gui-shift-over-word = Excédent
gui-shift-short-word = Manque
## Appointment book (calendar)
gui-nav-appointments = Rendez-vous
gui-appointment-checked-in = Arrivé
gui-book-day = Jour
gui-book-week = Semaine
gui-book-all-clinicians = Tous les praticiens
gui-book-previous = Précédent
gui-book-today = Aujourd’hui
gui-book-next = Suivant
gui-book-new = Nouveau rendez-vous
gui-book-go-to = Aller au jour
gui-book-open = Ouvrir l’agenda
gui-book-unassigned = Sans praticien
gui-book-unlinked-short = non rattaché
gui-book-cancelled =
    { $count ->
        [one] { $count } rendez-vous annulé
       *[other] { $count } rendez-vous annulés
    }
gui-book-title-new = Prendre un rendez-vous
gui-book-title-move = Déplacer le rendez-vous
gui-book-find-patient = Chercher le patient (nom ou numéro de dossier)
gui-book-change-patient = Changer
gui-book-clinician-none = (pas encore choisi)
gui-book-date = Jour
gui-book-start = Heure de début
gui-book-length = Durée
gui-book-minutes-value = { $count } minutes
gui-book-reason = Motif de la visite
gui-book-save = Réserver
gui-book-save-move = Déplacer
gui-book-choose-patient = Choisissez un patient dans la liste.
gui-book-bad-date = Indiquez le jour sous forme de date, par exemple 31/12/2026.
gui-book-bad-time = Indiquez l’heure de début en heures et minutes, par exemple 9:30.
gui-book-cancel-title = Annuler ce rendez-vous ?
gui-book-cancel-explain = Le rendez-vous de { $who }, { $when }, sera marqué comme annulé. Il reste dans l’agenda avec le motif.
gui-book-cancel-reason = Motif de l’annulation
gui-book-cancel-confirm = Annuler le rendez-vous
gui-book-keep = Le garder
gui-book-close = Fermer
gui-book-source = Pris via
gui-book-open-chart = Ouvrir le dossier
gui-book-start-visit = Commencer la consultation
gui-book-check-in = Enregistrer l’arrivée
gui-book-no-show = Marquer absent
gui-book-move = Déplacer…
gui-book-cancel = Annuler…
gui-book-invitee = Réservé en ligne par
gui-book-unlinked = Pas encore rattaché à un dossier patient.
gui-book-invitee-name = Nom
gui-book-matches = Patients avec ce courriel ou ce téléphone
gui-book-no-matches = Aucun patient n’a ce courriel ou ce téléphone.
gui-book-match-email = même courriel
gui-book-match-phone = même téléphone
gui-book-link = Rattacher
gui-book-search-other = Chercher un autre patient
gui-book-register = Créer un dossier patient
gui-book-calendar-of = Agenda de
gui-book-overlap = { $who } reçoit déjà { $name } à { $when }.
# Photos: body map, file browser, visit link, comparison over time
gui-photos-map-title = Schéma corporel
gui-photos-map-front = Face avant
gui-photos-map-back = Dos
gui-photos-map-region-front = { $name }, de face
gui-photos-map-region-back = { $name }, de dos
gui-photos-part-chosen = Choisi : { $name }
gui-photos-part-none = Cliquez sur une région du corps ou choisissez-la dans la liste.
gui-photos-part-needed = Choisissez d’abord la région du corps.
gui-photos-visit = Consultation
gui-photos-no-visit = Liée à aucune consultation
gui-photos-visit-of = Consultation du { $when }
gui-photos-gallery-of = Clichés de cette région : { $name }
gui-photos-show-all = Toutes les régions
gui-photos-compare = Comparer dans le temps
gui-photos-choose = Choisir des fichiers…
gui-photos-drop-now = Relâchez pour ajouter ces fichiers.
gui-photos-files-chosen = { $count ->
    [one] { $count } fichier prêt à ajouter :
   *[other] { $count } fichiers prêts à ajouter :
}
gui-photos-remove-file = Retirer de la liste
gui-photos-remove-named = Retirer { $name }
gui-photos-add-files = { $count ->
    [one] Ajouter le cliché
   *[other] Ajouter { $count } clichés
}
gui-photos-added-count = { $count ->
    [one] Cliché ajouté.
   *[other] { $count } clichés ajoutés.
}
gui-photos-not-imported = { $name } n’a pas été ajouté : { $reason }
gui-picker-title = Choisir des clichés
gui-picker-home = Dossier personnel
gui-picker-pictures = Mes images
gui-picker-up = Dossier parent
gui-picker-folder = Dossier
gui-picker-confirm = { $count ->
    [one] Prendre ce fichier
   *[other] Prendre ces { $count } fichiers
}
gui-picker-unreadable = Ce dossier ne peut pas être lu.
gui-picker-empty = Ni dossier ni image ici.
gui-picker-truncated = Ce dossier contient trop de fichiers : seuls les premiers sont listés.
gui-compare-heading = Évolution : { $name }
gui-compare-close = Retour à la galerie
gui-compare-keys = Les flèches gauche et droite font défiler le cliché le plus récent ; avec Maj, le plus ancien.
gui-compare-earlier = Cliché antérieur
gui-compare-later = Cliché ultérieur
gui-compare-step-earlier = { $name } : un cran plus tôt
gui-compare-step-later = { $name } : un cran plus tard
gui-compare-position = { $number } sur { $count }
gui-compare-series-item = Cliché { $number } sur { $count }

## The till: tax added on top of prices that exclude it
gui-pos-tax-added = TVA en sus
