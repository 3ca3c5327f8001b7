//! Looking at how the database runs a statement: what each command reads
//! (plans, statistics), and the findings it draws from them.

pub mod explain;
