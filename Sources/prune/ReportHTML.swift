import Foundation
import PruneAudit

/// One self-contained HTML page for an audit report: inline CSS, an inline SVG histogram and a
/// small inline script that filters the table by verdict. Nothing is fetched: the page has no
/// `src` or `href` that leaves the file. Every string taken from the report is escaped.
struct ReportHTML {
    let report: AuditReport
    /// SHA-256 of the uncompressed report bytes.
    let digest: String
    /// Whether the signature was verified against a trusted key, and by which key.
    let verified: Bool
    let signer: String?
    let merkleRoot: String
    /// The report's path as given, for the re-verification commands.
    let reportPath: String

    /// Escapes text for element content and double- or single-quoted attribute values.
    static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.count)
        for c in s.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }

    static func number(_ v: Double?) -> String {
        guard let v else { return "–" }
        return String(format: "%.4g", v)
    }

    /// The margin the histogram shows for a point: the region margin when the region claim
    /// was checked, else the point margin.
    static func margin(_ p: AuditPointResult) -> Double? { p.regionMargin ?? p.pointMargin }

    func render() -> String {
        let e = Self.escape
        let result = report.result.rawValue
        var h = """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>prune audit report: \(e(result))</title>
            <style>
            body{font-family:system-ui,sans-serif;margin:2em auto;max-width:70em;color:#222;padding:0 1em}
            h1{font-size:1.6em}.verdict{display:inline-block;padding:.2em .7em;border-radius:.3em;color:#fff;font-weight:bold}
            .PASSED{background:#1a7f37}.FAILED{background:#c62828}
            table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:.25em .6em;text-align:left;font-size:.9em}
            th{background:#f3f3f3}code,.mono{font-family:ui-monospace,monospace;font-size:.85em;word-break:break-all}
            pre{background:#f6f8fa;padding:.8em;overflow-x:auto;font-size:.85em}
            .warn{color:#c62828;font-weight:bold}.ok{color:#1a7f37;font-weight:bold}
            </style></head><body>
            <h1>prune audit report <span id="verdict" class="verdict \(e(result))">\(e(result))</span></h1>

            """
        h += "<p>"
        if verified {
            h += "<span class=\"ok\">Signature verified</span> with the trusted auditor key <code>sha256:\(e(signer ?? ""))</code>."
        } else {
            h += "<span class=\"warn\">NOT VERIFIED</span>: this page was made without checking the report's signature "
                + "(<code>prune report html … --trust AUDITOR.pub</code> checks it first)."
        }
        h += " Verified at \(e(report.timeVerified)) by prune \(e(report.verifierVersion)); policy: require "
            + "<code>\(e(report.policy.require.rawValue))</code>, margin <code>\(e(report.policy.margin))</code>"
            + (report.policy.resolve ? ", LP cross-check" : "") + ".</p>\n"

        // Inputs and digests.
        h += "<h2>Inputs and digests</h2>\n<table id=\"inputs\"><tr><th>input</th><th>SHA-256</th></tr>\n"
        h += "<tr><td>report (uncompressed bytes)</td><td class=\"mono\">\(e(digest))</td></tr>\n"
        h += "<tr><td>model (root digest)</td><td class=\"mono\">\(e(report.subjects.model))</td></tr>\n"
        for (i, b) in report.subjects.bundles.enumerated() {
            h += "<tr><td>patch bundle \(i + 1)</td><td class=\"mono\">\(e(b))</td></tr>\n"
        }
        h += "<tr><td>forget request</td><td class=\"mono\">\(e(report.subjects.forgetRequest))</td></tr>\n"
        if let r = report.subjects.reference {
            h += "<tr><td>reference data</td><td class=\"mono\">\(e(r))</td></tr>\n"
        }
        h += "<tr><td>Merkle root of the points</td><td class=\"mono\" id=\"merkle-root\">\(e(merkleRoot))</td></tr>\n</table>\n"

        // Global checks and counts.
        h += "<h2>Checks</h2>\n<table id=\"checks\"><tr><th>check</th><th>status</th><th>code</th></tr>\n"
        for c in report.checks {
            h += "<tr><td>\(e(c.name))</td><td>\(e(c.status.rawValue))</td><td>\(e(c.code ?? "–"))</td></tr>\n"
        }
        h += "</table>\n<h2>Points per verdict</h2>\n<table id=\"counts\"><tr><th>verdict</th><th>points</th></tr>\n"
        for (v, n) in report.verdictCounts where n > 0 {
            h += "<tr><td>\(e(v.rawValue))</td><td>\(n)</td></tr>\n"
        }
        h += "<tr><th>all</th><th>\(report.points.count)</th></tr>\n</table>\n"
        let codes = report.codeCounts
        if !codes.isEmpty {
            h += "<table id=\"codes\"><tr><th>code</th><th>points</th></tr>\n"
            for (c, n) in codes { h += "<tr><td>\(e(c))</td><td>\(n)</td></tr>\n" }
            h += "</table>\n"
        }

        h += "<h2>Certified margins</h2>\n" + histogram()

        // The points, filterable by verdict.
        h += "<h2>Points</h2>\n<p><label for=\"filter\">Show verdict </label><select id=\"filter\"><option value=\"\">all</option>"
        for (v, n) in report.verdictCounts where n > 0 {
            h += "<option value=\"\(e(v.rawValue))\">\(e(v.rawValue))</option>"
        }
        h += "</select> <span id=\"shown\">\(report.points.count)</span> shown</p>\n"
        h += "<table id=\"points\"><thead><tr><th>row</th><th>commitment</th><th>claim</th><th>verdict</th><th>code</th>"
            + "<th>point margin</th><th>region margin</th><th>patch</th></tr></thead><tbody>\n"
        for p in report.worstFirst {
            let patch = p.patch.map { "bundle \(String($0.bundle.prefix(12)))… #\($0.index)" } ?? "–"
            h += "<tr data-verdict=\"\(e(p.verdict.rawValue))\"><td>\(p.row)</td><td class=\"mono\">\(e(p.commitment ?? "–"))</td>"
                + "<td>\(e(p.claim ?? "–"))</td><td>\(e(p.verdict.rawValue))</td><td>\(e(p.code?.rawValue ?? "–"))</td>"
                + "<td>\(Self.number(p.pointMargin))</td><td>\(Self.number(p.regionMargin))</td><td>\(e(patch))</td></tr>\n"
        }
        h += "</tbody></table>\n"

        // Locality.
        h += "<h2>Locality</h2>\n"
        if let l = report.locality {
            h += "<table id=\"locality\"><tr><th>reference samples</th><td>\(l.samples)</td></tr>\n"
                + "<tr><th>predictions changed</th><td>\(l.predictionsChanged.count)\(Self.indices(l.predictionsChanged))</td></tr>\n"
                + "<tr><th>logits changed outside every patched region</th><td>\(l.changedOutsideRegions.count)\(Self.indices(l.changedOutsideRegions))</td></tr>\n"
                + "<tr><th>gates open</th><td>\(l.openGates)</td></tr>\n"
                + "<tr><th>max |f̂ − f| over the reference data</th><td>\(Self.number(l.maxLogitChange))</td></tr>\n</table>\n"
                + "<p>Locality is reported, not a pass/fail check.</p>\n"
        } else {
            h += "<p>No reference data was given to the audit.</p>\n"
        }

        // How to re-verify.
        let r = Self.shellQuote(reportPath)
        let first = report.points.first { $0.commitment != nil }?.commitment ?? "COMMITMENT"
        h += "<h2>How to re-verify</h2>\n<pre id=\"commands\">"
        h += e("""
            # the signature, the schema and the Merkle root, with the auditor's public key:
            prune report verify \(r) --trust AUDITOR.pub.pem
            # re-run the whole audit from the inputs and require the same verdicts:
            prune report verify \(r) --trust AUDITOR.pub.pem --recheck --model MODEL \\
              \(report.subjects.bundles.indices.map { "--bundle BUNDLE-\($0 + 1)" }.joined(separator: " ")) --trust-bundle OWNER.pub.pem \\
              --forget DATA --forget-rows ROWS
            # a data holder's inclusion proof for one point, checked against the root:
            prune report prove \(r) --point \(first) --trust AUDITOR.pub.pem > proof.json
            prune report check-proof proof.json --root \(merkleRoot) --point \(first)
            """)
        h += "</pre>\n"
        h += """
            <script>
            (function () {
              var filter = document.getElementById('filter');
              var rows = document.querySelectorAll('#points tbody tr');
              filter.addEventListener('change', function () {
                var shown = 0;
                for (var i = 0; i < rows.length; i++) {
                  var show = filter.value === '' || rows[i].getAttribute('data-verdict') === filter.value;
                  rows[i].style.display = show ? '' : 'none';
                  if (show) { shown++; }
                }
                document.getElementById('shown').textContent = String(shown);
              });
            })();
            </script>
            </body></html>

            """
        return h
    }

    static func indices(_ list: [Int]) -> String {
        list.isEmpty ? "" : " (at " + list.prefix(50).map(String.init).joined(separator: ", ") + (list.count > 50 ? ", …" : "") + ")"
    }

    static func shellQuote(_ s: String) -> String {
        s.allSatisfy { $0.isLetter || $0.isNumber || "/._-+:=,".contains($0) } ? s : "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// An inline SVG histogram of the margins, ten equal bins between the smallest and largest.
    func histogram() -> String {
        let values = report.points.compactMap(Self.margin).filter(\.isFinite)
        guard !values.isEmpty, let lo = values.min(), let hi = values.max() else {
            return "<p id=\"histogram\">No point has a certified margin.</p>\n"
        }
        let bins = 10
        let width = hi > lo ? (hi - lo) / Double(bins) : 1
        var counts = [Int](repeating: 0, count: bins)
        for v in values { counts[min(bins - 1, max(0, Int((v - lo) / width)))] += 1 }
        let highest = counts.max() ?? 1
        let w = 600.0, hgt = 200.0, top = 16.0, barW = w / Double(bins)
        var svg = "<svg id=\"histogram\" width=\"\(Int(w) + 20)\" height=\"\(Int(top + hgt) + 40)\" role=\"img\" aria-label=\"histogram of margins\">\n"
        for (i, n) in counts.enumerated() {
            let bh = hgt * Double(n) / Double(max(highest, 1))
            let x = 10 + Double(i) * barW
            let from = lo + Double(i) * width
            let title = Self.escape("\(n) points with margin in [\(Self.number(from)), \(Self.number(from + width)))")
            svg += String(format: "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#4a78c2\">", x + 1, top + hgt - bh, barW - 2, bh)
                + "<title>\(title)</title></rect>\n"
            if n > 0 {
                svg += String(format: "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" text-anchor=\"middle\">%d</text>\n", x + barW / 2, top + hgt - bh - 3, n)
            }
        }
        svg += "<text x=\"10\" y=\"\(Int(top + hgt) + 16)\" font-size=\"11\">\(Self.escape(Self.number(lo)))</text>\n"
        svg += "<text x=\"\(Int(w) + 10)\" y=\"\(Int(top + hgt) + 16)\" font-size=\"11\" text-anchor=\"end\">\(Self.escape(Self.number(hi)))</text>\n"
        svg += "<text x=\"\(Int(w / 2) + 10)\" y=\"\(Int(top + hgt) + 34)\" font-size=\"12\" text-anchor=\"middle\">certified margin (region margin, else point margin); \(values.count) points</text>\n"
        svg += "</svg>\n"
        return svg
    }
}
