import Foundation
import PruneAudit
import PruneBundle
import PruneCompression
import PruneCore
import PruneCrypto
import PruneModel
import PruneRepair
import PruneTestSupport

struct CorpusSetupError: Error, CustomStringConvertible {
    let description: String
}

/// One generator per attack class (Specs/adversarial-corpus.md). Each derives its bundles
/// from the honest fixture; attacks by a dishonest owner are re-signed with the trusted key.
extension AdversarialCorpus {
    func attacks() throws -> [Attack] {
        var all = [Attack]()
        all += try claimAttacks()
        all += try numericAttacks()
        all += try bindingAndChainAttacks()
        all += try envelopeAttacks()
        all += try encodingAttacks()
        all += try requestAttacks()
        return all
    }

    // MARK: - Claims about regions and patches (C1–C6)

    func claimAttacks() throws -> [Attack] {
        let p0 = self.p0, m0 = self.m0, c0 = self.c0, y0 = self.y0, t0 = self.t0
        let own = try pattern(x0), neighbourPattern = try neighbour()
        var far = own
        var rng = SeededGenerator(seed: 7)
        while far == own || far == neighbourPattern { far = try pattern(randomPoint(m, &rng)) }
        let honestDelta = honest.patches[p0].offset[t0] - honest.patches[p0].offset[y0]
        let rival = (0..<c).first { $0 != y0 && $0 != t0 }!
        var boost = [Double](repeating: 0, count: c)
        boost[y0] = 2 * honestDelta
        var result = [Attack]()
        func add(_ cls: String, _ name: String, _ code: AuditCode, claimsStayTrue: Bool = false, locality: Bool = false,
                 _ change: @escaping (inout PatchFile) throws -> Void) {
            result.append(Attack(attackClass: cls, name: name, expected: code.rawValue, claimsStayTrue: claimsStayTrue) {
                self.audit([try self.sign(try self.edited(change))], locality: locality)
            })
        }
        _ = m0
        add("patch-not-covering", "the patch's only member is a far region, no member named", .notCovered) { f in
            f.patches[p0].members = try self.members([far])
            f.points[0].member = nil
        }
        add("patch-not-covering", "region claim with no covering patch", .notCovered) { f in f.points[0].patch = nil }
        add("patch-not-covering", "covering patch index past the last patch", .notCovered) { f in f.points[0].patch = 99 }
        add("neighbour-region", "the named member is the neighbouring region across the nearest facet", .regionMismatch) { f in
            f.patches[p0].members = try self.members([neighbourPattern])
        }
        add("neighbour-region", "the neighbouring region added as a member and named for the point", .regionMismatch) { f in
            f.patches[p0].members = try self.members([try self.pattern(self.x0), neighbourPattern])
            f.points[0].member = 1
        }
        add("neighbour-region", "a member index past the patch's members", .regionMismatch) { f in f.points[0].member = 7 }
        add("k-below-bound", "K one ulp below the closed-form bound", .boundUnsound) { f in
            f.patches[p0].bound = Patch.requiredBound(offset: f.patches[p0].offset, linear: nil, box: self.network.input.box).nextDown
        }
        add("k-below-bound", "K = 0", .boundUnsound) { f in f.patches[p0].bound = 0 }
        add("gamma-leak", "γ = 1e-9 on every patch: gates open on the reference points", .localityChanged,
            claimsStayTrue: true, locality: true) { f in
            for k in f.patches.indices { f.patches[k].gamma = 1e-9 }
        }
        add("target-is-label", "the covering patch targets the point's own label", .targetIsLabel) { f in
            f.patches[p0].target = y0
            f.patches[p0].offset = self.offsets(delta: honestDelta, target: y0)
        }
        add("cancelling-patch", "a second patch on the same region lifts the label by 2Δ", .notForgotten) { f in
            var second = f.patches[p0]
            second.target = rival
            second.offset = boost
            second.bound = 2 * honestDelta
            f.patches.append(second)
        }
        /// Appends a sharp patch (γ = 1e9) on `member` that lifts the label by 2Δ, and claims on
        /// the point's certificate that its gate is closed there, with no multipliers.
        func appendLiftingPatch(_ f: inout PatchFile, member: ActivationPattern, gateLayers: Int? = nil,
                                weights: PatchFile.SparseMatrix? = nil) throws {
            var second = f.patches[p0]
            second.target = rival
            second.offset = boost
            second.bound = 2 * honestDelta
            second.gamma = 1e9
            second.members = try self.members([member])
            second.gateLayers = gateLayers
            f.patches.append(second)
            var claim = try JSONDecoder().decode(PatchFile.InterferenceEntry.self, from: Data("{\"patch\":0,\"treatment\":\"shared\"}".utf8))
            claim.patch = f.patches.count - 1
            claim.treatment = "gate-closed"
            claim.lowerBounds = [1]
            claim.multipliers = try self.sparse([], shape: [1, self.n])
            claim.weights = weights
            f.certificates[c0].interference.append(claim)
        }
        // Two flips: with one, the gate's violation sum at the point is exactly 1 and the verifier
        // (conservatively) does not call it closed, so C0 would fail first.
        let near = try neighbour(flips: 2)
        add("cancelling-patch-neighbour", "a sharp patch on a nearby region lifts the label; gate-closed claimed with no proof",
            .interference) { f in try appendLiftingPatch(&f, member: near) }
        // A member one second-layer neuron away from the point's region, its gate cut to the
        // first layer (v2): that gate is 1 on the whole region. The proof weighs the deeper row,
        // which this gate does not have; read as an exact gate (a verifier ignoring gateLayers),
        // γ = 1e9 would close it at the point.
        add("coarse-gate", "a first-layer gate over the point's region lifts the label; gate-closed claimed on a deeper row",
            .notForgotten) { f in
            var member = try self.pattern(self.x0)
            let deeper = self.network.hiddenWidths[0]
            member[deeper].toggle()
            f.format = PatchFile.gateLayersFormatName
            try appendLiftingPatch(&f, member: member, gateLayers: 1, weights: try self.sparse([(deeper, 1)], shape: [1, self.n]))
        }
        add("offsets-shrunk-numbers-doctored", "offsets 0.9×, certificate bounds and patchedBound written as if the claim held",
            .certificateInvalid) { f in
            f.patches[p0].offset = f.patches[p0].offset.map { $0 * 0.9 }
            f.certificates[c0].patchedBound = -1
            f.certificates[c0].bounds = f.certificates[c0].bounds.map { $0 - 1 }
        }
        add("certificate-missing", "region-certified claim, the certificate removed", .certificateMissing) { f in
            f.certificates.remove(at: c0)
        }
        add("certificate-missing", "region-certified claim, the certificate of the wrong shape", .certificateMissing) { f in
            f.certificates[c0].multipliers = try self.sparse([(0, 1)], shape: [1, self.n])
        }
        return result
    }

