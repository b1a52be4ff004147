//! Models known by their Hub id (`meta-llama/Llama-3.1-8B`): files found in the local Hugging
//! Face cache first, fetched from the Hub second, and stored in the cache the way the Python
//! libraries store them, so that either side finds what the other fetched.
//!
//! The cache layout is `huggingface_hub`'s: `models--ORG--NAME/refs/REV` holds the commit a branch
//! or tag points at, `snapshots/COMMIT/FILE` is the file (a link into `blobs/`), and
//! `.no_exist/COMMIT/FILE` remembers a file the Hub said is not there. Its place and the network
//! settings come from the same environment variables (`HF_HUB_CACHE`, `HF_HOME`, `HF_ENDPOINT`,
//! `HF_TOKEN`, `HF_TOKEN_PATH`, `HF_HUB_OFFLINE`).
//!
//! Only small files are downloaded whole (`config.json`, `model.safetensors.index.json`). A
//! safetensors checkpoint is read by its header alone: two HTTP range requests per file (the
//! 8-byte length, then the JSON header), never the weights; headers read once are kept under
//! `paramcount/headers/COMMIT/` in the model's cache folder.

mod http;

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use http::{Client, Fetched};

/// The largest small file downloaded whole (a config or an index is a few kilobytes).
const MAX_SMALL_FILE: u64 = 64 << 20;

/// The largest safetensors header accepted (the format's own limit).
pub const MAX_HEADER: u64 = 100_000_000;

/// Where a Hub model's files come from: the environment's settings.
#[derive(Clone, Debug)]
pub struct Settings {
    /// The cache folder (`HF_HUB_CACHE`, else `HF_HOME/hub`, else `~/.cache/huggingface/hub`).
    pub cache: PathBuf,
    /// `HF_ENDPOINT`, without a trailing `/` (default the public Hub).
    pub endpoint: String,
    /// `HF_TOKEN`, else the token file the Hugging Face CLI writes.
    pub token: Option<String>,
    /// `HF_HUB_OFFLINE=1`: the network is never touched.
    pub offline: bool,
}

impl Settings {
    /// The settings the Hugging Face libraries would use in this environment.
    pub fn from_env() -> Settings {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
        let home = var("HF_HOME").map(PathBuf::from).unwrap_or_else(|| {
            let cache = var("XDG_CACHE_HOME")
                .map(PathBuf::from)
                .unwrap_or_else(|| home_dir().join(".cache"));
            cache.join("huggingface")
        });
        let cache = var("HF_HUB_CACHE")
            .map(PathBuf::from)
            .unwrap_or_else(|| home.join("hub"));
        let token = var("HF_TOKEN").or_else(|| {
            let path = var("HF_TOKEN_PATH")
                .map(PathBuf::from)
                .unwrap_or_else(|| home.join("token"));
            std::fs::read_to_string(path)
                .ok()
                .map(|t| t.trim().to_string())
                .filter(|t| !t.is_empty())
        });
        let offline = var("HF_HUB_OFFLINE").is_some_and(|v| {
            matches!(v.to_ascii_lowercase().as_str(), "1" | "on" | "yes" | "true")
        });
        let endpoint = var("HF_ENDPOINT")
            .unwrap_or_else(|| "https://huggingface.co".into())
            .trim_end_matches('/')
            .to_string();
        Settings {
            cache,
            endpoint,
            token,
            offline,
        }
    }
}

