### Erreurs de validation. $field est le libellé du champ, déjà traduit.

error-required = Le champ « { $field } » est obligatoire.
error-too-long =
    Le champ « { $field } » ne doit pas dépasser { $max } { $max ->
        [one] caractère
       *[other] caractères
    }.
error-invalid-chars = Le champ « { $field } » contient des caractères non autorisés.
error-invalid-date = Le champ « { $field } » ne contient pas une date valide.
error-date-in-future = La date du champ « { $field } » ne peut pas être dans le futur.
error-date-too-old = La date du champ « { $field } » est trop ancienne.
error-invalid-email = Le champ « { $field } » ne contient pas une adresse e-mail valide.
error-invalid-phone = Le champ « { $field } » ne contient pas un numéro de téléphone valide.
error-invalid-sex = Champ « { $field } » : choisissez l’une des valeurs proposées.
error-invalid-amount = Le champ « { $field } » ne contient pas un montant valide.
error-invalid-currency = Champ « { $field } » : code de devise inconnu.
error-currency-mismatch = Champ « { $field } » : la devise diffère de celle du reste de la vente.
error-negative-amount = Le champ « { $field } » ne peut pas être négatif.
error-invalid-sku = Le champ « { $field } » ne contient pas une référence valide.
error-duplicate-sku = Champ « { $field } » : cette valeur est déjà utilisée par un autre produit.
error-unknown-sku = Champ « { $field } » : aucun produit ne porte cette référence.
error-inactive-product = Champ « { $field } » : ce produit n’est plus vendu.
error-invalid-quantity = Le champ « { $field } » doit être au moins égal à { $min }.
error-invalid-icd10 = Le champ « { $field } » ne contient pas un code CIM-10 valide.
error-unknown-patient = Champ « { $field } » : patient introuvable.
error-unknown-encounter = Champ « { $field } » : consultation introuvable.
error-encounter-signed = Le champ « { $field } » ne peut pas être modifié : la consultation est signée. Ajoutez un addendum.
error-insufficient-payment = Champ « { $field } » : le paiement ne couvre pas le total.
error-change-without-cash = Champ « { $field } » : la monnaie ne peut être rendue que pour un paiement en espèces.
error-invalid-payment-method = Champ « { $field } » : moyen de paiement non valide.
error-invalid-body-part = Champ « { $field } » : région du corps non valide.
error-invalid-role = Champ « { $field } » : rôle non valide.
error-invalid-locale = Champ « { $field } » : langue non prise en charge.
error-invalid-tax-rate = Champ « { $field } » : taux de taxe non valide.
error-invalid-barcode = Le champ « { $field } » ne contient pas un code-barres valide.
error-invalid-time-range = Champ « { $field } » : la fin doit être postérieure au début.
error-invalid-status = Champ « { $field } » : statut non valide.
error-invalid-id = Le champ « { $field } » ne contient pas un identifiant valide.
error-invalid-username = Le champ « { $field } » ne peut contenir que des lettres, des chiffres, des points, des tirets et des tirets bas.
error-weak-password =
    Le champ « { $field } » doit contenir au moins { $min } { $min ->
        [one] caractère
       *[other] caractères
    }.
error-duplicate-username = Champ « { $field } » : ce nom est déjà pris.
error-discount-too-large = Champ « { $field } » : la remise ne peut pas dépasser le prix.
error-empty-cart = Champ « { $field } » : le panier est vide.
error-invalid-mime = Champ « { $field } » : ce type de fichier n’est pas pris en charge.
error-file-too-large = Champ « { $field } » : fichier trop volumineux (maximum { $max }).
error-unknown-product = Champ « { $field } » : produit introuvable.
error-unknown-sale = Champ « { $field } » : vente introuvable.
error-already-voided = Champ « { $field } » : cette vente a déjà été annulée.
error-refund-exceeds-sale = Champ « { $field } » : le remboursement dépasse le montant de la vente.
error-shift-open = Champ « { $field } » : une session de caisse est déjà ouverte sur ce poste ; fermez-la d’abord.
error-no-open-shift = Champ « { $field } » : aucune session de caisse n’est ouverte sur ce poste ; ouvrez-en une d’abord.
error-chain-broken = Champ « { $field } » : la chaîne des tickets est rompue ici.
error-permission-denied = Champ « { $field } » : vous n’avez pas l’autorisation de faire cela.
error-allergies-listed = Champ « { $field } » : des allergies sont enregistrées pour ce patient ; supprimez-les avant d’indiquer « aucune allergie connue ».
error-allergy-conflict = Champ « { $field } » : le médicament correspond à une allergie du patient.
error-invalid-transition = Champ « { $field } » : ce changement de statut n’est pas permis.
error-already-merged = Champ « { $field } » : le dossier a déjà été fusionné.
