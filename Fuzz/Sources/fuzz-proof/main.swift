// fuzz-proof: the Merkle inclusion proof a data holder checks, as `prune report check-proof
// proof.json --root ROOT` reads it: ReportInclusionProof(jsonData:) → check(trustedRoot:)
// (RFC 9162 audit path) → point() (the leaf's point result). The trusted roots are the
// vectors' proofRoot and the proof's own root, so every proof that parses walks its path. A
// changed leaf no longer matches its leafHash, so each input is also tried with leafHash and
// root recomputed from the leaf and path: such a proof must check, and its leaf is parsed. A
// proof that parses must serialize and parse back equal.
// fuzz-seeds: Specs/vectors/report/proof-*.json Fuzz/seeds/proof
import Foundation
import FuzzSupport
import PruneAudit
import PruneBundle
import PruneFuzzInputs

/// The root a holder of Specs/vectors/report/proof-passed-row0.json trusts (vectors.json).
let vectorRoot = "20bb8cea452e5091cfaa38c0b1b67811ee54d1c95763ba2208b2b5bc7d4ad84e"

/// What check-proof does with a parsed proof and a trusted root (without --point).
func check(_ proof: ReportInclusionProof, trustedRoot: String) throws {
    try proof.check(trustedRoot: trustedRoot)
    _ = try proof.point()
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
    FuzzHarness.run(start, count) { data in
        if let fixed = ConsistentInputs.inclusionProof(data) {
            let proof = try ReportInclusionProof(jsonData: fixed)
            do { try proof.check(trustedRoot: proof.root) } catch {
                fatalError("a proof whose root is where its audit path leads does not check: \(error)")
            }
            FuzzHarness.stage({ _ in _ = try proof.point() }, fixed)
        }
        let proof = try ReportInclusionProof(jsonData: data)
        FuzzHarness.stage({ _ in try check(proof, trustedRoot: vectorRoot) }, data)
        FuzzHarness.stage({ _ in try check(proof, trustedRoot: proof.root.uppercased()) }, data)
        FuzzHarness.stage({ _ in _ = try proof.point() }, data)
        let again = try ReportInclusionProof(jsonData: JSONSerializer.data(try proof.jsonValue))
        guard again == proof else { fatalError("jsonValue → parse does not give the same proof") }
    }
}