fn home_dir() -> PathBuf {
    std::env::var_os("HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("."))
}

/// Whether `text` is spelled like a Hub model id: `name` or `org/name`, each part letters, digits,
/// `-`, `_` and `.`, not starting or ending with `-` or `.`, and no `--` or `..`. A bare `name`
/// (`gpt2`) is an id too, but callers try built-in names and paths first.
pub fn looks_like_id(text: &str) -> bool {
    let parts: Vec<&str> = text.split('/').collect();
    if parts.len() > 2 || text.len() > 96 {
        return false;
    }
    parts.iter().all(|part| {
        !part.is_empty()
            && part
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
            && !part.starts_with(['-', '.'])
            && !part.ends_with(['-', '.'])
            && !part.contains("--")
            && !part.contains("..")
    })
}

/// A model on the Hub at a revision (a branch, a tag or a commit; default `main`).
#[derive(Clone, Debug)]
pub struct Model {
    pub id: String,
    pub revision: String,
    settings: Settings,
    client: Client,
}

impl Model {
    /// The model `id` at `revision` (default `main`), with the environment's settings.
    pub fn new(id: &str, revision: Option<&str>) -> Result<Model> {
        Model::with_settings(id, revision, Settings::from_env())
    }

    pub fn with_settings(id: &str, revision: Option<&str>, settings: Settings) -> Result<Model> {
        if !looks_like_id(id) {
            return Err(Error::Hub {
                id: id.to_string(),
                message: "not a file, a directory, a built-in formula or a Hub model id".into(),
                help: "a model id looks like `org/name` (letters, digits, `-`, `_`, `.`)".into(),
            });
        }
        let revision = revision.unwrap_or("main").to_string();
        if revision.is_empty()
            || revision.contains("..")
            || revision.starts_with('/')
            || revision.chars().any(|c| c.is_control() || c == '\\')
        {
            return Err(Error::Hub {
                id: id.to_string(),
                message: format!("`{revision}` is not a revision"),
                help: "--revision takes a branch, a tag or a commit hash".into(),
            });
        }
        let client = Client::new(&settings);
        Ok(Model {
            id: id.to_string(),
            revision,
            settings,
            client,
        })
    }

    /// The model's folder in the cache: `models--ORG--NAME`.
    pub fn folder(&self) -> PathBuf {
        self.settings
            .cache
            .join(format!("models--{}", self.id.replace('/', "--")))
    }

    /// The commit the revision names, as far as the cache knows.
    fn cached_commit(&self) -> Option<String> {
        if is_commit_hash(&self.revision) {
            return Some(self.revision.clone());
        }
        let text = std::fs::read_to_string(self.folder().join("refs").join(&self.revision)).ok()?;
        let commit = text.trim();
        is_commit_hash(commit).then(|| commit.to_string())
    }

    /// `FILE` of the model, from the cache or, when it is not there, downloaded into it.
    pub fn file(&self, file: &str) -> Result<PathBuf> {
        if let Some(commit) = self.cached_commit() {
            let path = self.folder().join("snapshots").join(&commit).join(file);
            if path.is_file() {
                return Ok(path);
            }
            if self.settings.offline
                && self
                    .folder()
                    .join(".no_exist")
                    .join(&commit)
                    .join(file)
                    .exists()
            {
                return Err(self.not_found(file));
            }
        }
        self.online("download", file)?;
        let fetched = self.client.get(&self.url(file), None, MAX_SMALL_FILE)?;
        let fetched = self.checked(fetched, file)?;
        self.store(file, &fetched)
    }

    /// Whether the model has `FILE` (cache first). A 404 answers `false`; other failures are errors.
    pub fn has_file(&self, file: &str) -> Result<bool> {
        match self.file(file) {
            Ok(_) => Ok(true),
            Err(Error::Hub { message, .. }) if message.starts_with(NOT_FOUND) => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// The 8-byte length and JSON header of the safetensors file `FILE`, read with two range
    /// requests (or from the header cache), and the size of the whole file when the server says.
    pub fn safetensors_header(&self, file: &str) -> Result<(Vec<u8>, Option<u64>)> {
        let cached = |commit: &str| {
            self.folder()
                .join("paramcount")
                .join("headers")
                .join(commit)
                .join(file)
        };
        if let Some(commit) = self.cached_commit() {
            // A whole file in the snapshot is a real checkpoint: its header is read from disk.
            let whole = self.folder().join("snapshots").join(&commit).join(file);
            if whole.is_file() {
                return read_local_header(&whole);
            }
            if let Ok(bytes) = std::fs::read(cached(&commit)) {
                if let Some((header, size)) = split_cached_header(&bytes) {
                    return Ok((header, size));
                }
            }
        }
        self.online("read the header of", file)?;
        let url = self.url(file);
        let first = self.client.get(&url, Some((0, 7)), 8)?;
        let first = self.checked(first, file)?;
        let size = first.total_size;
        if first.body.len() < 8 {
            return Err(self.damaged(
                file,
                format!(
                    "the server sent {} bytes where the 8-byte header length was expected",
                    first.body.len()
                ),
            ));
        }
        let mut length = [0u8; 8];
        length.copy_from_slice(&first.body[..8]);
        let n = u64::from_le_bytes(length);
        if n > MAX_HEADER {
            return Err(self.damaged(
                file,
                format!(
                    "the header length says {n} bytes, more than the 100,000,000 the format allows"
                ),
            ));
        }
        if let Some(size) = size {
            if n.saturating_add(8) > size {
                return Err(self.damaged(
                    file,
                    format!("the header length says {n} bytes, but the file has {size} in all"),
                ));
            }
        }
        let mut bytes = length.to_vec();
        if n > 0 {
            let rest = self.client.get(&url, Some((8, 7 + n)), n)?;
            let rest = self.checked(rest, file)?;
            if rest.body.len() as u64 != n {
                return Err(self.damaged(
                    file,
                    format!(
                        "the header length says {n} bytes, the server sent {}",
                        rest.body.len()
                    ),
                ));
            }
            bytes.extend_from_slice(&rest.body);
        }
        if let Some(commit) = first.commit.clone().or_else(|| self.cached_commit()) {
            // The cache is a convenience: a read-only cache folder is no error.
            let path = cached(&commit);
            if let Some(parent) = path.parent() {
                let _ = std::fs::create_dir_all(parent);
            }
            let mut stored = size.unwrap_or(0).to_le_bytes().to_vec();
            stored.extend_from_slice(&bytes);
            let _ = std::fs::write(&path, stored);
        }
        Ok((bytes, size))
    }

    fn url(&self, file: &str) -> String {
        format!(
            "{}/{}/resolve/{}/{}",
            self.settings.endpoint,
            self.id,
            encode_revision(&self.revision),
            file
        )
    }

    fn online(&self, what: &str, file: &str) -> Result<()> {
        if self.settings.offline {
            return Err(Error::Hub {
                id: self.id.clone(),
                message: format!(
                    "`{file}` at revision `{}` is not in the cache ({}), and HF_HUB_OFFLINE is set, so it was not fetched",
                    self.revision,
                    self.settings.cache.display()
                ),
                help: format!(
                    "to {what} it, unset HF_HUB_OFFLINE and run again, or fetch the model with `huggingface-cli download {}`",
                    self.id
                ),
            });
        }
        Ok(())
    }

    /// A response turned into what it means for this model: 401/403 gated or private, 404 no such
    /// model, revision or file.
    fn checked(&self, fetched: Fetched, file: &str) -> Result<Fetched> {
        match fetched.status {
            200 | 206 => Ok(fetched),
            401 | 403 => Err(Error::Hub {
                id: self.id.clone(),
                message: format!(
                    "the Hub refused access (HTTP {}): the model is gated or private{}",
                    fetched.status,
                    if self.settings.token.is_some() {
                        ", and the token given has no access to it"
                    } else {
                        ", and no token was given"
                    }
                ),
                help: "accept the model's terms on its Hub page, then set HF_TOKEN to a token with access (or log in with `huggingface-cli login`)".into(),
            }),
            404 => {
                if let Some(commit) = &fetched.commit {
                    let marker = self.folder().join(".no_exist").join(commit).join(file);
                    if let Some(parent) = marker.parent() {
                        let _ = std::fs::create_dir_all(parent);
                    }
                    let _ = std::fs::write(marker, b"");
                }
                Err(self.not_found(file))
            }
            status => Err(Error::Hub {
                id: self.id.clone(),
                message: format!("the Hub answered HTTP {status} for `{}`", self.url(file)),
                help: "try again later; HF_ENDPOINT sets which server is asked".into(),
            }),
        }
    }

    fn not_found(&self, file: &str) -> Error {
        Error::Hub {
            id: self.id.clone(),
            message: format!(
                "{NOT_FOUND}: no model `{}` with revision `{}` and file `{file}` on {}",
                self.id, self.revision, self.settings.endpoint
            ),
            help: "check the id as typed (`org/name`, case matters) and the revision; a path to a local file or folder is read as a path".into(),
        }
    }

    fn damaged(&self, file: &str, message: String) -> Error {
        Error::Checkpoint {
            path: format!("{}/{file}", self.id),
            message,
            help: "the file on the Hub is not a safetensors file, or the server cut it short"
                .into(),
        }
    }

    /// Stores a downloaded file as `huggingface_hub` does: the content in `blobs/ETAG`, a link to it
    /// in `snapshots/COMMIT/FILE`, and the commit in `refs/REV`.
    fn store(&self, file: &str, fetched: &Fetched) -> Result<PathBuf> {
        let commit = fetched
            .commit
            .clone()
            .or_else(|| self.cached_commit())
            .unwrap_or_else(|| self.revision.clone());
        let folder = self.folder();
        let io = |path: &Path, e: std::io::Error| Error::Io {
            path: path.display().to_string(),
            message: format!("cannot write the Hub cache: {e}"),
        };
        let snapshot = folder.join("snapshots").join(&commit).join(file);
        let blob_name = fetched
            .etag
            .clone()
            .filter(|e| !e.is_empty() && !e.contains(['/', '\\', '.']))
            .unwrap_or_else(|| format!("paramcount-{commit}-{}", file.replace('/', "--")));
        let blob = folder.join("blobs").join(blob_name);
        for dir in [blob.parent(), snapshot.parent()].into_iter().flatten() {
            std::fs::create_dir_all(dir).map_err(|e| io(dir, e))?;
        }
        std::fs::write(&blob, &fetched.body).map_err(|e| io(&blob, e))?;
        let _ = std::fs::remove_file(&snapshot);
        if !link_to_blob(&blob, &snapshot) {
            std::fs::write(&snapshot, &fetched.body).map_err(|e| io(&snapshot, e))?;
        }
        if !is_commit_hash(&self.revision) && fetched.commit.is_some() {
            let reference = folder.join("refs").join(&self.revision);
            if let Some(parent) = reference.parent() {
                std::fs::create_dir_all(parent).map_err(|e| io(parent, e))?;
            }
            std::fs::write(&reference, &commit).map_err(|e| io(&reference, e))?;
        }
        Ok(snapshot)
    }
}

const NOT_FOUND: &str = "not found (HTTP 404)";

/// A relative link `snapshots/COMMIT/FILE -> ../../blobs/ETAG`, as `huggingface_hub` makes it.
#[cfg(unix)]
fn link_to_blob(blob: &Path, snapshot: &Path) -> bool {
    let Some(name) = blob.file_name() else {
        return false;
    };
    let depth = snapshot
        .strip_prefix(
            blob.parent()
                .and_then(Path::parent)
                .unwrap_or(Path::new("")),
        )
        .map(|rest| rest.components().count().saturating_sub(1))
        .unwrap_or(2);
    let mut target = PathBuf::new();
    for _ in 0..depth {
        target.push("..");
    }
    target.push("blobs");
    target.push(name);
    std::os::unix::fs::symlink(target, snapshot).is_ok()
}

#[cfg(not(unix))]
fn link_to_blob(_blob: &Path, _snapshot: &Path) -> bool {
    false
}

fn is_commit_hash(text: &str) -> bool {
    text.len() == 40 && text.bytes().all(|b| b.is_ascii_hexdigit())
}

/// A revision in a URL path: `refs/pr/1` keeps its slashes encoded, as the Hub expects.
fn encode_revision(revision: &str) -> String {
    revision.replace('/', "%2F")
}

/// A cached header: the file's size (8 bytes, 0 for unknown), then the 8-byte length and header.
fn split_cached_header(bytes: &[u8]) -> Option<(Vec<u8>, Option<u64>)> {
    if bytes.len() < 16 {
        return None;
    }
    let mut size = [0u8; 8];
    size.copy_from_slice(&bytes[..8]);
    let size = u64::from_le_bytes(size);
    let mut length = [0u8; 8];
    length.copy_from_slice(&bytes[8..16]);
    let n = u64::from_le_bytes(length);
    (n == (bytes.len() - 16) as u64).then(|| (bytes[8..].to_vec(), (size > 0).then_some(size)))
}

/// The length and header of a safetensors file on disk (a checkpoint in the snapshot folder).
fn read_local_header(path: &Path) -> Result<(Vec<u8>, Option<u64>)> {
    use std::io::Read;
    let io = |e: std::io::Error| Error::Io {
        path: path.display().to_string(),
        message: e.to_string(),
    };
    let mut file = std::fs::File::open(path).map_err(io)?;
    let size = file.metadata().map_err(io)?.len();
    let mut length = [0u8; 8];
    file.read_exact(&mut length).map_err(io)?;
    let n = u64::from_le_bytes(length)
        .min(MAX_HEADER)
        .min(size.saturating_sub(8));
    let mut bytes = length.to_vec();
    file.take(n).read_to_end(&mut bytes).map_err(io)?;
    Ok((bytes, Some(size)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_told_from_paths() {
        for id in [
            "gpt2",
            "meta-llama/Llama-3.1-8B",
            "Qwen/Qwen3-30B-A3B",
            "org/a.b_c",
        ] {
            assert!(looks_like_id(id), "{id}");
        }
        for not in [
            "", "a/b/c", "./x", "../x", "/abs", "a//b", "org/-x", "a--b/c", "x.", "a b",
        ] {
            assert!(!looks_like_id(not), "{not}");
        }
    }

    #[test]
    fn a_cached_header_keeps_the_file_size() {
        let mut stored = 1234u64.to_le_bytes().to_vec();
        stored.extend_from_slice(&2u64.to_le_bytes());
        stored.extend_from_slice(b"{}");
        let (header, size) = split_cached_header(&stored).unwrap();
        assert_eq!(&header[8..], b"{}");
        assert_eq!(size, Some(1234));
        stored.push(b' ');
        assert!(
            split_cached_header(&stored).is_none(),
            "a torn file is not used"
        );
    }
}
