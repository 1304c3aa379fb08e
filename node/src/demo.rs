//! A realistic, seeded demo dataset: multilingual patients with encounters and
//! allergies, a cosmetics catalog with stock, a year of sales, upcoming appointments and
//! demo staff users. Written in large transactions, so 10k patients take seconds.

use std::collections::HashMap;

use automerge::ActorId;
use dermis_model::appointment::{self, AppointmentDraft, AppointmentSource};
use dermis_model::encounter::{self, Author, Diagnosis, EncounterDraft};
use dermis_model::ledger::{
    self, CartLine, MovementKind, Payment, PaymentMethod, Sale, SaleKind, StockMovement,
};
use dermis_model::patient::{self, PatientDraft, Severity, Sex};
use dermis_model::product::{self, ProductDraft};
use dermis_model::{
    AllergyId, AppointmentId, DocId, DocType, EncounterId, Millis, Money, MovementId, PatientId,
    ProductId, SaleId,
};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::Serialize;

use crate::node::{Node, OpError, Session, doc_error, now};
use crate::ops::catalog::day_of;

pub struct DemoSpec {
    pub patients: usize,
    pub seed: u64,
    pub sales: usize,
}

#[derive(Debug, Serialize)]
pub struct DemoReport {
    pub patients: usize,
    pub encounters: usize,
    pub products: usize,
    pub sales: usize,
    pub appointments: usize,
    pub elapsed_ms: u128,
}

/// The password of the demo staff users (admin, doctor, nurse, reception, cashier).
pub const DEMO_PASSWORD: &str = "dermis-demo";

struct Names {
    female: &'static [&'static str],
    male: &'static [&'static str],
    last: &'static [&'static str],
    phone_prefix: &'static str,
    latin: bool,
}

const LOCALES: &[Names] = &[
    Names {
        female: &[
            "Emma", "Olivia", "Sophie", "Grace", "Chloe", "Emily", "Hannah", "Lucy",
        ],
        male: &[
            "James", "Oliver", "Jack", "Harry", "George", "Thomas", "William", "Noah",
        ],
        last: &[
            "Smith", "Johnson", "Brown", "Taylor", "Wilson", "Clarke", "O'Brien", "Walker",
            "Hughes", "Evans",
        ],
        phone_prefix: "+44 7",
        latin: true,
    },
    Names {
        female: &[
            "Élodie", "Camille", "Léa", "Manon", "Chloé", "Inès", "Zoé", "Hélène",
        ],
        male: &[
            "Lucas",
            "Théo",
            "Hugo",
            "Louis",
            "Gabriel",
            "Jérôme",
            "François",
            "Noël",
        ],
        last: &[
            "Martin", "Bernard", "Dubois", "Lefèvre", "Moreau", "Girard", "Rousseau", "Bonnet",
            "Fontaine", "Mercier",
        ],
        phone_prefix: "+33 6",
        latin: true,
    },
    Names {
        female: &[
            "Lucía", "María", "Sofía", "Martina", "Paula", "Julia", "Inés", "Alba",
        ],
        male: &[
            "Hugo", "Martín", "Pablo", "Álvaro", "Adrián", "Diego", "Mateo", "Iván",
        ],
        last: &[
            "García",
            "Fernández",
            "González",
            "Rodríguez",
            "López",
            "Martínez",
            "Sánchez",
            "Pérez",
            "Gómez",
            "Núñez",
        ],
        phone_prefix: "+34 6",
        latin: true,
    },
    Names {
        female: &[
            "Анна",
            "Мария",
            "Елена",
            "Ольга",
            "Наталья",
            "Татьяна",
            "Юлия",
            "Алёна",
        ],
        male: &[
            "Александр",
            "Дмитрий",
            "Сергей",
            "Андрей",
            "Алексей",
            "Иван",
            "Михаил",
            "Фёдор",
        ],
        last: &[
            "Иванов",
            "Смирнов",
            "Кузнецов",
            "Попов",
            "Соколов",
            "Лебедев",
            "Козлов",
            "Новиков",
            "Морозов",
            "Волков",
        ],
        phone_prefix: "+7 9",
        latin: false,
    },
    Names {
        female: &[
            "Олена",
            "Оксана",
            "Ірина",
            "Наталія",
            "Юлія",
            "Катерина",
            "Софія",
            "Їлона",
        ],
        male: &[
            "Олександр",
            "Андрій",
            "Сергій",
            "Богдан",
            "Тарас",
            "Микола",
            "Євген",
            "Юрій",
        ],
        last: &[
            "Шевченко",
            "Коваленко",
            "Бондаренко",
            "Ткаченко",
            "Кравченко",
            "Олійник",
            "Мельник",
            "Лисенко",
            "Гнатюк",
            "Їжакевич",
        ],
        phone_prefix: "+380 6",
        latin: false,
    },
    Names {
        female: &[
            "Անի",
            "Մարիամ",
            "Նարե",
            "Լիլիթ",
            "Անահիտ",
            "Սոնա",
            "Գայանե",
            "Արմինե",
        ],
        male: &[
            "Արամ",
            "Դավիթ",
            "Տիգրան",
            "Նարեկ",
            "Հայկ",
            "Արմեն",
            "Գևորգ",
            "Սարգիս",
        ],
        last: &[
            "Պետրոսյան",
            "Հակոբյան",
            "Սարգսյան",
            "Գրիգորյան",
            "Մարտիրոսյան",
            "Հարությունյան",
            "Ավետիսյան",
            "Կարապետյան",
        ],
        phone_prefix: "+374 9",
        latin: false,
    },
];

