### Pages d'administration du hub : envois de webhooks, stock négatif et conflits
### ouverts. Les messages ne prennent que $count (un nombre) : noms, heures et codes
### sont placés à côté par la page.

admin-nav-webhooks = Envois de webhooks
admin-nav-stock = Stock négatif
admin-nav-conflicts = Conflits ouverts
admin-col-clinic = Clinique
admin-col-updated = Mis à jour
admin-doc-type-clinic = Réglages de la clinique
admin-doc-type-patient = Dossier patient
admin-doc-type-product = Produit
admin-doc-type-ledger = Journal des ventes et du stock
admin-doc-type-appointment = Rendez-vous

## Envois de webhooks

admin-webhooks-title = Envois de webhooks
admin-webhooks-intro = Les derniers événements envoyés aux autres systèmes de la clinique. Un envoi échoué est retenté, à intervalles croissants, pendant 24 heures.
admin-webhooks-none = Rien n'a encore été envoyé. Ajoutez un webhook avec : dermis-hub webhook add --url … --events …
admin-webhooks-col-event = Événement
admin-webhooks-col-url = Envoyé à
admin-webhooks-col-state = État
admin-webhooks-col-attempts = Tentatives
admin-webhooks-col-answer = Dernière réponse
admin-webhook-state-pending = En attente d'envoi
admin-webhook-state-failed = Échec, nouvel essai prévu
admin-webhook-state-delivered = Remis
admin-webhook-state-dead = Abandonné
admin-webhooks-next = prochain essai
admin-webhooks-no-answer = pas de réponse

## Stock négatif

admin-stock-title = Stock négatif
admin-stock-intro = Produits vendus ou sortis au-delà du stock, le plus souvent par des postes qui vendaient hors ligne en même temps. Comptez le rayon et saisissez un mouvement de stock sur un poste.
admin-stock-none = Aucun produit n'est en dessous de zéro.
admin-col-sku = Référence
admin-col-on-hand = En stock

## Conflits ouverts

admin-conflicts-title = Conflits ouverts
admin-conflicts-intro = Champs modifiés en même temps par deux postes. Les deux valeurs sont conservées ; quelqu'un en choisit une sur un poste.
admin-conflicts-none = Aucun dossier n'a de valeurs en conflit.
admin-col-document = Dossier
admin-col-fields = Champs

## Staff and role changes

admin-nav-staff = Changements du personnel
admin-staff-title = Changements du personnel et des rôles
admin-staff-intro = Chaque changement des utilisateurs et des rôles d’une clinique : qui l’a fait, quand (selon l’horloge du poste) et sur quel poste. Seul un administrateur actif de la clinique peut en faire ; le hub refuse les autres.
admin-staff-none = Aucun changement du personnel pour l’instant.
admin-staff-col-when = Quand
admin-staff-col-by = Modifié par
admin-staff-col-node = Poste
admin-staff-col-user = Membre du personnel
admin-staff-col-change = Changement
admin-staff-when-unknown = non enregistré
admin-staff-by-operator = l’opérateur du poste (avant que la clinique ait un administrateur)
admin-staff-by-hub = le hub
admin-staff-by-unknown = inconnu (aucune trace de l’auteur)
admin-staff-by-unknown-user = un utilisateur que la clinique n’a pas
admin-staff-node-none = —
admin-staff-node-unknown = poste inconnu
# $role is a role name (admin-staff-role-*).
admin-staff-what-added = ajouté comme { $role }
admin-staff-what-role = rôle changé en { $role }
admin-staff-what-deactivated = désactivé
admin-staff-what-reactivated = réactivé
admin-staff-what-password = mot de passe changé
admin-staff-what-username = identifiant changé
admin-staff-what-display-name = nom affiché changé
admin-staff-what-removed = supprimé
admin-staff-what-roles = définitions des rôles changées
admin-staff-role-admin = Administrateur
admin-staff-role-doctor = Médecin
admin-staff-role-nurse = Infirmier·ère
admin-staff-role-reception = Accueil
admin-staff-role-cashier = Caissier·ère