    // MARK: - Numbers: certificates, duals, rounding (C0, C5)

    func numericAttacks() throws -> [Attack] {
        var result = [Attack]()
        let box = network.input.box
        let problem = try claimProblem()
        let rigorous = try RigorousDualBound(network: network, box: box)
        let rowsOfCertificate = try certificateRows()
        let honestRow = Array(rowsOfCertificate[(y0 * n)..<((y0 + 1) * n)])
        let (p0, c0, y0, t0, tau) = (self.p0, self.c0, self.y0, self.t0, Self.tau)

        // A claim false by δ = 1e-9 at a witness point of the region (the LP maximiser pulled
        // slightly towards x₀, so it lies inside): max over the region of f_y − f_t + d_y − d_t > −τ.
        let exact = try problem.exactBounds()[0]
        let witness = zip(exact.maximizer, x0).map { $0 + 1e-3 * ($1 - $0) }
        guard try pattern(witness) == pattern(x0), box.contains(witness) else {
            throw CorpusSetupError(description: "the witness left the region")
        }
        let wl = try network.evaluate(witness).logits
        let falseDelta = (wl[y0] - wl[t0]) + tau - 1e-9
        func falseClaim(_ f: inout PatchFile, multipliers row: [Double]) throws {
            f.patches[p0].offset = offsets(delta: falseDelta, target: t0)
            f.patches[p0].bound = falseDelta / 2
            var dense = rowsOfCertificate
            dense.replaceSubrange((y0 * n)..<((y0 + 1) * n), with: row)
            f.certificates[c0].multipliers = try sparse(dense: dense, shape: [c, n])
            f.certificates[c0].patchedBound = -tau - 1e-3
            f.certificates[c0].bounds[y0] = falseDelta - tau - 1e-3
        }
        let scaled = exact.multipliers.map { $0 * (1 - 1e-12) }
        let scaledFile = try edited { try falseClaim(&$0, multipliers: scaled) }
        result.append(Attack(attackClass: "duals-scaled", name: "exact duals × (1 − 1e-12) on a claim false by 1e-9 at a witness",
                             expected: AuditCode.certificateInvalid.rawValue) { self.audit([try self.sign(scaledFile)]) })

        // A negative multiplier that makes the unclamped dual bound "prove" the false claim.
        var negative: [Double]?
        search: for i in 0..<n where exact.multipliers[i] == 0 {
            for e in -3...4 {
                var y = exact.multipliers
                y[i] = -pow(10, Double(e))
                if problem.evaluate(multipliers: y).values[0] - falseDelta + tau <= -1e-6 { negative = y; break search }
            }
        }
        guard let negative else { throw CorpusSetupError(description: "no negative entry lowers the naive bound enough") }
        let negativeFile = try edited { try falseClaim(&$0, multipliers: negative) }
        result.append(Attack(attackClass: "negative-multiplier",
                             name: "one negative dual entry: unclamped the bound proves the false claim, clamped it does not",
                             expected: AuditCode.certificateInvalid.rawValue) { self.audit([try self.sign(negativeFile)]) })

        // A certificate valid for another target: exact duals of every row against t₂.
        let t2 = (0..<c).first { $0 != y0 && $0 != t0 }!
        var v2 = [Double](repeating: 0, count: c * c)
        for j in 0..<c where j != t2 { v2[j * c + j] = 1; v2[j * c + t2] = -1 }
        let other = try DualProblem(network: network, box: box, patterns: [try pattern(x0)], cotangents: v2, count: c)
            .exactBounds(rows: (0..<c).filter { $0 != t2 })
        var otherDense = [Double](repeating: 0, count: c * n)
        for (r, j) in (0..<c).filter({ $0 != t2 }).enumerated() { otherDense.replaceSubrange((j * n)..<((j + 1) * n), with: other[r].multipliers) }
        let otherTarget = try edited { f in f.certificates[c0].multipliers = try self.sparse(dense: otherDense, shape: [self.c, self.n]) }
        result.append(Attack(attackClass: "certificate-other-target", name: "exact certificate for target \(t2) shipped for target \(t0)",
                             expected: AuditCode.certificateInvalid.rawValue) { self.audit([try self.sign(otherTarget)]) })

        // C5 holds only without rounding: Δ is the smallest with B − Δ + τ ≤ 0 for the naive
        // (Float64, no allowance) value B of the honest multipliers; the rigorous bound is above.
        let naive = problem.evaluate(multipliers: honestRow).values[0]
        let certified = rigorous.upperBounds(problem, multipliers: honestRow)[0]
        var roundingDelta = naive + tau
        while !((naive - roundingDelta) + tau <= 0) { roundingDelta = roundingDelta.nextUp }
        let alone = RoundingBound.upper(certified - roundingDelta, magnitude: abs(certified) + roundingDelta, operations: 3)
        guard alone + tau > 0 else { throw CorpusSetupError(description: "the rounding window for C5 is empty") }
        let roundingFile = edited { f in
            f.patches[p0].offset = self.offsets(delta: roundingDelta, target: t0)
            f.patches[p0].bound = roundingDelta / 2
        }
        result.append(Attack(attackClass: "margin-only-without-rounding-region",
                             name: "region margin that the certificate proves only in naive Float64 (rigorous bound \(certified - naive) higher)",
                             expected: AuditCode.certificateInvalid.rawValue) { self.audit([try self.sign(roundingFile)]) })

        // C0 false by less than the rounding error, and true only in Float32: a point (from a
        // seeded search) where Float64 or Float32 evaluation overestimates f_t − f_y, and Δ
        // with v + Δ < τ in real arithmetic but ≥ τ as naively computed.
        var rng = SeededGenerator(seed: 77)
        var float64Case: PatchFile?, float64Point: ([Double], Int)?
        var float32Case: PatchFile?, float32Point: ([Double], Int)?
        for _ in 0..<4000 where float64Case == nil || float32Case == nil {
            let x = randomPoint(m, &rng).map { Double(Float($0)) }
            let eval = try network.evaluate(x)
            let logits = Array(eval.logits(of: 0))
            let y = eval.predictions[0], t = Unlearner.runnerUp(label: y, logits: logits[...])
            let accurate = try accurateLogits(x)
            let v = accurate[t] - accurate[y]
            func reallyFalse(_ delta: Double) -> Bool { (v + DoubleDouble(delta) - DoubleDouble(tau)).isNegative }
            if float64Case == nil {
                let naiveV = logits[t] - logits[y]
                var delta = tau - naiveV
                for _ in 0..<8 {
                    if (naiveV + delta) - tau > 0 && reallyFalse(delta) {
                        float64Case = try onePointFile(x: x, label: y, target: t, offset: offsets(delta: delta, target: t))
                        float64Point = (x, y)
                        break
                    }
                    delta = delta.nextDown
                }
            }
            if float32Case == nil {
                let l32 = float32Logits(x)
                let gap = Double(l32[t] - l32[y]) - v.hi
                for s in [0.25, 0.5, 0.75] where gap > 0 && float32Case == nil {
                    let delta = tau - v.hi - s * gap
                    let d = offsets(delta: delta, target: t)
                    let owner32 = (l32[t] + Float(d[t])) - (l32[y] + Float(d[y])) > Float(tau)
                    if owner32 && reallyFalse(delta) && (v + DoubleDouble(delta) - DoubleDouble(tau)).hi < -1e-12 {
                        float32Case = try onePointFile(x: x, label: y, target: t, offset: d)
                        float32Point = (x, y)
                    }
                }
            }
        }
        guard let float64Case, let float64Point, let float32Case, let float32Point else {
            throw CorpusSetupError(description: "no point where rounding favours the liar")
        }
        result.append(Attack(attackClass: "margin-only-without-rounding-point",
                             name: "point margin false by less than Float64 rounding (true value below τ, naive value ≥ τ)",
                             expected: AuditCode.notForgotten.rawValue) {
            self.audit([try self.sign(float64Case)], rows: float64Point.0, labels: [float64Point.1])
        })
        result.append(Attack(attackClass: "margin-only-in-float32", name: "point margin that holds in Float32 inference only",
                             expected: AuditCode.notForgotten.rawValue) {
            self.audit([try self.sign(float32Case)], rows: float32Point.0, labels: [float32Point.1])
        })
        return result
    }