const CONDITIONS: &[(&str, &str, &str, &str)] = &[
    (
        "L70.0",
        "Acne vulgaris",
        "Breakouts on cheeks and chin",
        "Comedones and inflammatory papules on the face.",
    ),
    (
        "L40.0",
        "Psoriasis vulgaris",
        "Scaly plaques on elbows",
        "Well-demarcated erythematous plaques with silvery scale.",
    ),
    (
        "L20.9",
        "Atopic dermatitis, unspecified",
        "Itchy dry patches",
        "Lichenified eczematous patches in flexures.",
    ),
    (
        "L71.9",
        "Rosacea, unspecified",
        "Facial redness",
        "Central facial erythema with telangiectasia.",
    ),
    (
        "D22.5",
        "Melanocytic nevi of trunk",
        "Mole check",
        "Several symmetric nevi on the back, regular pigment network.",
    ),
    (
        "L82.1",
        "Other seborrheic keratosis",
        "Brown spots on the back",
        "Stuck-on waxy papules.",
    ),
    (
        "L30.9",
        "Dermatitis, unspecified",
        "Rash on hands",
        "Erythema and scaling on dorsal hands.",
    ),
    (
        "B07.9",
        "Viral wart, unspecified",
        "Wart on finger",
        "Hyperkeratotic papule with thrombosed capillaries.",
    ),
    (
        "L57.0",
        "Actinic keratosis",
        "Rough spot on scalp",
        "Gritty scaly macule on sun-exposed scalp.",
    ),
    (
        "L63.9",
        "Alopecia areata, unspecified",
        "Patchy hair loss",
        "Round patch of non-scarring alopecia.",
    ),
];

const PLANS: &[&str] = &[
    "Topical retinoid at night, benzoyl peroxide wash; review in 8 weeks.",
    "Topical corticosteroid twice daily for 2 weeks, emollients; review in 4 weeks.",
    "Sun protection SPF 50, photograph lesions, recheck in 6 months.",
    "Cryotherapy today; repeat in 3 weeks if needed.",
    "Gentle skincare routine, avoid triggers; metronidazole gel.",
];

const DOCTORS: &[&str] = &[
    "Dr Anna Petrosyan",
    "Dr Jérôme Lefèvre",
    "Dr Lucía Núñez",
    "Dr Олег Соколов",
];

