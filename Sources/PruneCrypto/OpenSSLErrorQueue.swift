import COpenSSL

/// OpenSSL reports failures on a thread-local queue. Every failing call drains it, so a
/// stale entry never shows up in the message of a later, unrelated error.
enum OpenSSLErrorQueue {
    /// Removes every queued error and returns them joined, or a placeholder if none was queued.
    static func drain() -> String {
        var messages: [String] = []
        while true {
            let code = ERR_get_error()
            if code == 0 { break }
            var buffer = [CChar](repeating: 0, count: 256)
            ERR_error_string_n(code, &buffer, buffer.count)
            messages.append(String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        return messages.isEmpty ? "no OpenSSL error recorded" : messages.joined(separator: "; ")
    }

    /// The error for a failed OpenSSL call that the input did not cause.
    static func failure(_ operation: String) -> CryptoError {
        .openssl(operation: operation, detail: drain())
    }

    /// Forgets queued errors after a call whose failure is an expected outcome (a bad signature).
    static func discard() { ERR_clear_error() }
}
