//! Does a drug match one of a patient's allergies? The substance itself, or a member of
//! a class the allergy names ("Aminoglycosides" catches "Neomycin 0.5% cream") or shares
//! with a cross-reactive substance (an allergy to amoxicillin catches penicillin V).
//!
//! The table is pure data, chosen for a dermatology practice: the antibiotics, local
//! anaesthetics, NSAIDs, antifungals and steroids it prescribes, and the contact
//! allergens of its creams (fragrance, parabens, preservatives, lanolin). It warns; it
//! does not replace a pharmacist. Names are compared by a spelling skeleton (see
//! [`skeleton`]) so case, accents, strength ("0.5%", "500 mg"), plurals and the usual
//! European spellings ("pénicilline", "neomicina", "cefalexin") all match.

use serde::Serialize;

use crate::text::fold;

/// A group of substances that an allergy can name as a whole.
#[derive(Debug)]
pub struct DrugClass {
    /// The class as a message names it.
    pub name: &'static str,
    /// What an allergy may call the class (besides its name).
    pub aliases: &'static [&'static str],
    pub members: &'static [&'static str],
    /// Whether an allergy to one member is treated as an allergy to the others.
    pub cross_reactive: bool,
}

/// The classes. Brand names that are one substance are listed as members.
pub const CLASSES: &[DrugClass] = &[
    DrugClass {
        name: "penicillins",
        aliases: &["penicillin", "beta-lactams"],
        members: &[
            "penicillin",
            "benzylpenicillin",
            "phenoxymethylpenicillin",
            "amoxicillin",
            "amoxycillin",
            "ampicillin",
            "flucloxacillin",
            "cloxacillin",
            "dicloxacillin",
            "oxacillin",
            "nafcillin",
            "piperacillin",
            "co-amoxiclav",
            "amoxiclav",
            "augmentin",
        ],
        cross_reactive: true,
    },
    DrugClass {
        name: "cephalosporins",
        aliases: &["cephalosporin"],
        members: &[
            "cephalexin",
            "cefadroxil",
            "cefuroxime",
            "ceftriaxone",
            "cefazolin",
            "cefixime",
            "cefdinir",
            "cefpodoxime",
            "cefaclor",
            "cefprozil",
            "keflex",
        ],
        cross_reactive: true,
    },
    DrugClass {
        name: "aminoglycosides",
        aliases: &["aminoglycoside"],
        members: &[
            "neomycin",
            "framycetin",
            "gentamicin",
            "tobramycin",
            "amikacin",
            "kanamycin",
            "streptomycin",
            "paromomycin",
            "neosporin",
        ],
        cross_reactive: true,
    },
    DrugClass {
        name: "sulfonamides",
        aliases: &["sulfonamide", "sulfa", "sulfa drugs", "sulpha"],
        members: &[
            "sulfamethoxazole",
            "sulfadiazine",
            "sulfacetamide",
            "sulfasalazine",
            "co-trimoxazole",
            "cotrimoxazole",
            "bactrim",
            "septrin",
            "dapsone",
        ],
        cross_reactive: true,
    },
    DrugClass {
        name: "tetracyclines",
        aliases: &["tetracycline"],
        members: &[
            "tetracycline",
            "doxycycline",
            "minocycline",
            "lymecycline",
            "oxytetracycline",
            "sarecycline",
        ],
        cross_reactive: true,
    },
    DrugClass {
        name: "macrolides",
        aliases: &["macrolide"],
        members: &["erythromycin", "azithromycin", "clarithromycin"],
        cross_reactive: true,
    },
    DrugClass {
        name: "fluoroquinolones",
        aliases: &["fluoroquinolone", "quinolones", "quinolone"],
        members: &["ciprofloxacin", "levofloxacin", "moxifloxacin", "ofloxacin"],
        cross_reactive: true,
    },
    DrugClass {
        name: "NSAIDs",
        aliases: &["nsaid", "non-steroidal anti-inflammatory drugs"],
        members: &[
            "aspirin",
            "acetylsalicylic acid",
            "ibuprofen",
            "naproxen",
            "diclofenac",
            "ketoprofen",
            "indomethacin",
            "celecoxib",
            "meloxicam",
            "piroxicam",
            "ketorolac",
            "advil",
            "nurofen",
            "voltaren",
        ],
        cross_reactive: true,
    },
    DrugClass {
        name: "local anaesthetics",
        aliases: &["local anesthetics", "local anaesthetic", "local anesthetic"],
        members: &[
            "lidocaine",
            "lignocaine",
            "prilocaine",
            "bupivacaine",
            "mepivacaine",
            "articaine",
            "ropivacaine",
            "benzocaine",
            "procaine",
            "tetracaine",
            "amethocaine",
            "chloroprocaine",
            "emla",
        ],
        // Esters and amides do not cross-react with each other: the sub-classes below
        // carry the cross-reactivity.
        cross_reactive: false,
    },
    DrugClass {
        name: "ester local anaesthetics",
        aliases: &["ester anaesthetics", "ester anesthetics"],
        members: &[
            "benzocaine",
            "procaine",
            "tetracaine",
            "amethocaine",
            "chloroprocaine",
        ],
        cross_reactive: true,
    },
    DrugClass {
        name: "amide local anaesthetics",
        aliases: &["amide anaesthetics", "amide anesthetics"],
        members: &[
            "lidocaine",
            "lignocaine",
            "prilocaine",
            "bupivacaine",
            "mepivacaine",
            "articaine",
            "ropivacaine",
            "emla",
        ],
        cross_reactive: false,
    },
    DrugClass {
        name: "azole antifungals",
        aliases: &["azoles", "imidazoles", "imidazole antifungals"],
        members: &[
            "clotrimazole",
            "miconazole",
            "ketoconazole",
            "econazole",
            "bifonazole",
            "sertaconazole",
            "tioconazole",
            "oxiconazole",
            "sulconazole",
        ],
        cross_reactive: true,
    },
    DrugClass {
        name: "corticosteroids",
        aliases: &["corticosteroid", "steroids", "topical steroids"],
        members: &[
            "hydrocortisone",
            "betamethasone",
            "clobetasol",
            "clobetasone",
            "triamcinolone",
            "mometasone",
            "fluocinonide",
            "fluocinolone",
            "budesonide",
            "tixocortol",
            "methylprednisolone",
            "prednisolone",
            "prednisone",
            "desonide",
            "fluticasone",
        ],
        // Steroid contact allergy follows structural groups, not the whole class.
        cross_reactive: false,
    },
    DrugClass {
        name: "fragrance",
        aliases: &["fragrances", "fragrance mix", "perfume", "parfum"],
        members: &[
            "fragrance",
            "parfum",
            "perfume",
            "balsam of peru",
            "peru balsam",
            "myroxylon pereirae",
            "cinnamal",
            "cinnamic aldehyde",
            "eugenol",
            "isoeugenol",
            "geraniol",
            "hydroxycitronellal",
            "oakmoss",
            "evernia prunastri",
            "linalool",
            "limonene",
            "citral",
            "coumarin",
        ],
        cross_reactive: true,
    },
    DrugClass {
        name: "parabens",
        aliases: &["paraben"],
        members: &[
            "methylparaben",
            "ethylparaben",
            "propylparaben",
            "butylparaben",
            "paraben",
        ],
        cross_reactive: true,
    },
    DrugClass {
        name: "formaldehyde releasers",
        aliases: &["formaldehyde"],
        members: &[
            "formaldehyde",
            "quaternium-15",
            "dmdm hydantoin",
            "imidazolidinyl urea",
            "diazolidinyl urea",
            "bronopol",
        ],
        cross_reactive: true,
    },
    DrugClass {
        name: "isothiazolinones",
        aliases: &["isothiazolinone", "kathon"],
        members: &[
            "methylisothiazolinone",
            "methylchloroisothiazolinone",
            "benzisothiazolinone",
            "octylisothiazolinone",
        ],
        cross_reactive: true,
    },
    DrugClass {
        name: "lanolin",
        aliases: &["wool alcohols", "wool fat", "wool wax"],
        members: &["lanolin", "wool alcohols", "wool wax", "adeps lanae"],
        cross_reactive: true,
    },
];

