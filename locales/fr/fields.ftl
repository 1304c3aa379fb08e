### Libellés des champs. Les messages d’erreur les reçoivent dans $field.

## Patient

field-first-name = Prénom
field-last-name = Nom
field-middle-name = Deuxième prénom
field-birth-date = Date de naissance
field-sex = Sexe
field-phone = Téléphone
field-email = E-mail
field-address = Adresse
field-mrn = N° de dossier médical
field-allergies = Allergies
field-medical-history = Antécédents médicaux
field-notes = Remarques

## Consultation (SOAP)

field-date = Date
field-clinician = Praticien
field-complaint = Motif de consultation
field-subjective = Subjectif
field-objective = Objectif
field-assessment = Évaluation
field-plan = Plan de traitement
field-diagnosis = Diagnostic

## Produits, stock et ventes

field-sku = Référence
field-name = Désignation
field-category = Catégorie
field-price = Prix
field-currency = Devise
field-barcode = Code-barres
field-active = Actif
field-reorder-level = Seuil de réapprovisionnement
field-tax-class = Catégorie de taxe
field-quantity = Quantité
field-reason = Motif
field-item = Article
field-payment = Paiement
field-discount = Remise

## Utilisateurs et réglages

field-username = Nom d’utilisateur
field-password = Mot de passe
field-role = Rôle
field-display-name = Nom affiché
field-clinic-name = Nom de la clinique
field-node-name = Nom du poste
field-locale = Langue

## Rendez-vous et photos

field-start = Début
field-end = Fin
field-body-part = Région du corps
field-tags = Étiquettes
field-file = Fichier

# Prescriptions
field-drug = Médicament
field-dose = Posologie
field-refills = Renouvellements
