//! The upload of one photo as a state machine, without IO: the lane asks [`UploadRow::next`]
//! what to send, sends it, and hands the hub's answer to [`UploadRow::apply`], which says
//! what happens next and what to persist. The hub is the judge of how much it holds: every
//! answer carries its `received`, and the node only ever continues from there.

use dermis_model::Millis;

pub use crate::store::photo_uploads::{UploadRow, UploadState};

/// Why the hub refused a file.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Refusal {
    /// 413: over the hub's size cap.
    TooLarge,
    /// 415: not a JPEG, PNG or WebP.
    Unsupported,
    /// 422: the bytes did not hash to the name; the hub discarded what it had staged.
    HashMismatch,
}

impl Refusal {
    pub fn code(&self) -> &'static str {
        match self {
            Refusal::TooLarge => "too_large",
            Refusal::Unsupported => "unsupported_type",
            Refusal::HashMismatch => "sha256_mismatch",
        }
    }
}

/// What the hub answered (or why there was no answer).
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum Answer {
    /// 200 to a GET or a PUT.
    Status {
        received: u64,
        complete: bool,
    },
    /// 409: the hub holds `received` bytes, not what the PUT assumed.
    Mismatch {
        received: u64,
    },
    Refused {
        refusal: Refusal,
        message: String,
    },
    /// 401/403: the node's token is not (or no longer) accepted.
    Unauthorized {
        reason: String,
    },
    /// No usable answer: connection cut, timeout, 5xx, 400, a hub without the photo API.
    Transient {
        reason: String,
    },
}

/// What to send next.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Next {
    /// Ask the hub how much it holds (the first request of every attempt).
    Probe,
    /// Send `len` bytes from `offset`.
    Send { offset: u64, len: u64 },
    /// Nothing: uploaded or failed.
    Finished,
}

/// What [`UploadRow::apply`] decided.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum Step {
    /// Ask [`UploadRow::next`] again at once.
    Continue,
    /// The hub holds the photo.
    Uploaded,
    /// Refused for good.
    Failed,
    /// Try again at `next_attempt_at` (after a new probe).
    RetryLater,
    /// The lane must stop until the node is enrolled again.
    Stop(String),
}

/// Exponential backoff between failed tries of one upload: the first retry is at once
/// (most failures are a cut link, not a dead hub), then `min`, doubling up to `max`.
#[derive(Clone, Copy, Debug)]
pub struct Backoff {
    pub min: std::time::Duration,
    pub max: std::time::Duration,
}

impl Backoff {
    /// The wait after `attempts` failed tries; `jitter` in 0.5..=1.0 spreads nodes out.
    pub fn wait(&self, attempts: u32, jitter: f64) -> Millis {
        if attempts <= 1 {
            return 0;
        }
        let base = self
            .min
            .saturating_mul(1u32 << (attempts - 2).min(16))
            .min(self.max);
        base.mul_f64(jitter.clamp(0.0, 1.0)).as_millis() as Millis
    }
}

/// Two permanent refusals in a row and the photo is failed.
pub const MAX_REFUSALS: u32 = 2;

impl UploadRow {
    pub fn is_finished(&self) -> bool {
        matches!(self.state, UploadState::Uploaded | UploadState::Failed)
    }

    /// What to send next, `probed` telling whether this attempt has asked the hub yet.
    pub fn next(&self, probed: bool, chunk: u64) -> Next {
        if self.is_finished() {
            Next::Finished
        } else if !probed {
            Next::Probe
        } else {
            Next::Send {
                offset: self.acked.min(self.size),
                len: chunk.max(1).min(self.size - self.acked.min(self.size)),
            }
        }
    }

    fn progressed(&mut self, received: u64) {
        let received = received.min(self.size);
        if received > self.acked {
            self.attempts = 0;
        }
        self.acked = received;
        self.state = if received == 0 {
            UploadState::Local
        } else {
            UploadState::Uploading
        };
    }

