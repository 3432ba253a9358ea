import Foundation

/// Progress on stderr: a redrawn bar on a terminal, plain lines otherwise (logs, CI).
struct Progress {
    let isTerminal = isatty(STDERR_FILENO) != 0
    private var lastDrawn = -1

    /// Redraws the bar for `fraction` of the current step, at most once per percent.
    mutating func bar(_ label: String, fraction: Double) {
        guard isTerminal else { return }
        let percent = Int(fraction * 100)
        guard percent != lastDrawn else { return }
        lastDrawn = percent
        let width = 30
        let filled = width * percent / 100
        let bar = String(repeating: "#", count: filled) + String(repeating: " ", count: width - filled)
        FileHandle.standardError.write(Data("\r\(label) [\(bar)] \(percent)%".utf8))
    }

    /// Ends the bar (if any) and prints one line.
    mutating func line(_ text: String) {
        if isTerminal && lastDrawn >= 0 { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
        lastDrawn = -1
        Console.error(text)
    }
}
