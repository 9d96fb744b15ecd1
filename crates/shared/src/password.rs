//! The password length rule, in one place for the server's policy, the live feedback in the
//! browser and the messages that name the limits.

/// Fewest characters (Unicode code points after NFKC) a password may have.
pub const MIN_CHARS: usize = 15;
/// Most characters a password may have; nothing longer is truncated, it is refused.
pub const MAX_CHARS: usize = 256;
/// A code point has at most 4 bytes in UTF-8: input longer than this is refused before any work,
/// and password inputs take at most this many characters.
pub const MAX_BYTES: usize = MAX_CHARS * 4;