    // MARK: - Model binding and the chain

    func bindingAndChainAttacks() throws -> [Attack] {
        var result = [Attack]()
        func add(_ cls: String, _ name: String, _ code: String, _ run: @escaping () throws -> AttackOutcome) {
            result.append(Attack(attackClass: cls, name: name, expected: code, run: run))
        }
        // Another model with the same architecture, and this model with one weight's last bit changed.
        let otherPath = dir.appendingPathComponent("other.onnx").path
        try ONNXExport.data(of: try Self.float32Network(seed: 960), producer: "prune-corpus").write(to: URL(fileURLWithPath: otherPath))
        let swappedPath = dir.appendingPathComponent("swapped.onnx").path
        try ONNXExport.data(of: try Self.float32Network(seed: 950, bump: true), producer: "prune-corpus")
            .write(to: URL(fileURLWithPath: swappedPath))
        let forOther = try edited { $0.model.sha256 = try Hash.digestFile(path: otherPath).hexString }
        add("other-model-same-architecture", "a bundle signed for another [6,16,12,4] model", "bundle.patch.model-mismatch") {
            self.audit([try PatchBundle.sign(patchFile: forOther, modelPath: otherPath, key: self.owner, createdAt: Self.time)])
        }
        add("model-swapped-after-signing", "the model file with the last bit of one weight changed", "bundle.patch.model-mismatch") {
            self.audit([self.root], model: swappedPath)
        }
        add("binding-contradiction", "predicate.model.hiddenWidths differs from the patch file's", "bundle.patch.inconsistent") {
            self.audit([try self.resign(rewrite(try self.statement(), [.key("predicate"), .key("model"), .key("hiddenWidths")]) { _ in
                .array([.integer(16), .integer(13)])
            })])
        }
        add("binding-contradiction", "the model subject names another digest than predicate.model.rootDigest", "bundle.patch.inconsistent") {
            self.audit([try self.resign(rewrite(try self.statement(), [.key("subject"), .index(0), .key("digest"), .key("sha256")]) { _ in
                .string(String(repeating: "a", count: 64))
            })])
        }
        add("patch-data-digest", "the patches subject is not the digest of predicate.patches", "bundle.patch.digest-mismatch") {
            self.audit([try self.resign(rewrite(try self.statement(), [.key("predicate"), .key("patches"), .key("settings"), .key("seed")]) { _ in
                .integer(12345)
            })])
        }
        add("replayed-from-another-chain", "a child of another root on the same model after this root", "bundle.chain.gap") {
            self.audit([self.root, self.otherChild])
        }
        add("reordered", "child before its root", "bundle.chain.order") { self.audit([self.child, self.root]) }
        add("reordered", "grandchild before child", "bundle.chain.order") { self.audit([self.root, self.grandchild, self.child]) }
        add("dropped", "the middle bundle dropped", "bundle.chain.gap") { self.audit([self.root, self.grandchild]) }
        add("dropped", "the root dropped", "bundle.chain.missing-root") { self.audit([self.child]) }
        add("duplicated", "the root twice", "bundle.chain.replay") { self.audit([self.root, self.root]) }
        add("duplicated", "the child twice", "bundle.chain.replay") { self.audit([self.root, self.child, self.child]) }
        add("fork", "two children of one root", "bundle.chain.fork") { self.audit([self.root, self.child, self.sibling]) }
        add("fork", "two roots", "bundle.chain.fork") { self.audit([self.root, self.otherRoot]) }
        add("sequence", "a child whose sequence skips ahead", "bundle.chain.sequence") {
            let link = PatchBundle.Parent(digest: try Hash.sha256(self.root).hexString, sequence: 4)
            let statement = try PatchBundle.statement(patchFile: self.childFile, modelRootDigest: self.rootDigest, parent: link,
                                                      createdAt: Self.time)
            return self.audit([self.root, try PatchBundle.sign(statement, key: self.owner)])
        }
        return result
    }

