//! Tensor name patterns: globs over dotted names. `*` matches within one segment (no `.`), `**`
//! matches any run of characters (dots included), `{a,b}` is either alternative (one may be empty:
//! `{bert.,}embeddings.*` matches with or without the `bert.` prefix). Everything else is literal.
//! A pattern matches a whole name.

/// The most alternatives one pattern may expand to.
const MAX_EXPANSIONS: usize = 4096;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Token {
    Char(char),
    /// `*`: any run of characters other than `.`.
    Segment,
    /// `**`: any run of characters.
    Any,
}

/// A compiled pattern.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pattern {
    pub text: String,
    expansions: Vec<Vec<Token>>,
}

impl Pattern {
    /// Compiles a pattern; the error says what is wrong and at which byte of the pattern.
    pub fn new(text: &str) -> Result<Pattern, (usize, String)> {
        let mut expansions: Vec<String> = vec![String::new()];
        let mut rest = text.char_indices().peekable();
        while let Some((at, c)) = rest.next() {
            match c {
                '{' => {
                    let mut alternatives = vec![String::new()];
                    let mut closed = false;
                    for (inner_at, inner) in rest.by_ref() {
                        match inner {
                            '}' => {
                                closed = true;
                                break;
                            }
                            ',' => alternatives.push(String::new()),
                            '{' => {
                                return Err((inner_at, "alternatives `{...}` cannot nest".into()))
                            }
                            other => {
                                if let Some(last) = alternatives.last_mut() {
                                    last.push(other)
                                }
                            }
                        }
                    }
                    if !closed {
                        return Err((at, "this `{` is never closed".into()));
                    }
                    if expansions.len().saturating_mul(alternatives.len()) > MAX_EXPANSIONS {
                        return Err((
                            at,
                            format!("the pattern has more than {MAX_EXPANSIONS} alternatives"),
                        ));
                    }
                    expansions = expansions
                        .iter()
                        .flat_map(|e| alternatives.iter().map(move |a| format!("{e}{a}")))
                        .collect();
                }
                '}' => return Err((at, "this `}` closes nothing".into())),
                ',' => return Err((at, "a `,` outside `{...}` separates patterns".into())),
                other => expansions.iter_mut().for_each(|e| e.push(other)),
            }
        }
        if text.trim().is_empty() {
            return Err((0, "the pattern is empty".into()));
        }
        Ok(Pattern {
            text: text.to_string(),
            expansions: expansions.iter().map(|e| tokens(e)).collect(),
        })
    }

    pub fn matches(&self, name: &str) -> bool {
        let name: Vec<char> = name.chars().collect();
        self.expansions.iter().any(|tokens| glob(tokens, &name))
    }
}

fn tokens(text: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '*' {
            if chars.peek() == Some(&'*') {
                chars.next();
                out.push(Token::Any);
            } else {
                out.push(Token::Segment);
            }
        } else {
            out.push(Token::Char(c));
        }
    }
    out
}

/// Whether `tokens` match all of `name`: dynamic programming over (token, position), so no input
/// makes it backtrack exponentially.
fn glob(tokens: &[Token], name: &[char]) -> bool {
    // reachable[i]: the tokens so far can match exactly name[..i].
    let mut reachable = vec![false; name.len() + 1];
    reachable[0] = true;
    for token in tokens {
        let mut next = vec![false; name.len() + 1];
        match token {
            Token::Char(c) => {
                for i in 0..name.len() {
                    if reachable[i] && name[i] == *c {
                        next[i + 1] = true;
                    }
                }
            }
            Token::Segment | Token::Any => {
                let mut open = false;
                for i in 0..=name.len() {
                    open = reachable[i] || open;
                    next[i] = open;
                    if i < name.len() && *token == Token::Segment && name[i] == '.' {
                        open = false;
                    }
                }
            }
        }
        reachable = next;
    }
    reachable[name.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matches(pattern: &str, name: &str) -> bool {
        Pattern::new(pattern).unwrap().matches(name)
    }

    #[test]
    fn a_star_stays_in_its_segment() {
        let p = "encoder.layer.*.attention.self.{query,key,value}.*";
        assert!(matches(p, "encoder.layer.11.attention.self.key.bias"));
        assert!(!matches(p, "encoder.layer.11.attention.self.key.bias.x"));
        assert!(!matches(p, "encoder.layer.1.attention.output.dense.bias"));
        assert!(!matches("h.*.*", "h.0.attn.c_attn.weight"));
        assert!(matches(
            "cls.predictions.**",
            "cls.predictions.transform.dense.weight"
        ));
        assert!(matches("**", "anything.at.all"));
    }

    #[test]
    fn an_empty_alternative_makes_a_prefix_optional() {
        assert!(matches("{bert.,}pooler.*", "pooler.dense"));
        assert!(matches("{bert.,}pooler.*", "bert.pooler.dense"));
        assert!(!matches("{bert.,}pooler.*", "xbert.pooler.dense"));
    }

    #[test]
    fn bad_patterns_say_where() {
        assert_eq!(Pattern::new("a.{b,c").unwrap_err().0, 2);
        assert_eq!(Pattern::new("a.b}").unwrap_err().0, 3);
        assert!(Pattern::new("{a,{b}}").is_err());
        assert!(Pattern::new("").is_err());
    }
}
