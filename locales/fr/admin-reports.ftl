# /admin/reports : ventes, stock, consultations et nouveaux patients d'une clinique sur une période.
admin-nav-reports = Rapports
admin-reports-title = Rapports de la clinique
admin-reports-intro = Ventes, stock, consultations et nouveaux patients d'une clinique sur une période. Les jours sont des jours UTC ; chaque montant est dans la devise où il a été encaissé.
admin-reports-clinic = Clinique
admin-reports-from = Du
admin-reports-to = Au
admin-reports-preset = Période
admin-reports-show = Afficher le rapport
admin-reports-presets = Périodes rapides :
admin-reports-preset-today = Aujourd'hui
admin-reports-preset-this-week = Cette semaine
admin-reports-preset-this-month = Ce mois-ci
admin-reports-preset-last-month = Le mois dernier
admin-reports-period = Du { $from } au { $to } : { $count ->
    [one] { $count } jour
   *[other] { $count } jours
}
admin-reports-no-clinics = Aucune clinique ne vous est encore visible.
admin-reports-no-clinic = Cette clinique n'existe pas.
admin-reports-no-report = Ce rapport n'existe pas.
admin-reports-error-not-a-date = saisissez la date au format AAAA-MM-JJ.
admin-reports-error-reversed = la période se termine avant de commencer.
admin-reports-error-too-long = { $count ->
    [one] un rapport couvre au plus { $count } jour.
   *[other] un rapport couvre au plus { $count } jours.
}
admin-reports-error-unknown-preset = cette période n'existe pas.
admin-reports-csv = Télécharger en CSV
admin-reports-sales = Ventes par jour
admin-reports-methods = Ventes par moyen de paiement
admin-reports-tax = Ventes par taux de TVA
admin-reports-stock = Valorisation du stock
admin-reports-visits = Consultations par praticien
admin-reports-patients = Nouveaux patients
admin-reports-col-date = Jour
admin-reports-col-sales = Ventes
admin-reports-col-refunds = Remboursements
admin-reports-col-voids = Annulations
admin-reports-col-gross = Ventes brutes
admin-reports-col-refunded = Remboursé
admin-reports-col-voided = Annulé
admin-reports-col-net = Encaissement net
admin-reports-col-tax = TVA
admin-reports-col-currency = Devise
admin-reports-col-method = Moyen de paiement
admin-reports-col-rate = Taux de TVA
admin-reports-col-taxable = Base imposable
admin-reports-col-sku = Référence
admin-reports-col-product = Produit
admin-reports-col-on-hand = En stock
admin-reports-col-unit-price = Prix unitaire
admin-reports-col-value = Valeur du stock
admin-reports-col-clinician = Praticien
admin-reports-col-visits = Consultations
admin-reports-col-signed = Signées
admin-reports-col-new-patients = Nouveaux patients
admin-reports-total = Total de la période
admin-reports-below-zero = sous zéro
admin-reports-no-price = sans prix
admin-reports-stock-note = Valorisé aux prix de vente du jour (aucun coût d'achat n'est conservé). Le stock sous zéro est listé mais jamais compté comme valeur.
admin-reports-empty = Rien sur cette période.
admin-reports-method-cash = Espèces
admin-reports-method-card = Carte
admin-reports-method-other = Autre
admin-reports-chart-net = Encaissement net par jour
admin-reports-chart-methods = Encaissement net par moyen de paiement
admin-reports-chart-stock = Valeur du stock des produits les plus précieux
admin-reports-chart-visits = Consultations par praticien
admin-reports-chart-patients = Nouveaux patients par jour
admin-reports-unknown-clinician = Aucun praticien indiqué
