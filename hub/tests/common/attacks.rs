//! What an enrolled node can send to make the hub work hard, shared by the exploit tests
//! (`tests/sync/bounds.rs`) and the attack bench (`benches/attacks.rs`).
#![allow(dead_code)]

use std::io::Write;

use dermis_model::ClinicId;
use dermis_model::patient::{PatientDraft, create_patient};
use uuid::Uuid;

const MAGIC: [u8; 4] = [0x85, 0x6f, 0x4a, 0x83];

fn uleb(out: &mut Vec<u8>, mut v: u64) {
    loop {
        let byte = (v & 0x7f) as u8;
        v >>= 7;
        if v == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

/// A raw deflate stream of `inflated` zero bytes (about a thousandth of that).
pub fn zeros_deflated(inflated: usize) -> Vec<u8> {
    let mut encoder = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::best());
    let block = vec![0u8; 1 << 20];
    let mut left = inflated;
    while left > 0 {
        let n = left.min(block.len());
        encoder.write_all(&block[..n]).expect("deflate");
        left -= n;
    }
    encoder.finish().expect("deflate")
}

fn chunk(kind: u8, checksum: [u8; 4], body: &[u8]) -> Vec<u8> {
    let mut out = MAGIC.to_vec();
    out.extend_from_slice(&checksum);
    out.push(kind);
    uleb(&mut out, body.len() as u64);
    out.extend_from_slice(body);
    out
}

/// A compressed change chunk whose deflate stream inflates to `inflated` bytes: the
/// issue's exploit is 2 GiB in a 2 MB push.
pub fn compressed_change_bomb(inflated: usize) -> Vec<u8> {
    chunk(2, [0; 4], &zeros_deflated(inflated))
}

/// A document chunk with one deflated op column inflating to `inflated` bytes, with a
/// correct checksum.
pub fn document_column_bomb(inflated: usize) -> Vec<u8> {
    use sha2::Digest;
    let bomb = zeros_deflated(inflated);
    let mut body = Vec::new();
    uleb(&mut body, 0); // actors
    uleb(&mut body, 0); // heads
    uleb(&mut body, 0); // change columns
    uleb(&mut body, 1); // op columns
    uleb(&mut body, (4 << 4) | 0b1000 | 2);
    uleb(&mut body, bomb.len() as u64);
    body.extend_from_slice(&bomb);
    let mut head = vec![0u8];
    uleb(&mut head, body.len() as u64);
    let hash = sha2::Sha256::new()
        .chain_update(&head)
        .chain_update(&body)
        .finalize();
    chunk(0, [hash[0], hash[1], hash[2], hash[3]], &body)
}

/// A valid patient document of about `bytes` bytes (incompressible notes), saved.
pub fn large_patient(clinic: ClinicId, bytes: usize) -> (Uuid, Vec<u8>) {
    let id = dermis_model::PatientId::new();
    let draft = PatientDraft {
        first_name: "Large".into(),
        last_name: "Record".into(),
        ..Default::default()
    };
    let mut doc = create_patient(
        id,
        clinic,
        &draft,
        "L-1",
        1,
        None,
        automerge::ActorId::random(),
    )
    .expect("patient");
    // Pseudo-random letters: deflate cannot shrink them much.
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15 ^ id.0.as_u128() as u64;
    let notes: String = (0..bytes)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            char::from(b'a' + (x % 26) as u8)
        })
        .collect();
    dermis_model::doc::put_str(&mut doc, &automerge::ROOT, "notes_plain", &notes).expect("notes");
    doc.commit();
    (id.0, doc.save())
}
