//! Word-of-mouth spread on a social graph (in progress).
