### Le journal des ventes dans la fenêtre : chaque vente, remboursement et annulation, une
### vente ouverte, réimprimée, remboursée ou annulée. $receipt est un numéro de ticket
### comme N1-000123 ; les montants ($amount) arrivent formatés avec leur devise.

gui-nav-journal = Journal des ventes
gui-journal-title = Journal des ventes

## Rechercher

gui-journal-search = Rechercher
gui-journal-receipt = N° de ticket
gui-journal-receipt-hint = Un numéro de ticket entier (N1-000123), son début, ou seulement son numéro (123)
gui-journal-receipt-all-dates = Les numéros de ticket sont cherchés sur toutes les dates.
gui-journal-patient = Patient(e)
gui-journal-patient-hint = Nom ou n° de dossier médical
gui-journal-product = Produit
gui-journal-product-hint = Nom, référence ou code-barres
gui-journal-from = Du
gui-journal-to = Au
gui-journal-today = Aujourd’hui
gui-journal-all-dates = Toutes les dates
gui-journal-clear = Effacer la recherche
gui-field-from = Du
gui-field-to = Au

## Totaux de ce qui a été trouvé. $day, $from et $to sont des dates.

gui-journal-totals-day = Totaux du { $day }
gui-journal-totals-days = Totaux du { $from } au { $to }
gui-journal-totals-since = Totaux depuis le { $from }
gui-journal-totals-until = Totaux jusqu’au { $to }
gui-journal-totals-all = Totaux de toutes les dates
gui-journal-totals-found = Totaux des tickets trouvés
gui-journal-count = Nombre
gui-journal-amount = Montant
gui-journal-sales = Ventes
gui-journal-refunds = Remboursements
gui-journal-voids = Annulations
gui-journal-net = Solde net
gui-journal-by-method = Par moyen de paiement

## Le tableau

gui-journal-col-receipt = Ticket
gui-journal-col-when = Date et heure
gui-journal-col-cashier = Caissier
gui-journal-col-patient = Patient(e)
gui-journal-col-items = Articles
gui-journal-col-payment = Paiement
gui-journal-col-total = Montant
gui-journal-col-status = Statut
gui-journal-status-sale = Vente
gui-journal-status-partly-refunded = Remboursée en partie
gui-journal-status-refunded = Remboursée
gui-journal-status-voided = Annulée
gui-journal-status-refund = Remboursement de { $receipt }
gui-journal-status-void = Annulation de { $receipt }
gui-journal-empty = Aucune vente, aucun remboursement ni aucune annulation ne correspond.
# $first, $last et $total sont des nombres : les lignes affichées et combien ont été trouvées.
gui-journal-range = { $first }–{ $last } sur { $total }
gui-journal-previous = Précédents
gui-journal-next = Suivants

## Une ligne ouverte

gui-journal-back = Retour au journal
gui-journal-sale-title = Vente { $receipt }
gui-journal-refund-title = Remboursement { $receipt }
gui-journal-void-title = Annulation { $receipt }
gui-journal-cashier = Caissier : { $name }
# $mrn est le n° de dossier médical du patient.
gui-journal-patient-line = Patient(e) : { $name } ({ $mrn })
gui-journal-reverses = Annule la vente
gui-journal-reason = Motif : { $reason }
gui-journal-col-product = Produit
gui-journal-col-sku = Référence
gui-journal-col-qty = Quantité
gui-journal-col-unit = Prix unitaire
gui-journal-col-discount = Remise
gui-journal-col-tax = Taux de taxe
gui-journal-col-line-total = Total de la ligne
gui-journal-col-refunded = Remboursé
# $rate est un pourcentage comme 20 % ; $amount le prix qui inclut la taxe.
gui-journal-tax-rate = Taxe { $rate } incluse dans { $amount }
gui-journal-change = Monnaie rendue
gui-journal-chain-title = Chaîne des tickets
gui-journal-chain-intact = Intact : son contenu correspond à son empreinte et il suit { $previous }.
gui-journal-chain-intact-first = Intact : son contenu correspond à son empreinte et il ouvre la chaîne de ce poste.
gui-journal-chain-edited = Modifié : son contenu ne correspond pas à son empreinte.
gui-journal-chain-missing = Le ticket qui le précède n’est pas sur ce poste (pas encore synchronisé, ou supprimé).
gui-journal-chain-reordered = Hors d’ordre : il ne suit pas le ticket qui le précède.
gui-journal-chain-unchained = Écrit avant le chaînage des tickets : rien à vérifier.
gui-journal-reversals = Remboursements et annulations
gui-journal-reversals-none = Rien n’a été remboursé ni annulé.
gui-journal-col-kind = Type
gui-journal-col-reason = Motif
gui-journal-kind-refund = Remboursement
gui-journal-kind-void = Annulation

## Impression. $path est l’endroit où le fichier a été enregistré.

gui-journal-print = Imprimer le ticket
gui-journal-print-entry = Imprimer le ticket { $receipt }
gui-journal-save-text = Enregistrer en texte
gui-journal-save-text-hint = 48 colonnes, pour les imprimantes de tickets de 80 mm
gui-journal-printed = Le ticket { $receipt } est ouvert dans votre lecteur PDF. Enregistré sous { $path }
gui-journal-printed-not-opened = Aucun lecteur PDF n’a ouvert le ticket { $receipt }. Il est enregistré sous { $path }
gui-journal-saved-text = Ticket { $receipt } enregistré en texte (48 colonnes) : { $path }
gui-error-unwritable = Le fichier n’a pas pu être écrit. Vérifiez que le dossier des données est accessible en écriture et a de la place.

## Remboursements et annulations

gui-journal-refund = Rembourser des articles…
gui-journal-void = Annuler la vente…
gui-journal-refund-voided = Cette vente a été annulée : il ne reste rien à rembourser.
gui-journal-refund-nothing-left = Tout ce qui a été vendu a été remboursé.
gui-journal-void-voided = Cette vente est déjà annulée.
gui-journal-void-refunded = Une partie de cette vente a été remboursée : remboursez le reste au lieu de l’annuler.
gui-journal-refund-dialog-title = Rembourser des articles de la vente { $receipt }
gui-journal-col-sold = Vendus
gui-journal-col-left = Remboursables
gui-journal-col-refund = Rembourser
gui-journal-refund-all = Tout ce qui reste
gui-journal-refund-method = Rembourser en
# $method est un moyen de paiement (Espèces, Carte, Autre).
gui-journal-refund-explain = { $amount } est rendu en { $method } et les articles reviennent en stock. La vente { $receipt } reste dans le journal, avec le remboursement à côté.
gui-journal-refund-none = Choisissez combien de chaque article rembourser.
gui-journal-refund-confirm = Rembourser { $amount }
gui-journal-void-dialog-title = Annuler la vente { $receipt } ?
# $payments liste les paiements, par exemple « Carte 20,00 €, Espèces 25,00 € ».
gui-journal-void-explain = Toute la vente est annulée : { $amount } est rendu ({ $payments }) et chaque article revient en stock. La vente { $receipt } reste dans le journal, marquée annulée, avec l’annulation à côté.
gui-journal-void-confirm = Confirmer l’annulation
gui-journal-reason-hint = Pourquoi ? Enregistré avec l’opération et dans le journal d’audit.
gui-journal-refund-done = Remboursement { $receipt } enregistré.
gui-journal-void-done = Annulation { $receipt } enregistrée.
