//! `check --scan` on any bytes (read as `check` reads a document: lossy UTF-8), and the same text
//! checked as a formula file. A document always reads; reports render as text and JSON.
#![no_main]

use libfuzzer_sys::fuzz_target;
use paramcount::check::{check_text, CheckOptions};
use paramcount::diagnostic::{self, Color};
use paramcount::Limits;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    for scan in [true, false] {
        let options = CheckOptions {
            scan,
            limits: Limits {
                max_bits: 1 << 12,
                ..Limits::default()
            },
            ..CheckOptions::default()
        };
        match check_text("fuzz", &text, &options) {
            Ok(report) => {
                let _ = report.render_text(false);
                let _ = report.to_json();
                let _ = report.exit_code();
            }
            Err(failure) => {
                assert!(!scan, "a scanned document always reads: {}", failure.error);
                assert!(
                    !diagnostic::error(&failure.error, &failure.sources, Color::Never).is_empty()
                );
            }
        }
    }
});