    fn retry(&mut self, reason: String, now: Millis, backoff: &Backoff, jitter: f64) -> Step {
        self.attempts = self.attempts.saturating_add(1);
        self.last_error = Some(reason);
        self.next_attempt_at = now + backoff.wait(self.attempts, jitter);
        Step::RetryLater
    }

    /// Takes in the hub's answer.
    pub fn apply(&mut self, answer: Answer, now: Millis, backoff: &Backoff, jitter: f64) -> Step {
        match answer {
            Answer::Status { complete: true, .. } => {
                self.acked = self.size;
                self.state = UploadState::Uploaded;
                self.attempts = 0;
                self.refusals = 0;
                self.last_error = None;
                self.next_attempt_at = 0;
                Step::Uploaded
            }
            Answer::Status { received, .. } | Answer::Mismatch { received }
                if received >= self.size && self.size > 0 =>
            {
                // Every byte, yet not complete: the hub will decide on the next probe.
                self.acked = 0;
                self.state = UploadState::Local;
                self.retry(
                    "the hub holds every byte but has not completed the upload".into(),
                    now,
                    backoff,
                    jitter,
                )
            }
            Answer::Status { received, .. } | Answer::Mismatch { received } => {
                self.progressed(received);
                Step::Continue
            }
            Answer::Refused { refusal, message } => {
                self.refusals = self.refusals.saturating_add(1);
                let reason = format!("{}: {message}", refusal.code());
                if refusal == Refusal::HashMismatch {
                    // The hub discarded its staging: from the start.
                    self.acked = 0;
                    self.state = UploadState::Local;
                }
                if self.refusals >= MAX_REFUSALS {
                    self.state = UploadState::Failed;
                    self.last_error = Some(reason);
                    self.next_attempt_at = 0;
                    Step::Failed
                } else {
                    self.retry(reason, now, backoff, jitter)
                }
            }
            Answer::Unauthorized { reason } => {
                self.last_error = Some(reason.clone());
                Step::Stop(reason)
            }
            Answer::Transient { reason } => self.retry(reason, now, backoff, jitter),
        }
    }

    /// The original on this node is missing or no longer hashes to its name: nothing
    /// can be sent, ever.
    pub fn fail_local(&mut self, reason: String) {
        self.state = UploadState::Failed;
        self.last_error = Some(reason);
        self.next_attempt_at = 0;
    }
}

/// The size of the next chunk: halved when a send is cut (a flaky link gets smaller
/// pieces, so each piece has a chance to get through), doubled back after four sends in
/// a row went through.
#[derive(Clone, Debug)]
pub struct ChunkSizer {
    max: u64,
    min: u64,
    current: u64,
    streak: u32,
}

impl ChunkSizer {
    pub fn new(max: u64, min: u64) -> ChunkSizer {
        let max = max.max(1);
        ChunkSizer {
            max,
            min: min.clamp(1, max),
            current: max,
            streak: 0,
        }
    }

    pub fn chunk(&self) -> u64 {
        self.current
    }

    pub fn sent(&mut self) {
        self.streak += 1;
        if self.streak >= 4 {
            self.streak = 0;
            self.current = (self.current * 2).min(self.max);
        }
    }