    // MARK: - Signatures, envelopes, bytes signed vs bytes parsed

    func envelopeAttacks() throws -> [Attack] {
        var result = [Attack]()
        func add(_ cls: String, _ name: String, _ code: String, trust: [PublicKey]? = nil, _ make: @escaping () throws -> Data) {
            result.append(Attack(attackClass: cls, name: name, expected: code) { self.audit([try make()], trust: trust) })
        }
        let payload = JSONSerializer.data(try statement())
        let otherPayload = JSONSerializer.data(try statement(edited { $0.patches[self.p0].target = self.y0 }))
        add("untrusted-key", "the honest content signed by a stranger", "bundle.signature.untrusted") {
            try self.signPayload(payload, key: self.stranger)
        }
        add("untrusted-key", "signed by a stranger, hint naming the trusted key", "bundle.signature.invalid") {
            let envelope = try DSSE.sign(payload: payload, payloadType: InTotoStatement.payloadType, key: self.stranger)
            return try SigstoreBundle(envelope: envelope, signer: self.owner.publicKey).jsonData()
        }
        add("hint-mismatch", "signed by one trusted key, hint naming another trusted key", "bundle.sigstore.hint-mismatch",
            trust: [owner.publicKey, colleague.publicKey]) {
            let envelope = try DSSE.sign(payload: payload, payloadType: InTotoStatement.payloadType, key: self.owner)
            return try SigstoreBundle(envelope: envelope, signer: self.colleague.publicKey).jsonData()
        }
        add("signature-over-other-bytes", "a valid signature of one payload attached to another", "bundle.signature.invalid") {
            let signed = try DSSE.sign(payload: payload, payloadType: InTotoStatement.payloadType, key: self.owner)
            let envelope = DSSEEnvelope(payloadType: InTotoStatement.payloadType, payloadBytes: otherPayload, signatures: signed.signatures)
            return try SigstoreBundle(envelope: envelope, signer: self.owner.publicKey).jsonData()
        }
        add("signature-over-other-bytes", "the payload type changed after signing", "bundle.signature.invalid") {
            let signed = try DSSE.sign(payload: payload, payloadType: InTotoStatement.payloadType, key: self.owner)
            let envelope = DSSEEnvelope(payloadType: "application/json", payloadBytes: payload, signatures: signed.signatures)
            return try SigstoreBundle(envelope: envelope, signer: self.owner.publicKey).jsonData()
        }
        add("signature-over-other-bytes", "a validly signed payload of another type", "bundle.statement.unsupported") {
            try self.signPayload(payload, type: "application/json")
        }
        add("signature-over-other-bytes", "a second signature by a stranger added", "bundle.sigstore.signature-count") {
            let signed = try DSSE.sign(payload: payload, payloadType: InTotoStatement.payloadType, key: self.owner)
            let extra = try DSSE.sign(payload: payload, payloadType: InTotoStatement.payloadType, key: self.stranger)
            let envelope = DSSEEnvelope(payloadType: InTotoStatement.payloadType, payloadBytes: payload,
                                        signatures: signed.signatures + extra.signatures)
            return try SigstoreBundle(envelope: envelope, signer: self.owner.publicKey).jsonData()
        }
        add("signature-over-other-bytes", "insignificant whitespace in the file", "bundle.patch.non-canonical") {
            Data("{ ".utf8) + self.root.dropFirst(1)
        }
        add("signature-over-other-bytes", "an unknown member in the envelope", "bundle.patch.non-canonical") {
            let text = String(decoding: self.root, as: UTF8.self).replacingOccurrences(of: "\"dsseEnvelope\":{",
                                                                                        with: "\"dsseEnvelope\":{\"extra\":1,")
            return Data(text.utf8)
        }
        add("signature-over-other-bytes", "the signature's base64 without its padding", "bundle.patch.non-canonical") {
            let value = rewrite(try json(self.root), [.key("dsseEnvelope"), .key("signatures"), .index(0), .key("sig")]) { old in
                guard case .string(let text)? = old else { return old }
                return .string(text.replacingOccurrences(of: "=", with: ""))
            }
            return JSONSerializer.data(value)
        }
        add("duplicate-json-keys", "mediaType repeated in the file", "bundle.json.duplicate-key") {
            Data("{\"mediaType\":\"\(SigstoreBundle.mediaTypeV03)\",".utf8) + self.root.dropFirst(1)
        }
        add("duplicate-json-keys", "predicate.sequence repeated inside the signed payload", "bundle.json.duplicate-key") {
            let text = String(decoding: payload, as: UTF8.self).replacingOccurrences(of: "\"sequence\":0", with: "\"sequence\":0,\"sequence\":1")
            return try self.signPayload(Data(text.utf8))
        }
        add("duplicate-json-keys", "predicate.parent repeated with an escaped spelling", "bundle.json.duplicate-key") {
            let text = String(decoding: payload, as: UTF8.self).replacingOccurrences(of: "\"parent\":null",
                                                                                      with: "\"parent\":null,\"p\\u0061rent\":null")
            return try self.signPayload(Data(text.utf8))
        }
        add("unknown-version", "predicateType …/patch-bundle/v2", "bundle.patch.unsupported-version") {
            try self.resign(rewrite(try self.statement(), [.key("predicateType")]) { _ in .string("https://prune.dev/patch-bundle/v2") })
        }
        add("unknown-version", "another predicate type", "bundle.patch.unsupported-predicate") {
            try self.resign(rewrite(try self.statement(), [.key("predicateType")]) { _ in .string("https://slsa.dev/provenance/v1") })
        }
        add("unknown-version", "patch file format prune.patches/v3", "bundle.patches.unsupported-format") {
            try self.resign(try self.withPatchesSubject(rewrite(try self.statement(), [.key("predicate"), .key("patches"), .key("format")]) { _ in
                .string("prune.patches/v3")
            }))
        }
        return result
    }

