//! The HTTP requests the Hub needs: a GET, optionally of a byte range, with the token, following
//! redirects by hand so that the headers of the Hub's own answer (`X-Repo-Commit`, the ETag) are
//! kept when the file itself is served from elsewhere, and never sending the token to another host.
//! Every body is read up to a limit the caller gives.

use std::io::Read;
use std::time::Duration;

use super::Settings;
use crate::error::{Error, Result};

const MAX_REDIRECTS: usize = 5;

#[derive(Clone, Debug)]
pub(super) struct Client {
    agent: ureq::Agent,
    token: Option<String>,
    endpoint: String,
}

/// What a request brought back.
#[derive(Debug)]
pub(super) struct Fetched {
    pub status: u16,
    pub body: Vec<u8>,
    /// `X-Repo-Commit` of the Hub's answer: the commit the revision resolved to.
    pub commit: Option<String>,
    /// The file's ETag (`X-Linked-Etag` for a file stored with LFS), without quotes.
    pub etag: Option<String>,
    /// The whole file's size, from `Content-Range: bytes a-b/SIZE` or a whole answer's length.
    pub total_size: Option<u64>,
}

impl Client {
    pub(super) fn new(settings: &Settings) -> Client {
        let config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .timeout_connect(Some(Duration::from_secs(10)))
            .timeout_global(Some(Duration::from_secs(120)))
            .user_agent(concat!("paramcount/", env!("CARGO_PKG_VERSION")))
            .build();
        Client {
            agent: config.into(),
            token: settings.token.clone(),
            endpoint: settings.endpoint.clone(),
        }
    }

    /// GET `url` (bytes `first..=last` when a range is given), reading at most `limit` bytes of
    /// the body. A status that is not success is returned, not an error: the caller says what it
    /// means for the model.
    pub(super) fn get(&self, url: &str, range: Option<(u64, u64)>, limit: u64) -> Result<Fetched> {
        let mut url = url.to_string();
        let mut commit = None;
        let mut etag = None;
        for _ in 0..=MAX_REDIRECTS {
            let mut request = self.agent.get(&url);
            if let Some((first, last)) = range {
                request = request.header("Range", &format!("bytes={first}-{last}"));
            }
            if let Some(token) = &self.token {
                if same_host(&url, &self.endpoint) {
                    request = request.header("Authorization", &format!("Bearer {token}"));
                }
            }
            let mut response = request.call().map_err(|e| unreachable_error(&url, e))?;
            let status = response.status().as_u16();
            let header = |name: &str| {
                response
                    .headers()
                    .get(name)
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_string)
            };
            commit = commit.or_else(|| header("x-repo-commit"));
            etag = etag.or_else(|| {
                header("x-linked-etag")
                    .or_else(|| header("etag"))
                    .map(|e| e.trim_start_matches("W/").trim_matches('"').to_string())
            });
            if (300..400).contains(&status) {
                let Some(location) = header("location") else {
                    break;
                };
                url = join_location(&url, &location);
                continue;
            }
            let total_size = header("content-range")
                .and_then(|r| r.rsplit('/').next().and_then(|s| s.trim().parse().ok()))
                .or_else(|| {
                    (status == 200)
                        .then(|| header("content-length").and_then(|l| l.parse().ok()))
                        .flatten()
                });
            let mut body = Vec::new();
            if matches!(status, 200 | 206) {
                // A server that ignores the range sends the whole file: only `limit` bytes of it
                // are read, and the connection is dropped.
                response
                    .body_mut()
                    .as_reader()
                    .take(limit)
                    .read_to_end(&mut body)
                    .map_err(|e| Error::Hub {
                        id: url.clone(),
                        message: format!("the download broke off: {e}"),
                        help: "try again; HF_HUB_OFFLINE=1 uses only what is cached".into(),
                    })?;
            }
            return Ok(Fetched {
                status,
                body,
                commit,
                etag,
                total_size,
            });
        }
        Err(Error::Hub {
            id: url,
            message: format!("more than {MAX_REDIRECTS} redirects"),
            help: "check HF_ENDPOINT".into(),
        })
    }
}

fn unreachable_error(url: &str, error: ureq::Error) -> Error {
    let what = match &error {
        ureq::Error::Timeout(_) => "the request timed out".to_string(),
        ureq::Error::Io(e) if e.kind() == std::io::ErrorKind::ConnectionRefused => {
            "the connection was refused".to_string()
        }
        other => other.to_string(),
    };
    Error::Hub {
        id: url.to_string(),
        message: format!("cannot reach the Hub: {what} (GET {url})"),
        help:
            "check the network and HF_ENDPOINT; with HF_HUB_OFFLINE=1 only the local cache is used"
                .into(),
    }
}

/// `scheme://host:port` of a URL.
fn origin(url: &str) -> &str {
    let after_scheme = url.find("://").map_or(0, |i| i + 3);
    let end = url[after_scheme..]
        .find('/')
        .map_or(url.len(), |i| after_scheme + i);
    &url[..end]
}

fn same_host(url: &str, endpoint: &str) -> bool {
    origin(url).eq_ignore_ascii_case(origin(endpoint))
}

/// A redirect's target: absolute, or relative to the URL that answered.
fn join_location(url: &str, location: &str) -> String {
    if location.contains("://") {
        location.to_string()
    } else if location.starts_with('/') {
        format!("{}{location}", origin(url))
    } else {
        let base = url.rsplit_once('/').map_or(url, |(b, _)| b);
        format!("{base}/{location}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redirects_resolve_against_the_answering_url() {
        let url = "http://127.0.0.1:8080/org/m/resolve/main/config.json";
        assert_eq!(join_location(url, "/api/x"), "http://127.0.0.1:8080/api/x");
        assert_eq!(join_location(url, "https://cdn/x"), "https://cdn/x");
        assert!(same_host(url, "http://127.0.0.1:8080"));
        assert!(!same_host("https://cdn.example/x", "http://127.0.0.1:8080"));
    }
}
