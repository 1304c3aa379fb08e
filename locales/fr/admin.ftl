### Pages d’administration du hub (/admin).

admin-title = Hub Dermis
admin-nav-overview = Cliniques et postes
admin-nav-health = Stockage et base de données
admin-signed-in-as = Connecté en tant que
admin-sign-out = Se déconnecter
admin-language = Langue
admin-live-connected = En direct : les changements s’affichent sans recharger
admin-live-reconnecting = Connexion perdue, reconnexion…
admin-unavailable = Le hub ne peut pas lire sa base de données pour le moment. Cette page réessaie d’elle-même.
admin-yes = oui
admin-no = non
admin-never = jamais

## Connexion

admin-login-title = Connexion au hub
admin-login-username = Nom d’utilisateur
admin-login-password = Mot de passe
admin-login-submit = Se connecter
admin-login-invalid = Nom d’utilisateur inconnu ou mot de passe incorrect.
admin-login-rate-limited = Trop de tentatives échouées. Attendez quelques minutes puis réessayez.
admin-login-unavailable = Le hub ne joint pas sa base de données. Réessayez plus tard.

## Cliniques et postes

admin-overview-title = Cliniques et postes de travail
admin-summary-online = En ligne : { $count }
admin-summary-behind = en retard : { $count }
admin-summary-offline = hors ligne : { $count }
admin-no-clinics = Aucune clinique pour l’instant. Créez-en une avec : dermis-hub clinic add --name "…"
admin-no-nodes = Aucun poste dans cette clinique pour l’instant. Ajoutez-en un avec : dermis-hub node add
admin-clinic-seq = journal des modifications à { $count }
admin-col-node = Poste de travail
admin-col-state = État
admin-col-last-seen = Dernier contact
admin-col-last-sync = Dernière synchronisation
admin-col-version = Version de l’application
admin-col-cursor = Appliqué jusqu’à
admin-col-outbox = En attente sur le poste
admin-col-error = Dernière erreur
admin-state-up-to-date = À jour
admin-state-behind = { $count ->
    [one] En retard ({ $count } modification)
    [many] En retard ({ $count } de modifications)
   *[other] En retard ({ $count } modifications)
}
admin-state-unsynced = { $count ->
    [one] En ligne, { $count } modification à envoyer
    [many] En ligne, { $count } de modifications à envoyer
   *[other] En ligne, { $count } modifications à envoyer
}
admin-state-offline-since = Hors ligne depuis le
admin-state-never-connected = Jamais connecté
admin-state-pending = En attente d’inscription
admin-state-revoked = Accès révoqué
admin-outbox-empty = rien
admin-outbox-changes = { $count ->
    [one] { $count } modification
    [many] { $count } de modifications
   *[other] { $count } modifications
}
admin-outbox-oldest = la plus ancienne :
admin-size-units = o Ko Mo Go
admin-ago-seconds = { $count ->
    [one] il y a { $count } seconde
    [many] il y a { $count } de secondes
   *[other] il y a { $count } secondes
}
admin-ago-minutes = { $count ->
    [one] il y a { $count } minute
    [many] il y a { $count } de minutes
   *[other] il y a { $count } minutes
}
admin-ago-hours = { $count ->
    [one] il y a { $count } heure
    [many] il y a { $count } d’heures
   *[other] il y a { $count } heures
}
admin-ago-days = { $count ->
    [one] il y a { $count } jour
    [many] il y a { $count } de jours
   *[other] il y a { $count } jours
}

## Un poste

admin-node-title = Poste
admin-node-unknown-title = Poste inconnu
admin-node-unknown = Ce poste n’existe pas.
admin-node-back = Tous les postes
admin-node-clinic = Clinique
admin-node-number = Préfixe des tickets
admin-node-id = Identifiant du poste
admin-node-access = Accès
admin-node-chain = Chaîne des tickets
admin-chain-intact = intacte : { $count } tickets, { $first } … { $last }
admin-chain-none = aucun ticket chaîné pour l’instant
admin-chain-broken = ROMPUE à { $receipt } ({ $kind })
admin-access-pending = en attente d’inscription
admin-access-active = actif
admin-access-revoked = révoqué
admin-node-enrolled-name = Nom qu’il s’est donné
admin-node-enrolled-at = Inscrit le
admin-node-lag = { $count ->
    [one] { $count } modification de retard
    [many] { $count } de modifications de retard
   *[other] { $count } modifications de retard
}
admin-sessions-title = Sessions de synchronisation récentes
admin-sessions-none = Aucune session de synchronisation pour l’instant.
admin-session-started = Début
admin-session-ended = Fin
admin-session-open = toujours connecté
admin-session-frames = Messages reçus / envoyés
admin-session-bytes = Données reçues / envoyées
admin-session-docs = Documents reçus / envoyés
admin-session-close = Code de fermeture
admin-session-error = Erreur

