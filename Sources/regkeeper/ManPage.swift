/// `regkeeper help --man`: the man page, rendered from the same help texts as `--help`.
enum ManPage {
    static func render(version: String) -> String {
        var out = ".TH REGKEEPER 1 \"\" \"regkeeper \(version)\" \"User Commands\"\n"
        out += ".SH NAME\nregkeeper \\- keeps a self-hosted Docker registry's storage healthy\n"
        out += ".SH SYNOPSIS\n.B regkeeper\n.I COMMAND\n[\n.I OPTIONS\n]\n"
        out += ".SH DESCRIPTION\n" + block(Help.overview)
        out += ".SH COMMANDS\n"
        for topic in Help.topics {
            out += ".SS \(escape(topic.name))\n\(escape(topic.summary)).\n" + block(topic.text)
        }
        out += ".SH EXIT STATUS\n0 done; 1 failed; 2 usage error; 3 the store has problems (gc, prune-tags: nothing was deleted; check: problems found).\n"
        out += ".SH SEE ALSO\n.BR docker-registry (1),\n.BR zstd (1),\n.BR tar (1)\n"
        return out
    }

    /// Help text as a preformatted block.
    static func block(_ text: String) -> String {
        ".nf\n" + text.split(separator: "\n", omittingEmptySubsequences: false).map { escape(String($0)) }.joined(separator: "\n") + "\n.fi\n"
    }

    /// Escapes roff's backslash and a leading dot or quote.
    static func escape(_ line: String) -> String {
        var text = line.replacingBackslashes()
        if text.hasPrefix(".") || text.hasPrefix("'") { text = "\\&" + text }
        return text
    }
}

extension String {
    fileprivate func replacingBackslashes() -> String {
        var out = ""
        for c in self { if c == "\\" { out += "\\e" } else { out.append(c) } }
        return out
    }
}
