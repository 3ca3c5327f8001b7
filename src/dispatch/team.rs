//! `glance team [show]` and `glance team init [DIR]`.

use crate::cli::{Global, TeamAction};
use crate::exit::Failure;
use crate::render::Format;
use crate::team::{init, summary};

/// Runs `glance team`'s action (`show` when none is given).
pub fn command(global: &Global, action: Option<&TeamAction>) -> Result<(), Failure> {
    match action.unwrap_or(&TeamAction::Show) {
        TeamAction::Show => {
            let config = super::load_config(global)?;
            let gathered = config.team_summary();
            if config.format == Format::Json {
                println!("{}", summary::json(gathered.as_ref()));
            } else {
                print!("{}", summary::text(gathered.as_ref()));
            }
            Ok(())
        }
        TeamAction::Init { dir } => {
            let folder = match dir.as_ref().or(global.team_dir.as_ref()) {
                Some(dir) => dir.clone(),
                None => std::env::current_dir()
                    .map_err(|error| {
                        Failure::runtime(format!("cannot read the current directory: {error}"))
                    })?
                    .join(crate::team::FOLDER),
            };
            let placed = init::init(&folder).map_err(|error| {
                Failure::runtime(format!(
                    "cannot write the team folder {}: {error}",
                    crate::escape::visible(&folder.display().to_string())
                ))
            })?;
            print!("{}", init::text(&folder, &placed));
            Ok(())
        }
    }
}
