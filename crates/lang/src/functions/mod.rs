//! Native versions of functions that modules ship in Ruby, used in place of the Ruby only where
//! a test has shown them equal (see `stdlib`).

pub mod stdlib;