    // MARK: - Values, sizes, truncation, compression

    func encodingAttacks() throws -> [Attack] {
        var result = [Attack]()
        let base = try statement()
        let patchesPath: [JSONPathComponent] = [.key("predicate"), .key("patches")]
        func add(_ cls: String, _ name: String, _ code: String, _ make: @escaping () throws -> Data) {
            result.append(Attack(attackClass: cls, name: name, expected: code) { self.audit([try make()]) })
        }
        /// Re-signs the Statement with one value of the patch file replaced.
        func patched(_ path: [JSONPathComponent], _ value: JSONValue) throws -> Data {
            try resign(try withPatchesSubject(rewrite(base, patchesPath + path) { _ in value }))
        }
        func f64(_ values: [Double], shape: [Int]? = nil) throws -> JSONValue {
            try json(try JSONEncoder().encode(try PatchTensor(f64: values, shape: shape ?? [values.count])))
        }
        let c0 = self.c0
        let certificate: [JSONPathComponent] = [.key("certificates"), .index(c0), .key("multipliers")]
        let stored = try honest.certificates[c0].multipliers.values.f64(path: "values")
        let box = network.input.box
        func withValue(_ v: Double) -> [Double] { var s = stored; s[0] = v; return s }
        add("non-finite-tensor", "NaN in a certificate's multipliers", "bundle.patches.tensor") {
            try patched(certificate + [.key("values")], try f64(withValue(.nan)))
        }
        add("non-finite-tensor", "−Inf in a certificate's multipliers", "bundle.patches.tensor") {
            try patched(certificate + [.key("values")], try f64(withValue(-.infinity)))
        }
        add("non-finite-tensor", "+Inf in the input box", "bundle.patches.tensor") {
            try patched([.key("model"), .key("boxUpper")], try f64([.infinity] + box.upper.dropFirst()))
        }
        add("non-finite-tensor", "NaN written as a JSON number for γ (signed)", "bundle.json.malformed") {
            let text = String(decoding: JSONSerializer.data(base), as: UTF8.self)
            let gamma = try XCTUnwrapCorpus(text.range(of: "\"gamma\":"))
            let end = text[gamma.upperBound...].firstIndex { $0 == "," || $0 == "}" }!
            return try self.signPayload(Data((text[..<gamma.upperBound] + "NaN" + text[end...]).utf8))
        }
        add("non-finite-tensor", "γ = 1e999 (overflows Float64, signed)", "bundle.json.malformed") {
            let text = String(decoding: JSONSerializer.data(base), as: UTF8.self)
            let gamma = try XCTUnwrapCorpus(text.range(of: "\"gamma\":"))
            let end = text[gamma.upperBound...].firstIndex { $0 == "," || $0 == "}" }!
            return try self.signPayload(Data((text[..<gamma.upperBound] + "1e999" + text[end...]).utf8))
        }
        add("subnormal-tensor", "a subnormal multiplier (5e-324)", "bundle.patches.tensor") {
            try patched(certificate + [.key("values")], try f64(withValue(.leastNonzeroMagnitude)))
        }
        add("subnormal-tensor", "a subnormal input-box bound", "bundle.patches.tensor") {
            try patched([.key("model"), .key("boxLower")], try f64([Double.leastNonzeroMagnitude] + box.lower.dropFirst()))
        }
        add("negative-zero-tensor", "−0 stored as a sparse multiplier", "bundle.patches.tensor") {
            try patched(certificate + [.key("values")], try f64(withValue(-0.0)))
        }
        add("negative-zero-tensor", "−0 as the input box's lower bound (not the model's box bit for bit)", "bundle.patches.invalid") {
            try patched([.key("model"), .key("boxLower")], try f64([-0.0] + box.lower.dropFirst()))
        }
        add("negative-zero-tensor", "γ = −0", "bundle.patches.invalid") {
            try patched([.key("patches"), .index(0), .key("gamma")], .number(JSONNumber(literal: "-0.0", value: -0.0)))
        }
        add("declared-box", "the patch file declares a wider input box than the model's", "bundle.patches.invalid") {
            try patched([.key("model"), .key("boxUpper")], try f64(box.upper.map { $0 + 1 }))
        }
        add("impossible-parameters", "γ = 0", "bundle.patches.invalid") { try patched([.key("patches"), .index(0), .key("gamma")], .integer(0)) }
        add("impossible-parameters", "K = −1", "bundle.patches.invalid") { try patched([.key("patches"), .index(0), .key("bound")], .integer(-1)) }
        add("impossible-parameters", "an offset with C + 1 values", "bundle.patches.invalid") {
            try patched([.key("patches"), .index(0), .key("offset")], .array((0...self.c).map { _ in .integer(0) }))
        }
        add("impossible-parameters", "a member pattern with a bit past the last neuron", "bundle.patches.tensor") {
            var words = try self.pattern(self.x0).words
            words[words.count - 1] |= 1 << 63
            return try patched([.key("patches"), .index(0), .key("members")],
                               try json(try JSONEncoder().encode(try PatchTensor(u64: words, shape: [1, words.count]))))
        }
        add("gate-layers", "gateLayers in a prune.patches/v1 file (a verifier before v2 would read an exact gate)", "bundle.patches.invalid") {
            try patched([.key("patches"), .index(0), .key("gateLayers")], .integer(1))
        }
        add("gate-layers", "gateLayers = 0 (a gate without rows)", "bundle.patches.invalid") {
            try self.sign(self.edited { f in
                f.format = PatchFile.gateLayersFormatName
                f.patches[0].gateLayers = 0
            })
        }
        add("gate-layers", "gateLayers past the network's hidden layers", "bundle.patches.invalid") {
            try self.sign(self.edited { f in
                f.format = PatchFile.gateLayersFormatName
                f.patches[0].gateLayers = self.network.hiddenWidths.count + 1
            })
        }
        add("labels-out-of-range", "a patch target equal to the class count", "bundle.patches.invalid") {
            try patched([.key("patches"), .index(0), .key("target")], .integer(self.c))
        }
        add("non-positive-margin", "τ = −10 and every offset 0: nothing is forgotten, the label still wins", "bundle.patches.non-positive-margin") {
            try self.sign(self.edited { f in
                f.settings.margin = -10
                for k in f.patches.indices { f.patches[k].offset = f.patches[k].offset.map { _ in 0 }; f.patches[k].bound = 0 }
            })
        }
        add("non-positive-margin", "τ = 0: ties would pass", "bundle.patches.non-positive-margin") {
            try self.sign(self.edited { $0.settings.margin = 0 })
        }

        // Huge declared sizes.
        let members: [JSONPathComponent] = [.key("patches"), .index(0), .key("members")]
        guard case .array(let patchList)? = base["predicate"]?["patches"]?["patches"], let membersValue = patchList[0]["members"] else {
            throw CorpusSetupError(description: "no members tensor")
        }
        func reshaped(_ value: JSONValue, _ shape: [Int]) -> JSONValue {
            rewrite(value, [.key("shape")]) { _ in .array(shape.map { JSONValue.integer($0) }) }
        }
        add("huge-declared-size", "a member tensor declaring 2^40 patterns", "bundle.patches.tensor") {
            try patched(members, reshaped(membersValue, [1 << 40, 1]))
        }
        add("huge-declared-size", "a tensor shape whose element count overflows Int", "bundle.patches.tensor") {
            try patched(members, reshaped(membersValue, [1 << 32, 1 << 32]))
        }
        add("huge-declared-size", "a negative dimension", "bundle.patches.tensor") { try patched(members, reshaped(membersValue, [-1, 1])) }
        add("huge-declared-size", "a sparse matrix shape whose size overflows Int", "bundle.patches.tensor") {
            try patched(certificate + [.key("shape")], .array([.integer(1 << 40), .integer(1 << 40)]))
        }
        add("huge-declared-size", "request.count = Int.max", "bundle.patches.request-mismatch") {
            try self.sign(self.edited { $0.request.count = Int.max })
        }
        add("huge-declared-size", "nesting 200 deep inside the signed predicate", "bundle.json.too-deep") {
            let deep = String(repeating: "[", count: 200) + String(repeating: "]", count: 200)
            let text = String(decoding: JSONSerializer.data(base), as: UTF8.self)
                .replacingOccurrences(of: "\"sequence\":0", with: "\"sequence\":0,\"x-deep\":\(deep)")
            return try self.signPayload(Data(text.utf8))
        }
        result.append(Attack(attackClass: "huge-declared-size", name: "a bundle file of 65 MiB", expected: "bundle.json.too-large") {
            let path = self.dir.appendingPathComponent("huge.bundle.json").path
            _ = FileManager.default.createFile(atPath: path, contents: self.root)
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
            try handle.truncate(atOffset: UInt64(65 << 20))
            try handle.close()
            defer { try? FileManager.default.removeItem(atPath: path) }
            do {
                return self.audit([try PatchBundleVerifier.read(path)])
            } catch let error as any PruneError {
                return .rejected(code: error.code)
            }
        })

        // Truncation at every section boundary: of the file (every structural character
        // outside strings), of the signed payload (every member boundary of the Statement, the
        // predicate and the patch file) and of a tensor's zlib stream (header, body, trailer).
        for cut in Self.boundaries(root, maxDepth: 64) {
            add("truncated", "the file cut after byte \(cut)", "bundle.json.malformed") { self.root.prefix(cut) }
        }
        let signedPayload = JSONSerializer.data(base)
        for cut in Self.boundaries(signedPayload, maxDepth: 3) {
            add("truncated", "the signed payload cut after byte \(cut)", "bundle.json.malformed") {
                try self.signPayload(signedPayload.prefix(cut))
            }
        }
        let raw = Data(try honest.patches[p0].members.u64(path: "m").flatMap { v in (0..<8).map { UInt8(truncatingIfNeeded: v >> (8 * $0)) } })
        let stream = try Zlib.compress(raw)
        for cut in Set([0, 1, 2, stream.count / 2, stream.count - 4, stream.count - 1]).sorted() {
            add("truncated", "a member tensor's zlib stream cut after byte \(cut) of \(stream.count)", "bundle.patches.tensor") {
                try patched([.key("patches"), .index(self.p0), .key("members")],
                            try self.tensor(dtype: "u64", shape: [1, raw.count / 8], compressed: stream.prefix(cut), digestOf: raw))
            }
        }
        // Decompression bombs: 16 MiB of zeros where the shape declares 8 bytes, and where it declares 2^27 values.
        let bomb = try Zlib.compress(Data(count: 16 << 20))
        add("decompression-bomb", "16 MiB inflating into a tensor declared as one word", "bundle.patches.tensor") {
            try patched([.key("patches"), .index(self.p0), .key("members")],
                        try self.tensor(dtype: "u64", shape: [1, raw.count / 8], compressed: bomb, digestOf: raw))
        }
        add("decompression-bomb", "16 MiB inflating into sparse values declared as 3 entries", "bundle.patches.tensor") {
            try patched(certificate + [.key("values")], try self.tensor(dtype: "f64", shape: [3], compressed: bomb, digestOf: Data(count: 24)))
        }
        return result
    }

