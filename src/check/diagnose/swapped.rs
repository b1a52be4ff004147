//! Swapped values: two false claims near each other (at most three false claims apart), each
//! claiming the other's computed value, as when two results are pasted in each other's place.

use crate::check::report::{ClaimCheck, Diagnosis, Status};

/// Two false claims near each other, each claiming the other's computed value.
pub(crate) fn mark_swapped(checks: &mut [ClaimCheck]) {
    let false_ones: Vec<usize> = (0..checks.len())
        .filter(|i| checks[*i].status == Status::False)
        .collect();
    for (n, &a) in false_ones.iter().enumerate() {
        for &b in false_ones.iter().skip(n + 1).take(3) {
            let swapped = checks[a].claimed.is_some()
                && checks[a].claimed == checks[b].computed
                && checks[b].claimed == checks[a].computed;
            if swapped {
                let (la, lb) = (checks[a].location.clone(), checks[b].location.clone());
                checks[a]
                    .diagnoses
                    .insert(0, Diagnosis::Swapped { other: lb });
                checks[b]
                    .diagnoses
                    .insert(0, Diagnosis::Swapped { other: la });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::report::Location;
    use crate::eval::Value;
    use crate::number::Number;

    fn check(line: usize, status: Status, computed: i64, claimed: i64) -> ClaimCheck {
        ClaimCheck {
            location: Location {
                source: "post.md".into(),
                line,
                column: 1,
            },
            computed_text: computed.to_string(),
            claimed_text: claimed.to_string(),
            status,
            computed: Some(Value::Number(Number::from_i64(computed))),
            claimed: Some(Value::Number(Number::from_i64(claimed))),
            difference: None,
            approximation: None,
            diagnoses: Vec::new(),
        }
    }

    fn swapped_with(check: &ClaimCheck) -> Vec<usize> {
        check
            .diagnoses
            .iter()
            .filter_map(|d| match d {
                Diagnosis::Swapped { other } => Some(other.line),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn two_claims_with_each_others_values() {
        // Line 1 computes 5 and claims 7, line 3 computes 7 and claims 5; line 2 holds.
        let mut checks = vec![
            check(1, Status::False, 5, 7),
            check(2, Status::Holds, 9, 9),
            check(3, Status::False, 7, 5),
        ];
        mark_swapped(&mut checks);
        assert_eq!(swapped_with(&checks[0]), vec![3]);
        assert!(checks[1].diagnoses.is_empty());
        assert_eq!(swapped_with(&checks[2]), vec![1]);
    }

    #[test]
    fn one_way_or_far_apart_is_no_swap() {
        // Line 2 claims line 1's value but not the other way; lines 3 and 8 swap, but three other
        // false claims stand between them (a swap is looked for among the next three).
        let mut checks = vec![
            check(1, Status::False, 5, 7),
            check(2, Status::False, 8, 5),
            check(3, Status::False, 10, 20),
            check(4, Status::False, 1, 2),
            check(5, Status::False, 1, 3),
            check(6, Status::False, 1, 4),
            check(8, Status::False, 20, 10),
        ];
        mark_swapped(&mut checks);
        assert!(checks.iter().all(|c| c.diagnoses.is_empty()));
    }
}
