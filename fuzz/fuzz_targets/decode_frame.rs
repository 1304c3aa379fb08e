//! Feeds arbitrary bytes to both decoders. Beyond "never panics", it checks the codec's
//! one-encoding-per-value rule: whatever decodes must re-encode to exactly the input,
//! else the decoder skipped or invented bytes.

#![no_main]

use dermis_sync::wire::{ClientMsg, HubMsg, Limits};
use libfuzzer_sys::fuzz_target;

/// Small enough that ordinary inputs reach the limit checks, not just the happy path.
const TIGHT: Limits = Limits {
    max_frame_bytes: 4096,
    max_items: 4,
    max_string: 16,
    max_heads: 2,
};

fuzz_target!(|frame: &[u8]| {
    for limits in [Limits::default(), TIGHT] {
        if let Ok(msg) = ClientMsg::decode(frame, &limits) {
            assert_eq!(msg.encoded_len(), frame.len());
            assert_eq!(msg.encode(), frame);
        }
        if let Ok(msg) = HubMsg::decode(frame, &limits) {
            assert_eq!(msg.encoded_len(), frame.len());
            assert_eq!(msg.encode(), frame);
        }
    }
});