## Stockage et base de données

admin-health-title = Stockage et base de données
admin-health-database = Base de données
admin-health-reachable = Répond
admin-health-migrations = Schéma
admin-health-migrations-ok = à jour
admin-health-migrations-missing = migrations non exécutées
admin-health-backend = Type
admin-health-backend-postgres = PostgreSQL, partagée par toutes les instances du hub
admin-health-backend-sqlite = Fichier SQLite intégré
admin-health-size = Taille sur le disque
admin-health-clinics = Cliniques
admin-health-nodes = Postes de travail
admin-health-docs = Nombre de documents
admin-health-doc-bytes = Volume des documents
admin-health-sessions = Sessions de synchronisation enregistrées
admin-health-admins = Administrateurs du hub
admin-health-storage = Stockage des photos
admin-health-blob-dir = Emplacement
admin-health-writable = Accessible en écriture

## Jobs

admin-nav-jobs = Tâches
admin-jobs-title = Tâches de fond
admin-jobs-open = En attente, en cours et en échec
admin-jobs-done = Terminées récemment
admin-jobs-none = Aucune.
admin-job-state-pending = en attente
admin-job-state-running = en cours
admin-job-state-failed = en échec, sera relancée
admin-job-state-dead = en échec définitif
admin-job-state-done = terminée
admin-job-col-id = Tâche
admin-job-col-kind = Type
admin-job-col-state = État
admin-job-col-attempts = Essais
admin-job-col-when = Quand
admin-job-col-error = Dernière erreur
admin-job-kind-thumbnail = Miniatures de photo
admin-job-kind-webhook = Envoi de webhook
admin-job-attempts = { $count } sur { $max }
admin-job-next = prochain essai { $when }
admin-job-heartbeat = active à { $when }
admin-job-retry = Relancer
admin-job-unknown = Cette tâche n’existe pas.
admin-job-not-retryable = Seule une tâche en échec peut être relancée ; celle-ci attend, tourne ou est terminée.

## Comment chaque poste joint le hub (selon sa dernière connexion).
admin-node-link = Liaison avec le hub
admin-link-tls = Chiffrée (TLS)
admin-link-loopback-http = http en clair sur la machine même du hub
admin-link-insecure-http = Non chiffrée : http en clair sur le réseau
admin-link-unknown = Non indiquée (ancienne version de l’application)
admin-insecure-badge = liaison non sécurisée

# An admin limited to clinics asked for a page about the whole hub (health, jobs).
admin-forbidden-title = Pas pour ce compte
admin-forbidden-hub-wide = Cette page concerne tout le hub ; votre compte est limité à certaines cliniques.

# Single sign-on through the OpenID Provider (the sign-in page).
admin-login-sso = Se connecter par authentification unique
admin-login-sso-failed = L'authentification unique n'a pas abouti. Réessayez.
admin-login-sso-unknown = Aucun compte administrateur du hub ne correspond à cette identité. Demandez à un administrateur de vous ajouter.
admin-login-sso-unavailable = Le fournisseur d'identité est injoignable. Réessayez plus tard ou connectez-vous avec votre mot de passe.
admin-login-sso-continue = Continuer vers le hub

# /admin/audit
admin-nav-audit = Journal
admin-audit-title = Journal d’audit
admin-audit-intro = Qui a fait quoi sur les postes des cliniques : consultations de dossiers, modifications, signatures, exports, connexions et échecs de connexion. Les entrées ne contiennent que des identifiants, jamais de contenu clinique, et ne peuvent pas être modifiées.
admin-audit-none = Aucune entrée ne correspond.
admin-audit-col-when = Quand
admin-audit-col-node = Poste
admin-audit-col-user = Utilisateur
admin-audit-col-action = Opération
admin-audit-col-target = Objet
admin-audit-filter-clinic = Clinique
admin-audit-all-clinics = Toutes les cliniques
admin-audit-filter-user = Utilisateur
admin-audit-filter-patient = Id du patient
admin-audit-filter-from = Du
admin-audit-filter-to = Au
admin-audit-filter-submit = Afficher
admin-audit-older = Entrées plus anciennes
admin-audit-bad-filter = invalide (dates AAAA-MM-JJ, identifiants UUID)
admin-audit-patient-trail = journal du patient
admin-audit-action-view = Consulté
admin-audit-action-create = Créé
admin-audit-action-update = Modifié
admin-audit-action-sign = Signé
admin-audit-action-addendum = Ajout au dossier signé
admin-audit-action-print = Imprimé
admin-audit-action-export = Exporté
admin-audit-action-erase = Effacé
admin-audit-action-sign-in = Connexion
admin-audit-action-sign-in-failed = Échec de connexion
admin-audit-action-backup = Sauvegardé
admin-audit-action-override-allergy = Prescrit malgré une allergie
admin-audit-action-merge = Fusionné