const PRODUCTS: &[(&str, &str, &str, i64)] = &[
    (
        "SPF50-50",
        "Sunscreen fluid SPF 50+ 50 ml",
        "Sun care",
        1890,
    ),
    ("SPF30-100", "Sun milk SPF 30 100 ml", "Sun care", 1590),
    (
        "CLN-GEL-200",
        "Gentle cleansing gel 200 ml",
        "Cleansers",
        1250,
    ),
    ("CLN-MIC-400", "Micellar water 400 ml", "Cleansers", 1490),
    (
        "MST-LIGHT-40",
        "Light moisturiser 40 ml",
        "Moisturisers",
        2290,
    ),
    (
        "MST-RICH-50",
        "Rich repair cream 50 ml",
        "Moisturisers",
        2590,
    ),
    (
        "EMO-BALM-400",
        "Emollient balm for atopic skin 400 ml",
        "Moisturisers",
        1990,
    ),
    ("SER-VITC-30", "Vitamin C serum 30 ml", "Serums", 3490),
    ("SER-HA-30", "Hyaluronic acid serum 30 ml", "Serums", 2990),
    ("SER-NIA-30", "Niacinamide 10% serum 30 ml", "Serums", 2190),
    ("ACN-BPO-50", "Benzoyl peroxide 5% gel 50 ml", "Acne", 990),
    ("ACN-AZA-30", "Azelaic acid 15% gel 30 g", "Acne", 1790),
    ("EYE-CRM-15", "Eye contour cream 15 ml", "Eye care", 2790),
    ("LIP-BALM-4", "Repairing lip balm 4 g", "Lip care", 590),
    (
        "SCA-SHAMP-200",
        "Anti-dandruff shampoo 200 ml",
        "Hair and scalp",
        1390,
    ),
    ("HND-CRM-75", "Barrier hand cream 75 ml", "Body care", 890),
    (
        "BDY-LOT-400",
        "Urea 10% body lotion 400 ml",
        "Body care",
        1690,
    ),
    (
        "RET-0.3-30",
        "Retinol 0.3% night cream 30 ml",
        "Serums",
        3290,
    ),
    (
        "THR-WATER-150",
        "Thermal spring water spray 150 ml",
        "Cleansers",
        990,
    ),
    ("SCR-GEL-15", "Silicone scar gel 15 g", "Treatments", 2490),
];

/// A UUIDv7 whose time is `at` and whose random bits come from the seeded generator, so
/// one seed always makes the same ids.
fn seeded_uuid(rng: &mut ChaCha8Rng, at: Millis) -> uuid::Uuid {
    let mut random = [0u8; 10];
    rng.fill(&mut random);
    uuid::Builder::from_unix_timestamp_millis(u64::try_from(at).unwrap_or(0), &random).into_uuid()
}

fn pick<'a, T>(rng: &mut ChaCha8Rng, items: &'a [T]) -> &'a T {
    &items[rng.random_range(0..items.len())]
}

/// An EAN-13 with a valid check digit.
fn ean13(rng: &mut ChaCha8Rng) -> String {
    let mut digits: Vec<u32> = vec![4, 0, 0];
    digits.extend((0..9).map(|_| rng.random_range(0..10u32)));
    let sum: u32 = digits
        .iter()
        .enumerate()
        .map(|(i, d)| if i % 2 == 0 { *d } else { d * 3 })
        .sum();
    digits.push((10 - sum % 10) % 10);
    digits
        .iter()
        .map(|d| char::from_digit(*d, 10).unwrap_or('0'))
        .collect()
}

const DAY: Millis = 86_400_000;

/// What the demo shop has on its shelves while the year of sales is made.
struct Stock {
    on_hand: Vec<i64>,
    /// Per product: what a delivery tops it up to.
    target: Vec<i64>,
    /// Products that miss the last two deliveries.
    low: Vec<usize>,
    /// (when, number) of the deliveries not made yet, in order.
    deliveries: std::collections::VecDeque<(Millis, usize)>,
}

/// Deliveries in a year: the opening stock, then one a month.
const DELIVERIES: usize = 12;

impl Stock {
    fn new(
        catalog: &[(ProductId, ProductDraft, u32)],
        sales: usize,
        year_ago: Millis,
        rng: &mut ChaCha8Rng,
    ) -> Stock {
        let products = catalog.len().max(1) as i64;
        // About 2.5 lines of 2 units per sale, spread over the catalog and the months.
        let monthly = (sales as i64 * 5 / (products * DELIVERIES as i64)).max(1);
        let target = catalog
            .iter()
            .map(|(_, d, _)| monthly * 2 + d.reorder_level + rng.random_range(2..8))
            .collect();
        let mut keyed: Vec<(u32, usize)> = (0..catalog.len()).map(|i| (rng.random(), i)).collect();
        keyed.sort_unstable();
        let low = keyed
            .into_iter()
            .take(3.min(catalog.len().saturating_sub(1)))
            .map(|(_, i)| i)
            .collect();
        let deliveries = (0..DELIVERIES)
            .map(|k| {
                let at = year_ago + (k as Millis) * 30 * DAY + rng.random_range(0..DAY / 2);
                (at, k)
            })
            .collect();
        Stock {
            on_hand: vec![0; catalog.len()],
            target,
            low,
            deliveries,
        }
    }

