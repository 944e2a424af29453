//! `pkgr completions SHELL`: clap_complete's scripts, with one repair for bash. Its bash
//! generator offers a subcommand's options where the subcommand takes a file
//! (`pkgr inspect <TAB>` listed `-h --json --help`, never a file name); zsh and fish already
//! follow the arguments' value hints. The bash script is patched here for each subcommand whose
//! argument is a file or directory, and the patch is checked: if clap_complete's output
//! changes shape, the script is returned unpatched rather than broken.

use clap::ValueHint;
use clap_complete::Shell;

/// The completion script for `shell`.
pub fn script(shell: Shell, mut cmd: clap::Command) -> Vec<u8> {
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut cmd, "pkgr", &mut buf);
    if shell != Shell::Bash {
        return buf;
    }
    let mut text = String::from_utf8_lossy(&buf).into_owned();
    for sub in cmd.get_subcommands() {
        let hint = sub.get_positionals().next().map(clap::Arg::get_value_hint);
        let action = match hint {
            Some(ValueHint::FilePath) => "-f",
            Some(ValueHint::DirPath) => "-d",
            _ => continue,
        };
        text = patched(&text, sub.get_name(), action).unwrap_or(text);
    }
    text.into_bytes()
}

/// `text` with the case branch of subcommand `name` completing options only after a `-`, and
/// `compgen ACTION` (files or directories) otherwise; `None` when the branch is not found.
fn patched(text: &str, name: &str, action: &str) -> Option<String> {
    let start = text.find(&format!("        pkgr__subcmd__{name})\n"))?;
    let len = text[start..].find("\n            ;;\n")?;
    let branch = &text[start..start + len];
    let first = "if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then";
    let last = "COMPREPLY=( $(compgen -W \"${opts}\" -- \"${cur}\") )\n            return 0";
    if !branch.contains(first) || !branch.ends_with(last) {
        return None;
    }
    let fixed = branch.replacen(first, "if [[ ${cur} == -* ]] ; then", 1);
    let fixed = format!(
        "{}COMPREPLY=( $(compgen {action} -- \"${{cur}}\") )\n            return 0",
        &fixed[..fixed.len() - last.len()]
    );
    Some(format!("{}{fixed}{}", &text[..start], &text[start + len..]))
}
