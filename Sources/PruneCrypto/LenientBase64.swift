import Foundation

/// DSSE lets signers pick standard or URL-safe base64, padded or not, so verifiers accept
/// all four. Anything else (whitespace, stray or excess padding, a foreign character) is refused.
public enum LenientBase64 {
    public static func decode(_ text: String) -> Data? {
        var body = Substring(text)
        var padding = 0
        while body.hasSuffix("=") {
            body = body.dropLast()
            padding += 1
        }
        guard padding <= 2 else { return nil }
        // Padding, when present, must complete the final quantum exactly.
        if padding > 0 && (body.utf8.count + padding) % 4 != 0 { return nil }
        let standard = String(body).replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        let missing = (4 - standard.utf8.count % 4) % 4
        return Data(base64Encoded: standard + String(repeating: "=", count: missing))
    }
}