    /// The deliveries due by `at`: (when, product index, units), each product topped up.
    fn deliveries_until(&mut self, at: Millis) -> Vec<(Millis, usize, i64)> {
        let mut out = Vec::new();
        while let Some(&(when, k)) = self.deliveries.front() {
            if when > at {
                break;
            }
            self.deliveries.pop_front();
            for index in 0..self.on_hand.len() {
                if k + 2 >= DELIVERIES && self.low.contains(&index) {
                    continue;
                }
                let qty = self.target[index] - self.on_hand[index];
                if qty > 0 {
                    self.on_hand[index] += qty;
                    out.push((when, index, qty));
                }
            }
        }
        out
    }

    /// Takes up to `wanted` units off the shelf; how many it took.
    fn take(&mut self, index: usize, wanted: i64) -> i64 {
        let qty = wanted.min(self.on_hand[index]).max(0);
        self.on_hand[index] -= qty;
        qty
    }

    fn put_back(&mut self, index: usize, qty: i64) {
        self.on_hand[index] += qty;
    }
}

pub fn generate(node: &mut Node, spec: &DemoSpec) -> Result<DemoReport, OpError> {
    let started = std::time::Instant::now();
    let mut rng = ChaCha8Rng::seed_from_u64(spec.seed);
    let clinic = node.clinic()?;
    let identity = node.identity.clone();
    let actor: ActorId = node.actor();
    let base = now();
    let today = crate::node::today();

    if clinic.users.is_empty() {
        let session = Session::operator();
        for (username, name, role) in [
            ("admin", "Clinic Admin", "admin"),
            ("doctor", "Dr Anna Petrosyan", "doctor"),
            ("nurse", "Nurse Camille Martin", "nurse"),
            ("reception", "Lucía García", "reception"),
            ("cashier", "Олена Коваленко", "cashier"),
        ] {
            crate::ops::users::add(node, &session, username, name, role, DEMO_PASSWORD)?;
        }
    }

    // Products and their opening stock.
    let mut catalog = Vec::new();
    let mut tx = node.store.begin(base)?;
    let mut ledgers: HashMap<String, DocId> = HashMap::new();
    let mut ledger_docs: Vec<(DocId, automerge::AutoCommit)> = Vec::new();
    let year_ago = base - 365 * DAY;
    let mut ledger_index = |day: String,
                            rng: &mut ChaCha8Rng,
                            docs: &mut Vec<(DocId, automerge::AutoCommit)>|
     -> Result<usize, OpError> {
        if let Some(id) = ledgers.get(&day) {
            return Ok(docs.iter().position(|(d, _)| d == id).unwrap_or(0));
        }
        let id = DocId(seeded_uuid(rng, base));
        let doc = ledger::create_ledger(
            id,
            identity.clinic_id,
            identity.node_id,
            &day,
            actor.clone(),
        )
        .map_err(doc_error(id))?;
        ledgers.insert(day, id);
        docs.push((id, doc));
        Ok(docs.len() - 1)
    };
    for (sku, name, category, price) in PRODUCTS {
        let id = ProductId(seeded_uuid(&mut rng, year_ago));
        let draft = ProductDraft {
            sku: (*sku).into(),
            name: (*name).into(),
            price: Money::new(*price, clinic.currency),
            category: Some((*category).into()),
            barcode: Some(ean13(&mut rng)),
            active: true,
            reorder_level: rng.random_range(5..20),
            tax_class: "standard".into(),
        };
        let doc = product::create_product(id, identity.clinic_id, &draft, year_ago, actor.clone())
            .map_err(doc_error(id.into()))?;
        tx.insert(id.into(), DocType::Product, doc)?;
        catalog.push((id, draft, clinic.tax_rate("standard").unwrap_or(0)));
    }
    tx.commit()?;

    // Patients with encounters and allergies, a few hundred per transaction.
    let mut encounters = 0;
    let mut booked: Vec<Booked> = Vec::new();
    let mut mrn = node
        .store
        .meta("mrn_seq")?
        .and_then(|v| v.parse::<i64>().ok())
        .unwrap_or(0);
    let mut patient_ids: Vec<PatientId> = Vec::with_capacity(spec.patients);
    for chunk_start in (0..spec.patients).step_by(250) {
        let chunk_end = (chunk_start + 250).min(spec.patients);
        let mut tx = node.store.begin(base)?;
        for _ in chunk_start..chunk_end {
            let names = pick(&mut rng, LOCALES);
            let female = rng.random_bool(0.6);
            let first = *pick(&mut rng, if female { names.female } else { names.male });
            let last = *pick(&mut rng, names.last);
            let created = base - rng.random_range(0..3 * 365) * DAY;
            let id = PatientId(seeded_uuid(&mut rng, created));
            patient_ids.push(id);
            let birth = time::Date::from_calendar_date(
                rng.random_range(1940..2012),
                time::Month::try_from(rng.random_range(1..=12u8)).unwrap_or(time::Month::January),
                rng.random_range(1..=28),
            )
            .ok();
            let phone = format!(
                "{}{:02} {:03} {:03}",
                names.phone_prefix,
                rng.random_range(0..100),
                rng.random_range(0..1000),
                rng.random_range(0..1000)
            );
            let email = (names.latin && rng.random_bool(0.7)).then(|| {
                let local: String = dermis_model::text::fold(&format!("{first}.{last}"))
                    .chars()
                    .filter(|c| c.is_ascii_alphanumeric() || *c == '.')
                    .collect();
                format!("{local}{}@example.org", rng.random_range(1..100))
            });
            let draft = PatientDraft {
                first_name: first.into(),
                last_name: last.into(),
                middle_name: None,
                birth_date: birth,
                sex: if female { Sex::Female } else { Sex::Male },
                phones: vec![phone],
                email,
                address: None,
                mrn: None,
                medical_history: if rng.random_bool(0.3) {
                    "Seasonal allergies. No chronic medication.".into()
                } else {
                    String::new()
                },
                notes: String::new(),
            };
            if booked.len() < BOOKED_PATIENTS {
                booked.push(Booked {
                    id,
                    name: format!("{first} {last}"),
                    phone: draft.phones.first().cloned(),
                    email: draft.email.clone(),
                });
            }
            mrn += 1;
            let mut doc = patient::create_patient(
                id,
                identity.clinic_id,
                &draft,
                &format!("{}-P{mrn:06}", identity.node_code),
                created,
                None,
                actor.clone(),
            )
            .map_err(doc_error(id.into()))?;
            if rng.random_bool(0.15) {
                let substance = *pick(
                    &mut rng,
                    &["Penicillin", "Nickel", "Latex", "Fragrance mix", "Neomycin"],
                );
                patient::add_allergy(
                    &mut doc,
                    AllergyId(seeded_uuid(&mut rng, created)),
                    substance,
                    "rash",
                    Severity::Moderate,
                )
                .map_err(doc_error(id.into()))?;
            }
            let visits = rng.random_range(0..=6);
            for _ in 0..visits {
                let (code, label, complaint, objective) = *pick(&mut rng, CONDITIONS);
                let at = created + rng.random_range(0..=(base - created).max(1));
                let date = time::OffsetDateTime::from_unix_timestamp(at / 1000)
                    .map(|t| t.date())
                    .unwrap_or(today);
                let enc = EncounterDraft {
                    date,
                    complaint: complaint.into(),
                    subjective: format!("{complaint}; started a few weeks ago."),
                    objective: objective.into(),
                    assessment: label.into(),
                    plan: (*pick(&mut rng, PLANS)).into(),
                    diagnoses: vec![Diagnosis {
                        code: code.into(),
                        label: label.into(),
                    }],
                };
                let eid = EncounterId(seeded_uuid(&mut rng, at));
                let doctor = Author {
                    id: None,
                    name: (*pick(&mut rng, DOCTORS)).into(),
                };
                encounter::add_encounter(&mut doc, eid, &enc, &doctor, at)?;
                if date < today {
                    encounter::sign_encounter(&mut doc, eid, &doctor, at)?;
                }
                encounters += 1;
            }
            tx.insert(id.into(), DocType::Patient, doc)?;
        }
        tx.set_meta("mrn_seq", &mrn.to_string())?;
        tx.commit()?;
    }

    // A year of sales, on this node's daily ledgers.
    let mut receipt = node
        .store
        .meta("receipt_seq")?
        .and_then(|v| v.parse::<i64>().ok())
        .unwrap_or(0);
    let mut chain_head = node
        .store
        .meta(crate::ops::sales::CHAIN_HEAD)?
        .and_then(|head| head.split_once(':').map(|(_, h)| h.to_owned()))
        .unwrap_or_else(|| ledger::chain::GENESIS.to_owned());
    let mut sale_times: Vec<Millis> = (0..spec.sales)
        .map(|_| year_ago + DAY + rng.random_range(0..364 * DAY))
        .collect();
    sale_times.sort_unstable();
    // A real shop: a delivery every month tops each product up to what a month sells and
    // more, before the sales it covers; a sale never takes more than is on the shelf. A
    // few products miss the last two deliveries and end the year low.
    let mut stock = Stock::new(&catalog, spec.sales, year_ago, &mut rng);
    // About one sale in four is made to a patient of the clinic, so the journal and the
    // charts have purchases to show. A stream of its own, so the rest of the demo is the
    // same with or without it.
    let mut buyers = ChaCha8Rng::seed_from_u64(spec.seed ^ 0x006a_6f75_726e_616c);
    let mut sold = 0;
    for at in sale_times {
        for (delivery_at, index, qty) in stock.deliveries_until(at) {
            let (pid, draft, _) = &catalog[index];
            let slot = ledger_index(day_of(delivery_at), &mut rng, &mut ledger_docs)?;
            let movement = StockMovement {
                id: MovementId(seeded_uuid(&mut rng, delivery_at)),
                product_id: *pid,
                sku: draft.sku.clone(),
                kind: MovementKind::In,
                qty,
                reason: if delivery_at < year_ago + DAY {
                    "opening stock".into()
                } else {
                    "delivery".into()
                },
                user: Some("Clinic Admin".into()),
                user_id: None,
                at: delivery_at,
                node_id: identity.node_id,
                sale_id: None,
            };
            ledger::append_movement(&mut ledger_docs[slot].1, &movement)
                .map_err(doc_error(ledger_docs[slot].0))?;
        }
        let mut lines: Vec<CartLine> = Vec::new();
        for _ in 0..rng.random_range(1..=4) {
            let index = rng.random_range(0..catalog.len());
            let wanted = rng.random_range(1..=3);
            let qty = stock.take(index, wanted);
            if qty == 0 || lines.iter().any(|l| l.product_id == catalog[index].0) {
                stock.put_back(index, qty);
                continue;
            }
            let (pid, draft, bps) = &catalog[index];
            lines.push(CartLine {
                product_id: *pid,
                sku: draft.sku.clone(),
                name: draft.name.clone(),
                unit_minor: draft.price.minor,
                tax_bps: *bps,
                qty,
                discount_minor: 0,
            });
        }
        if lines.is_empty() {
            continue;
        }
        sold += 1;
        let total: i64 = lines.iter().map(|l| l.unit_minor * l.qty).sum();
        let payments = match rng.random_range(0..3) {
            0 => vec![Payment {
                method: PaymentMethod::Card,
                amount_minor: total,
            }],
            1 => vec![Payment {
                method: PaymentMethod::Cash,
                amount_minor: (total + 999) / 1000 * 1000,
            }],
            _ => vec![
                Payment {
                    method: PaymentMethod::Card,
                    amount_minor: total / 2,
                },
                Payment {
                    method: PaymentMethod::Cash,
                    amount_minor: total - total / 2,
                },
            ],
        };
        let priced = ledger::price_cart(&lines, &payments)?;
        receipt += 1;
        let mut sale = Sale {
            id: SaleId(seeded_uuid(&mut rng, at)),
            receipt: format!("{}-{receipt:06}", identity.node_code),
            kind: SaleKind::Sale,
            original_id: None,
            at,
            cashier: Some("Олена Коваленко".into()),
            cashier_id: None,
            node_id: identity.node_id,
            currency: clinic.currency,
            lines: priced.lines,
            subtotal_minor: priced.subtotal_minor,
            discount_minor: priced.discount_minor,
            tax_minor: priced.tax_minor,
            total_minor: priced.total_minor,
            payments: priced.payments,
            change_minor: priced.change_minor,
            patient_id: (!patient_ids.is_empty() && buyers.random_bool(0.25))
                .then(|| patient_ids[buyers.random_range(0..patient_ids.len())]),
            shift_id: None,
            reason: None,
            chain: None,
        };
        ledger::chain::link(&mut sale, receipt, &chain_head);
        if let Some(link) = &sale.chain {
            chain_head.clone_from(&link.hash);
        }
        let slot = ledger_index(day_of(at), &mut rng, &mut ledger_docs)?;
        let (ledger_id, doc) = &mut ledger_docs[slot];
        ledger::append_sale(doc, &sale).map_err(doc_error(*ledger_id))?;
        for line in &sale.lines {
            let movement = StockMovement {
                id: MovementId(seeded_uuid(&mut rng, at)),
                product_id: line.product_id,
                sku: line.sku.clone(),
                kind: MovementKind::Out,
                qty: line.qty,
                reason: format!("sale {}", sale.receipt),
                user: sale.cashier.clone(),
                user_id: None,
                at,
                node_id: identity.node_id,
                sale_id: Some(sale.id),
            };
            ledger::append_movement(doc, &movement).map_err(doc_error(*ledger_id))?;
        }
    }
    for batch in ledger_docs.chunks_mut(60) {
        let mut tx = node.store.begin(base)?;
        for (id, doc) in batch.iter_mut() {
            tx.insert(*id, DocType::Ledger, std::mem::take(doc))?;
        }
        tx.set_meta("receipt_seq", &receipt.to_string())?;
        tx.set_meta(
            crate::ops::sales::CHAIN_HEAD,
            &format!("{receipt}:{chain_head}"),
        )?;
        tx.commit()?;
    }

    // The appointment book: today and this week for the doctor and the nurse (local
    // time, as the window shows it), some made on Calendly and not yet linked, then a
    // scatter over the next two weeks.
    let clinicians = crate::ops::appointments::clinicians(&node.clinic()?);
    let mut drafts = demo_week(&booked, &clinicians);
    let scattered = (spec.patients / 50).clamp(3, 200);
    let today_start = crate::localtime::day_start(crate::localtime::today());
    for _ in 0..scattered {
        let names = pick(&mut rng, LOCALES);
        let first = *pick(&mut rng, names.female);
        let last = *pick(&mut rng, names.last);
        let day = rng.random_range(1..14);
        let start = today_start + day * DAY + (9 * 60 + rng.random_range(0..16) * 30) * 60_000;
        let patient = (!booked.is_empty()).then(|| booked[rng.random_range(0..booked.len())].id);
        let clinician =
            (!clinicians.is_empty()).then(|| clinicians[rng.random_range(0..clinicians.len())].id);
        drafts.push((
            AppointmentDraft {
                patient_id: patient,
                invitee_name: patient.is_none().then(|| format!("{first} {last}")),
                invitee_email: None,
                title: (*pick(&mut rng, TITLES)).into(),
                start,
                end: start + 30 * 60_000,
                source: AppointmentSource::Manual,
                external_id: None,
                notes: String::new(),
                clinician_id: clinician,
                invitee_phone: None,
            },
            None,
        ));
    }
    let appointments = drafts.len();
    let mut tx = node.store.begin(base)?;
    for (draft, status) in &drafts {
        let id = AppointmentId(seeded_uuid(&mut rng, base));
        let mut doc = appointment::create_appointment(id, identity.clinic_id, draft, actor.clone())
            .map_err(doc_error(id.into()))?;
        if let Some(status) = status {
            appointment::set_status(&mut doc, *status).map_err(doc_error(id.into()))?;
        }
        tx.insert(id.into(), DocType::Appointment, doc)?;
    }
    tx.commit()?;

    Ok(DemoReport {
        patients: spec.patients,
        encounters,
        products: PRODUCTS.len(),
        sales: sold,
        appointments,
        elapsed_ms: started.elapsed().as_millis(),
    })
}

