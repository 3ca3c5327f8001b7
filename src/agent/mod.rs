//! The agent: turns a plain-language question into one proposed SQL
//! statement. `context` writes the schema part of the prompt, `prompt` the
//! instructions around it, and `extract` reads SQL out of the model's reply.

pub mod context;
pub mod extract;
pub mod prompt;