/// The spelling skeleton of one word: folded (case, accents), `y`→`i`, `ph`→`f`, doubled
/// letters single, and a final plural `s` then a final `e` or `a` dropped. So
/// "Pénicillines", "penicilina" and "penicillin" share one skeleton, as do "sulpha" and
/// "sulfa", "cephalexin" and "cefalexin", "neomicina" and "neomycin".
pub fn skeleton(word: &str) -> String {
    let folded = fold(word).replace('y', "i").replace("ph", "f");
    let mut out = String::with_capacity(folded.len());
    for c in folded.chars() {
        if out.ends_with(c) {
            continue;
        }
        out.push(c);
    }
    if out.len() > 3 && out.ends_with('s') {
        out.pop();
    }
    if out.len() > 3 && (out.ends_with('e') || out.ends_with('a')) {
        out.pop();
    }
    out
}

/// The skeletons of a text's words: letters only, so a strength ("0.5%", "500mg")
/// or a slash ("sulfamethoxazole/trimethoprim") separates words and is otherwise ignored.
pub fn skeletons(text: &str) -> Vec<String> {
    fold(text)
        .split(|c: char| !c.is_alphabetic())
        .filter(|w| !w.is_empty())
        .map(skeleton)
        .collect()
}

/// Whether `phrase`'s words appear, in order and next to each other, in `words`.
fn contains_phrase(words: &[String], phrase: &[String]) -> bool {
    !phrase.is_empty() && words.windows(phrase.len()).any(|w| w == phrase)
}