    pub fn cut(&mut self) {
        self.streak = 0;
        self.current = (self.current / 2).max(self.min);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const B: Backoff = Backoff {
        min: std::time::Duration::from_secs(1),
        max: std::time::Duration::from_secs(60),
    };

    fn row(size: u64) -> UploadRow {
        UploadRow {
            photo_id: "p".into(),
            patient_id: "q".into(),
            sha256: "ab".into(),
            size,
            acked: 0,
            state: UploadState::Local,
            attempts: 0,
            refusals: 0,
            last_error: None,
            next_attempt_at: 0,
        }
    }

    fn status(received: u64, complete: bool) -> Answer {
        Answer::Status { received, complete }
    }

    #[test]
    fn an_attempt_probes_first_then_sends_chunks_from_what_the_hub_holds() {
        let mut r = row(2_500);
        assert_eq!(r.next(false, 1_000), Next::Probe);
        assert_eq!(r.apply(status(0, false), 0, &B, 1.0), Step::Continue);
        assert_eq!(
            r.next(true, 1_000),
            Next::Send {
                offset: 0,
                len: 1_000
            }
        );
        assert_eq!(r.apply(status(1_000, false), 0, &B, 1.0), Step::Continue);
        assert_eq!(r.state, UploadState::Uploading);
        assert_eq!(
            r.next(true, 1_000),
            Next::Send {
                offset: 1_000,
                len: 1_000
            }
        );
        r.apply(status(2_000, false), 0, &B, 1.0);
        assert_eq!(
            r.next(true, 1_000),
            Next::Send {
                offset: 2_000,
                len: 500
            }
        );
        assert_eq!(r.apply(status(2_500, true), 0, &B, 1.0), Step::Uploaded);
        assert_eq!(r.state, UploadState::Uploaded);
        assert_eq!(r.next(true, 1_000), Next::Finished);
    }

    #[test]
    fn a_cut_resumes_from_the_hubs_count_after_a_new_probe() {
        let mut r = row(3_000);
        r.apply(status(1_000, false), 0, &B, 1.0);
        let step = r.apply(
            Answer::Transient {
                reason: "connection reset".into(),
            },
            10,
            &B,
            1.0,
        );
        assert_eq!(step, Step::RetryLater);
        assert_eq!(r.acked, 1_000, "what the hub acknowledged is kept");
        assert_eq!(r.next_attempt_at, 10, "the first retry is at once");
        assert_eq!(r.next(false, 1_000), Next::Probe);
        // The hub got more than the node knew before the cut (the answer was lost).
        r.apply(status(1_700, false), 20, &B, 1.0);
        assert_eq!(
            r.next(true, 1_000),
            Next::Send {
                offset: 1_700,
                len: 1_000
            }
        );
        assert_eq!(r.attempts, 0, "progress resets the backoff");
    }

    #[test]
    fn a_409_jumps_to_the_hubs_offset() {
        let mut r = row(3_000);
        r.acked = 2_000;
        assert_eq!(
            r.apply(Answer::Mismatch { received: 1_000 }, 0, &B, 1.0),
            Step::Continue
        );
        assert_eq!(
            r.next(true, 4_000),
            Next::Send {
                offset: 1_000,
                len: 2_000
            }
        );
    }

    #[test]
    fn repeated_failures_back_off_exponentially_up_to_the_cap() {
        let mut r = row(10);
        let waits: Vec<Millis> = (0..10)
            .map(|_| {
                r.apply(
                    Answer::Transient {
                        reason: "down".into(),
                    },
                    0,
                    &B,
                    1.0,
                );
                r.next_attempt_at
            })
            .collect();
        assert_eq!(
            waits,
            vec![
                0, 1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000, 60_000
            ]
        );
        assert_eq!(
            r.state,
            UploadState::Local,
            "never failed for a transient error"
        );
        assert_eq!(B.wait(3, 0.5), 1_000, "jitter shortens the wait");
    }

    #[test]
    fn two_refusals_in_a_row_fail_the_photo_with_the_reason() {
        for refusal in [
            Refusal::TooLarge,
            Refusal::Unsupported,
            Refusal::HashMismatch,
        ] {
            let mut r = row(5_000);
            r.apply(status(4_000, false), 0, &B, 1.0);
            let refused = || Answer::Refused {
                refusal,
                message: "no".into(),
            };
            assert_eq!(r.apply(refused(), 0, &B, 1.0), Step::RetryLater);
            assert!(!r.is_finished());
            if refusal == Refusal::HashMismatch {
                assert_eq!(r.acked, 0, "a hash mismatch starts again from 0");
            }
            assert_eq!(r.apply(refused(), 0, &B, 1.0), Step::Failed);
            assert_eq!(r.state, UploadState::Failed);
            assert_eq!(
                r.last_error.as_deref(),
                Some(format!("{}: no", refusal.code()).as_str())
            );
            assert_eq!(r.next(true, 100), Next::Finished, "not retried");
        }
    }

    #[test]
    fn completion_clears_refusals_and_errors() {
        let mut r = row(100);
        r.apply(
            Answer::Refused {
                refusal: Refusal::HashMismatch,
                message: "x".into(),
            },
            0,
            &B,
            1.0,
        );
        assert_eq!(r.apply(status(100, true), 0, &B, 1.0), Step::Uploaded);
        assert_eq!((r.refusals, r.last_error.clone()), (0, None));
    }

    #[test]
    fn unauthorized_stops_the_lane_without_failing_the_photo() {
        let mut r = row(100);
        let step = r.apply(
            Answer::Unauthorized {
                reason: "revoked".into(),
            },
            0,
            &B,
            1.0,
        );
        assert_eq!(step, Step::Stop("revoked".into()));
        assert_eq!(r.state, UploadState::Local);
    }

    #[test]
    fn a_hub_claiming_every_byte_without_completing_is_asked_again() {
        let mut r = row(100);
        assert_eq!(r.apply(status(100, false), 0, &B, 1.0), Step::RetryLater);
        assert_eq!(r.acked, 0);
    }

    fn any_answer(size: u64) -> impl proptest::strategy::Strategy<Value = Answer> {
        use proptest::prelude::*;
        let refusal = prop_oneof![
            Just(Refusal::TooLarge),
            Just(Refusal::Unsupported),
            Just(Refusal::HashMismatch)
        ];
        prop_oneof![
            (0..=size + 10, any::<bool>())
                .prop_map(|(received, complete)| Answer::Status { received, complete }),
            (0..=size + 10).prop_map(|received| Answer::Mismatch { received }),
            refusal.prop_map(|refusal| Answer::Refused {
                refusal,
                message: "no".into()
            }),
            Just(Answer::Transient {
                reason: "cut".into()
            }),
        ]
    }

    proptest::proptest! {
        /// Whatever the hub answers, in whatever order: the node never claims more than
        /// the file, never asks to send past its end or nothing at all, fails a photo
        /// only on refusals, and a finished upload stays finished.
        #[test]
        fn any_answers_keep_the_upload_consistent(
            size in 1u64..5_000,
            chunk in 1u64..2_000,
            answers in proptest::collection::vec(any_answer(5_010), 1..40),
        ) {
            let mut r = row(size);
            for (i, answer) in answers.into_iter().enumerate() {
                if r.is_finished() {
                    proptest::prop_assert_eq!(r.next(true, chunk), Next::Finished);
                    break;
                }
                let transient = matches!(answer, Answer::Transient { .. });
                r.apply(answer, i as Millis, &B, 1.0);
                proptest::prop_assert!(r.acked <= r.size);
                if r.state == UploadState::Failed {
                    proptest::prop_assert!(r.refusals >= MAX_REFUSALS);
                    proptest::prop_assert!(!transient);
                }
                match r.next(true, chunk) {
                    Next::Send { offset, len } => {
                        proptest::prop_assert!(len > 0);
                        proptest::prop_assert!(offset + len <= r.size);
                        proptest::prop_assert_eq!(offset, r.acked);
                    }
                    Next::Finished => proptest::prop_assert!(r.is_finished()),
                    Next::Probe => proptest::prop_assert!(false, "probed already"),
                }
            }
        }
    }

    #[test]
    fn the_chunk_shrinks_on_cuts_and_grows_back() {
        let mut s = ChunkSizer::new(1 << 20, 64 << 10);
        s.cut();
        s.cut();
        assert_eq!(s.chunk(), 256 << 10);
        for _ in 0..10 {
            s.cut();
        }
        assert_eq!(s.chunk(), 64 << 10, "never below the floor");
        for _ in 0..4 {
            s.sent();
        }
        assert_eq!(s.chunk(), 128 << 10);
        for _ in 0..40 {
            s.sent();
        }
        assert_eq!(s.chunk(), 1 << 20, "never above the ceiling");
    }
}
