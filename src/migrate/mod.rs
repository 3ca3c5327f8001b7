//! Migrations: the files glance writes in the layout of a project's migration tool.

pub mod files;