fn mentions(words: &[String], name: &str) -> bool {
    contains_phrase(words, &skeletons(name))
}

/// Why a drug matches an allergy.
#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum MatchReason {
    /// The drug contains the substance the allergy names.
    Substance { substance: String },
    /// The drug contains a member of the class the allergy names.
    Class {
        class: &'static str,
        member: &'static str,
    },
    /// The drug and the allergy's substance are members of one cross-reactive class.
    CrossReactive {
        class: &'static str,
        member: &'static str,
    },
}

/// A drug that one allergy warns about.
#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
pub struct AllergyMatch {
    /// The allergy as recorded on the patient.
    pub allergy: String,
    pub reason: MatchReason,
}

impl AllergyMatch {
    /// The warning, naming the allergy.
    pub fn message(&self, drug: &str) -> String {
        let drug = drug.trim();
        match &self.reason {
            MatchReason::Substance { substance } => format!(
                "the patient is allergic to {}: {drug:?} contains {substance}",
                self.allergy
            ),
            MatchReason::Class { class, member } => format!(
                "the patient is allergic to {}: {drug:?} contains {member}, one of the {class}",
                self.allergy
            ),
            MatchReason::CrossReactive { class, member } => format!(
                "the patient is allergic to {}: {drug:?} contains {member}, which cross-reacts (both are {class})",
                self.allergy
            ),
        }
    }
}

/// The first way `drug` matches `allergy`, if any.
pub fn match_allergy(allergy: &str, drug: &str) -> Option<AllergyMatch> {
    let drug_words = skeletons(drug);
    let allergy_words = skeletons(allergy);
    if drug_words.is_empty() || allergy_words.is_empty() {
        return None;
    }
    let found = |reason| {
        Some(AllergyMatch {
            allergy: allergy.trim().to_owned(),
            reason,
        })
    };
    // The allergy's words in the drug: "Neomycin" in "Neomycin 0.5% cream", and any
    // substance the table does not know ("Tea tree oil" in "Tea tree oil 5% gel").
    if contains_phrase(&drug_words, &allergy_words) {
        return found(MatchReason::Substance {
            substance: allergy.trim().to_owned(),
        });
    }
    for class in CLASSES {
        let names_class = mentions(&allergy_words, class.name)
            || class.aliases.iter().any(|a| mentions(&allergy_words, a));
        let allergic_member =
            class.cross_reactive && class.members.iter().any(|m| mentions(&allergy_words, m));
        if !names_class && !allergic_member {
            continue;
        }
        if let Some(member) = class.members.iter().find(|m| mentions(&drug_words, m)) {
            return found(if names_class {
                MatchReason::Class {
                    class: class.name,
                    member,
                }
            } else {
                MatchReason::CrossReactive {
                    class: class.name,
                    member,
                }
            });
        }
    }
    None
}