/// Kinds of visit the demo books.
const TITLES: &[&str] = &[
    "Mole check",
    "Acne follow-up",
    "Consultation",
    "Peel",
    "Psoriasis review",
];

/// Patients the demo's appointment book names (the first ones made).
const BOOKED_PATIENTS: usize = 12;

/// A demo patient the appointment book can name, with the contact a Calendly booking
/// of theirs would carry.
struct Booked {
    id: PatientId,
    name: String,
    phone: Option<String>,
    email: Option<String>,
}

/// Today's and this week's appointments: (day from today, clinician, hour, minute,
/// minutes, patient index, title); a patient index past the booked patients makes a
/// Calendly booking by someone who is not a patient yet.
const WEEK: &[(i64, usize, i64, i64, i64, usize, &str)] = &[
    (0, 0, 9, 0, 30, 0, "Mole check"),
    (0, 0, 9, 30, 30, 1, "Acne follow-up"),
    (0, 0, 10, 30, 45, 2, "Consultation"),
    (0, 0, 14, 0, 30, 3, "Psoriasis review"),
    (0, 0, 15, 0, 30, 4, "Consultation"),
    (0, 1, 9, 0, 15, 5, "Dressing change"),
    (0, 1, 10, 0, 60, 6, "Peel"),
    (0, 1, 11, 30, 30, 99, "Consultation"),
    (1, 0, 9, 0, 30, 7, "Mole check"),
    (1, 1, 11, 0, 45, 8, "Peel"),
    (2, 0, 10, 0, 30, 9, "Acne follow-up"),
    (3, 1, 9, 30, 30, 10, "Dressing change"),
    (4, 0, 16, 0, 30, 11, "Consultation"),
];