    // MARK: - The forget request: duplicates, missing rows, the box, labels, commitments

    func requestAttacks() throws -> [Attack] {
        var result = [Attack]()
        func add(_ cls: String, _ name: String, _ code: String, row: Int = 0, _ run: @escaping () throws -> AttackOutcome) {
            result.append(Attack(attackClass: cls, name: name, expected: code, row: row, run: run))
        }
        add("duplicate-points", "point 0 listed twice in place of point 1", "bundle.patches.request-mismatch") {
            self.audit([try self.sign(self.edited { $0.points[1] = $0.points[0] })])
        }
        add("duplicate-points", "a fifth entry repeating point 0, request.count raised to 5", "bundle.patches.request-mismatch") {
            self.audit([try self.sign(self.edited { $0.points.append($0.points[0]); $0.request.count = 5 })])
        }
        add("missing-points", "the request has a fifth row the owner never committed to", "audit.not-committed", row: 4) {
            var rng = SeededGenerator(seed: 99)
            return self.audit([self.root], rows: self.rows + randomPoint(self.m, &rng), labels: self.labels + [self.y0])
        }
        add("missing-points", "one point dropped from the list, request.count unchanged", "bundle.patches.request-mismatch") {
            self.audit([try self.sign(self.edited { $0.points.removeLast() })])
        }
        add("missing-points", "a point index outside the request", "bundle.patches.request-mismatch") {
            self.audit([try self.sign(self.edited { $0.points[3].index = 9 })])
        }
        // A request split over chained bundles: each part must list exactly its own rows, and a
        // part left out of the chain leaves its rows uncovered.
        add("request-parts", "a part running past the request (rows 2..<5 of 4)", "bundle.patches.request-mismatch") {
            self.audit([try self.sign(self.edited { $0.request.part = PatchFile.Part(first: 2, count: 3) })])
        }
        add("request-parts", "part 0..<2 that lists all four points", "bundle.patches.request-mismatch") {
            self.audit([try self.sign(self.edited { $0.request.part = PatchFile.Part(first: 0, count: 2) })])
        }
        add("request-parts", "part 0..<2 whose second point is row 3", "bundle.patches.request-mismatch") {
            self.audit([try self.sign(self.edited {
                $0.request.part = PatchFile.Part(first: 0, count: 2)
                $0.points = [$0.points[0], $0.points[3]]
            })])
        }
        add("request-parts", "an empty part (count 0)", "bundle.patches.request-mismatch") {
            self.audit([try self.sign(self.edited { $0.request.part = PatchFile.Part(first: 0, count: 0); $0.points = [] })])
        }
        add("request-parts", "only part 0..<2 of the request given: rows 2 and 3 uncovered", "audit.not-committed", row: 2) {
            self.audit([try self.sign(self.edited {
                $0.request.part = PatchFile.Part(first: 0, count: 2)
                $0.points = Array($0.points[0..<2])
            })])
        }
        add("outside-box", "a committed forget row with a feature of 1.5 (box [0, 1])", "audit.outside-box") {
            var rows = self.rows
            rows[0] = 1.5
            let file = try self.edited {
                $0.points[0].commitment = try ForgetCommitment.digest(requestID: $0.request.id, index: 0, features: rows[0..<self.m],
                                                                       label: self.y0)
            }
            return self.audit([try self.sign(file)], rows: rows)
        }
        add("labels-out-of-range", "a forget label equal to the class count", "data.label-out-of-range") {
            var labels = self.labels
            labels[0] = self.c
            return self.audit([self.root], labels: labels)
        }
        add("labels-out-of-range", "a negative forget label", "data.label-out-of-range") {
            var labels = self.labels
            labels[0] = -1
            return self.audit([self.root], labels: labels)
        }
        add("commitment-mismatch", "the commitment of another point in place of row 0's", "audit.commitment-mismatch") {
            var other = self.x0
            other[0] = other[0] / 2
            let file = try self.edited {
                $0.points[0].commitment = try ForgetCommitment.digest(requestID: $0.request.id, index: 0, features: other, label: self.y0)
            }
            return self.audit([try self.sign(file)])
        }
        add("commitment-mismatch", "the commitment made with another label", "audit.commitment-mismatch") {
            let file = try self.edited {
                $0.points[0].commitment = try ForgetCommitment.digest(requestID: $0.request.id, index: 0, features: self.x0,
                                                                       label: (self.y0 + 1) % self.c)
            }
            return self.audit([try self.sign(file)])
        }
        return result
    }