/// Every allergy of `allergies` that `drug` matches, in their order.
pub fn check_drug<'a>(
    allergies: impl IntoIterator<Item = &'a str>,
    drug: &str,
) -> Vec<AllergyMatch> {
    allergies
        .into_iter()
        .filter_map(|a| match_allergy(a, drug))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn reason(allergy: &str, drug: &str) -> Option<MatchReason> {
        match_allergy(allergy, drug).map(|m| m.reason)
    }

    #[test]
    fn a_class_catches_its_members_whatever_the_strength_and_form() {
        assert_eq!(
            reason("Aminoglycosides", "Neomycin 0.5% cream"),
            Some(MatchReason::Class {
                class: "aminoglycosides",
                member: "neomycin"
            })
        );
        assert!(reason("penicillins", "Amoxicillin 500mg caps").is_some());
        assert!(reason("Sulfa drugs", "Bactrim DS (sulfamethoxazole/trimethoprim)").is_some());
        assert!(reason("sulpha", "Silver sulfadiazine 1% cream").is_some());
        assert!(reason("NSAIDs", "Ibuprofen 400 mg").is_some());
        assert!(reason("Local anaesthetics", "EMLA 5% cream").is_some());
        assert!(reason("Cephalosporins", "Cefalexin 500 mg").is_some());
        assert!(reason("Fragrance mix", "Emollient with parfum").is_some());
        assert!(reason("parabens", "Cream (methylparaben, propylparaben)").is_some());
    }

    #[test]
    fn the_substance_itself_matches_in_any_case_accent_or_spelling() {
        for (allergy, drug) in [
            ("Neomycin", "NEOMYCIN 0.5% CREAM"),
            ("Pénicilline", "Penicillin V 250 mg"),
            ("neomicina", "Neomycin sulfate"),
            ("Tea tree oil", "Tea-tree oil 5% gel"),
            ("Chlorhexidine", "chlorhexidine 0.05% wash"),
        ] {
            assert!(
                reason(allergy, drug).is_some(),
                "{allergy} should match {drug}"
            );
        }
    }

    #[test]
    fn cross_reactive_members_match_and_unrelated_drugs_do_not() {
        assert_eq!(
            reason("Amoxicillin (hives)", "Flucloxacillin 500 mg"),
            Some(MatchReason::CrossReactive {
                class: "penicillins",
                member: "flucloxacillin"
            })
        );
        assert!(reason("Gentamicin", "Neomycin cream").is_some());
        // Amides do not cross-react with each other the way esters do.
        assert_eq!(reason("Lidocaine", "Prilocaine 2%"), None);
        assert!(reason("Benzocaine", "Tetracaine gel").is_some());
        assert_eq!(reason("Penicillin", "Doxycycline 100 mg"), None);
        assert_eq!(reason("Aminoglycosides", "Mupirocin 2% ointment"), None);
        assert_eq!(reason("Latex", "Hydrocortisone 1% cream"), None);
        assert_eq!(reason("", "Hydrocortisone"), None);
    }

    #[test]
    fn the_message_names_the_allergy() {
        let m = match_allergy("Aminoglycosides", "Neomycin 0.5% cream").expect("match");
        assert!(
            m.message("Neomycin 0.5% cream").contains("Aminoglycosides"),
            "{}",
            m.message("x")
        );
        let all = check_drug(["Latex", "Penicillin"], "Amoxicillin");
        assert_eq!(all.len(), 1);
        assert_eq!(all[0].allergy, "Penicillin");
    }

    #[test]
    fn every_table_name_reads_as_words() {
        for class in CLASSES {
            assert!(!skeletons(class.name).is_empty(), "{}", class.name);
            for m in class.members.iter().chain(class.aliases) {
                assert!(!skeletons(m).is_empty(), "{m}");
            }
        }
    }

    fn accented(s: &str, upper: bool) -> String {
        s.chars()
            .map(|c| {
                let c = match c {
                    'e' => 'é',
                    'a' => 'à',
                    'o' => 'ô',
                    other => other,
                };
                if upper {
                    c.to_uppercase().next().unwrap_or(c)
                } else {
                    c
                }
            })
            .collect()
    }

    proptest! {
        #[test]
        fn every_member_matches_its_class_in_any_case_accents_and_strength(
            class_ix in 0..CLASSES.len(),
            member_seed in any::<usize>(),
            upper in any::<bool>(),
            strength in 0u32..1000,
            form in prop::sample::select(vec!["cream", "mg tablets", "% ointment", "gel"]),
        ) {
            let class = &CLASSES[class_ix];
            let member = class.members[member_seed % class.members.len()];
            let drug = format!("{} {strength}{form}", accented(member, upper));
            prop_assert!(match_allergy(class.name, &drug).is_some(), "{} / {}", class.name, drug);
            prop_assert!(match_allergy(&accented(member, !upper), &drug).is_some(), "{} / {}", member, drug);
        }

        #[test]
        fn skeletons_ignore_case_and_accents(word in "[a-z]{1,12}") {
            prop_assert_eq!(skeleton(&word), skeleton(&accented(&word, true)));
        }
    }
}