/// The week of [`WEEK`] as drafts with the status each has reached. Today's first two
/// have arrived and been seen; the 15:00 one and the nurse's 11:30 were booked on
/// Calendly, the first by a patient who gave the email and phone on their record.
fn demo_week(
    booked: &[Booked],
    clinicians: &[dermis_model::clinic::User],
) -> Vec<(AppointmentDraft, Option<appointment::AppointmentStatus>)> {
    use appointment::AppointmentStatus as S;
    let today = crate::localtime::today();
    WEEK.iter()
        .enumerate()
        .map(|(i, &(day, who, hour, minute, minutes, patient, title))| {
            let date = today
                .checked_add(time::Duration::days(day))
                .unwrap_or(today);
            let at =
                time::Time::from_hms(hour as u8, minute as u8, 0).unwrap_or(time::Time::MIDNIGHT);
            let start = crate::localtime::to_millis(date, at);
            let calendly = i == 4 || patient >= booked.len();
            let person = booked.get(patient);
            let draft = AppointmentDraft {
                patient_id: person.filter(|_| !calendly).map(|p| p.id),
                invitee_name: calendly.then(|| {
                    person
                        .map(|p| p.name.clone())
                        .unwrap_or_else(|| "Sofia Marino".into())
                }),
                invitee_email: if calendly {
                    match person {
                        Some(p) => p.email.clone(),
                        None => Some("sofia.marino@example.it".into()),
                    }
                } else {
                    None
                },
                title: title.into(),
                start,
                end: start + minutes * 60_000,
                source: if calendly {
                    AppointmentSource::Calendly
                } else {
                    AppointmentSource::Manual
                },
                external_id: calendly.then(|| format!("https://api.calendly.com/invitees/DEMO{i}")),
                notes: String::new(),
                clinician_id: clinicians.get(who).map(|c| c.id),
                invitee_phone: if calendly {
                    person.and_then(|p| p.phone.clone())
                } else {
                    None
                },
            };
            let status = match (day, i) {
                (0, 0) => Some(S::Completed),
                (0, 1) => Some(S::CheckedIn),
                _ => None,
            };
            (draft, status)
        })
        .collect()
}