    /// Offsets just after each structural character (`{ } [ ] : ,`) outside strings, at
    /// nesting depth ≤ `maxDepth` (1 = the top-level object's own members).
    static func boundaries(_ data: Data, maxDepth: Int) -> [Int] {
        var cuts = [Int](), depth = 0, inString = false, escaped = false
        for (i, byte) in data.enumerated() {
            if inString {
                if escaped { escaped = false } else if byte == UInt8(ascii: "\\") { escaped = true } else if byte == UInt8(ascii: "\"") { inString = false }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""): inString = true
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                depth += 1
                if depth <= maxDepth { cuts.append(i + 1) }
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                if depth <= maxDepth { cuts.append(i + 1) }
                depth -= 1
            case UInt8(ascii: ","), UInt8(ascii: ":"):
                if depth <= maxDepth { cuts.append(i + 1) }
            default: break
            }
        }
        return [0] + cuts.filter { $0 < data.count }
    }
}

func json(_ data: Data) throws -> JSONValue { try StrictJSON.parse(data) }

func XCTUnwrapCorpus<T>(_ value: T?) throws -> T {
    guard let value else { throw CorpusSetupError(description: "a value the generator needs is missing") }
    return value
}

extension AttackOutcome {
    /// The code the attack produced for `row`: the rejection's, or that row's report code,
    /// or the locality code when the per-point claims all hold.
    func code(row: Int) -> String {
        switch self {
        case .rejected(let code): return code
        case .audited(let reports, let locality):
            if let code = reports.indices.contains(row) ? reports[row].code : nil { return code.rawValue }
            if let code = locality?.code { return code.rawValue }
            return "none (\(reports.indices.contains(row) ? reports[row].verdict.rawValue : "no row"))"
        }
    }

    /// What `prune verify` would print as PASSED: no error, every row at the level claimed for
    /// it, and no locality finding.
    var passed: Bool {
        guard case .audited(let reports, let locality) = self else { return false }
        return locality?.code == nil && reports.allSatisfy { r in
            r.claim == "region-certified" ? r.verdict == .certified : (r.verdict == .certified || r.verdict == .forgotten)
        }
    }

    func verdict(row: Int) -> PointVerdict? {
        guard case .audited(let reports, _) = self, reports.indices.contains(row) else { return nil }
        return reports[row].verdict
    }
}
