//! The diffusion layer's error type.

use std::path::PathBuf;

/// Everything that can go wrong with a user's graph, file or arguments in [`crate::diffusion`].
///
/// The enum is `#[non_exhaustive]`: new variants may appear in minor releases.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DiffusionError {
    /// A line of an edge list could not be parsed.
    #[error("line {line}: {message}")]
    Parse {
        /// 1-based line number in the input.
        line: usize,
        /// What is wrong with the line.
        message: String,
    },

    /// A file could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },

    /// An input is larger than the limit on what is read (see
    /// [`load_edge_list_with_limit`](crate::diffusion::load_edge_list_with_limit)).
    #[error("{}: larger than {limit} bytes, the limit for an edge list", path.display())]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// The limit, in bytes.
        limit: u64,
    },

    /// An argument is out of its range or inconsistent with the graph.
    #[error("invalid argument `{name}`: {message}")]
    InvalidArgument {
        /// The argument's name.
        name: &'static str,
        /// What is wrong with it.
        message: String,
    },
}

impl DiffusionError {
    /// Shorthand for [`DiffusionError::InvalidArgument`].
    pub(crate) fn invalid(name: &'static str, message: impl Into<String>) -> Self {
        DiffusionError::InvalidArgument {
            name,
            message: message.into(),
        }
    }
}
