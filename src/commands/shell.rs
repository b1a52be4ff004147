//! `paramcount completions SHELL` and `paramcount man`: generated from the clap definition, so
//! they never drift from the real options.

use clap::{Args, ValueEnum};
use clap_complete::Shell;

use paramcount::Error;

use super::{print, Outcome};

#[derive(Args)]
#[command(
    after_help = "Examples:\n  paramcount completions bash > ~/.local/share/bash-completion/completions/paramcount\n  paramcount completions zsh > ~/.zfunc/_paramcount\n  paramcount completions fish > ~/.config/fish/completions/paramcount.fish\n  paramcount completions powershell >> $PROFILE"
)]
pub struct CompletionsArgs {
    /// The shell to write completions for
    #[arg(value_enum)]
    shell: ShellArg,
}

#[derive(Clone, Copy, ValueEnum)]
enum ShellArg {
    Bash,
    Zsh,
    Fish,
    Powershell,
    Elvish,
}

impl ShellArg {
    fn shell(self) -> Shell {
        match self {
            ShellArg::Bash => Shell::Bash,
            ShellArg::Zsh => Shell::Zsh,
            ShellArg::Fish => Shell::Fish,
            ShellArg::Powershell => Shell::PowerShell,
            ShellArg::Elvish => Shell::Elvish,
        }
    }
}

/// Writes the completion script for `command` (the whole CLI) to standard output.
pub fn completions(args: CompletionsArgs, mut command: clap::Command) -> Outcome {
    let mut script = Vec::new();
    let name = command.get_name().to_string();
    clap_complete::generate(args.shell.shell(), &mut command, name, &mut script);
    print(&String::from_utf8_lossy(&script));
    Outcome::Success
}

#[derive(Args)]
#[command(
    after_help = "Examples:\n  paramcount man | man -l -\n  paramcount man --dir /usr/local/share/man/man1"
)]
pub struct ManArgs {
    /// Write a page per subcommand (paramcount.1, paramcount-eval.1, ...) into this directory
    /// instead of printing the main page
    #[arg(long, value_name = "DIR")]
    dir: Option<std::path::PathBuf>,
}

/// Prints the main man page (roff), or writes every page into `--dir`.
pub fn man(args: ManArgs, command: clap::Command) -> Result<Outcome, Error> {
    let io_error = |path: String| {
        move |e: std::io::Error| Error::Io {
            path,
            message: e.to_string(),
        }
    };
    if let Some(dir) = args.dir {
        let shown = dir.display().to_string();
        clap_mangen::generate_to(command, &dir).map_err(io_error(shown))?;
        return Ok(Outcome::Success);
    }
    let mut page = Vec::new();
    clap_mangen::Man::new(command)
        .render(&mut page)
        .map_err(io_error("<stdout>".into()))?;
    print(&String::from_utf8_lossy(&page));
    Ok(Outcome::Success)
}
