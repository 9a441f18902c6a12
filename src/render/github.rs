//! GitHub Actions workflow commands: one `::error|warning|notice ...::message` line a
//! finding, which the runner turns into annotations on the pull request. Escaping follows
//! the runner's rules (actions/toolkit `command.ts`): `%`, CR and LF in the message;
//! additionally `:` and `,` in property values. Text from the input is escaped first
//! (`escape::line`), so that a name holds no line break to encode and no terminal escape
//! reaches the log: only the break before `help:` is a real one, encoded.

use super::{escape, positions};
use crate::finding::{Finding, Severity};
use crate::model::Workspace;
use std::io::{self, Write};

pub fn write(ws: &Workspace, findings: &[Finding], out: &mut dyn Write) -> io::Result<()> {
    for f in findings {
        let (start, end) = positions(ws, f);
        let command = match f.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "notice",
        };
        let path = escape::line(&ws.sources.get(f.span.file).display);
        let message = match &f.help {
            Some(help) => format!("{}\nhelp: {help}", f.message),
            None => f.message.clone(),
        };
        writeln!(
            out,
            "::{command} file={},line={},col={},endLine={},endColumn={},title={}::{}",
            property(&path),
            start.line,
            start.column,
            end.line,
            end.column,
            property(&f.code),
            data(&message)
        )?;
    }
    Ok(())
}

fn data(s: &str) -> String {
    s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

fn property(s: &str) -> String {
    data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_follows_the_runner() {
        assert_eq!(data("50% a\r\nb: c, d"), "50%25 a%0D%0Ab: c, d");
        assert_eq!(property("a:b,c%\n"), "a%3Ab%2Cc%25%0A");
    }
}
