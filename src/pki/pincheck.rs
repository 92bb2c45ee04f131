//! pin-check (in progress)
