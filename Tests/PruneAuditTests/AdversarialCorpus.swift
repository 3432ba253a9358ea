import Foundation
import PruneAudit
import PruneBundle
import PruneCompression
import PruneCore
import PruneCrypto
import PruneModel
import PruneRepair
import PruneTestSupport

/// What the verification path did with one dishonest bundle set.
enum AttackOutcome {
    /// A bundle-level check (or the forget data) stopped the audit with this code.
    case rejected(code: String)
    /// The bundles verified and every forget row got a report (locality when asked for).
    case audited([ForgetAudit.PointReport], locality: LocalityReport?)
}

/// One dishonest claim: its class (Specs/adversarial-corpus.md), what it does, the code it
/// must fail with, and the forget row it attacks (whose report carries the code).
struct Attack {
    let attackClass: String
    let name: String
    let expected: String
    var row = 0
    /// The per-point claims stay true (the harm is elsewhere, e.g. locality): the attacked row
    /// may be CERTIFIED, but the audit must still not pass.
    var claimsStayTrue = false
    let run: () throws -> AttackOutcome
}

/// The honest setup every attack is derived from: a small Float32-exact dense network saved
/// as ONNX, four forgotten points of one class unlearned with one common target (all four
/// region-certified), signed by the trusted owner key, plus a child, a sibling, a grandchild
/// and a second chain on the same model. Generators below derive each attack from it.
final class AdversarialCorpus {
    static let sizes = [6, 16, 12, 4]
    static let tau = 0.05
    static let time = "2026-01-31T12:00:00Z"

    let dir: URL
    let network: Network
    let modelPath: String
    let rootDigest: String
    let owner: PrivateKey
    let colleague: PrivateKey
    let stranger: PrivateKey
    /// The forget request as the auditor holds it (raw rows, identity preprocessing).
    let rows: [Double]
    let labels: [Int]
    let reference: [Double]
    let honest: PatchFile
    let childFile: PatchFile
    let root: Data, child: Data, sibling: Data, grandchild: Data, otherRoot: Data, otherChild: Data

    var m: Int { network.inputCount }
    var n: Int { network.hiddenCount }
    var c: Int { network.outputCount }

    init(dir: URL) throws {
        self.dir = dir
        network = try Self.float32Network(seed: 950)
        modelPath = dir.appendingPathComponent("model.onnx").path
        try ONNXExport.data(of: network, producer: "prune-corpus").write(to: URL(fileURLWithPath: modelPath))
        rootDigest = try ModelDigest.manifest(of: modelPath).rootDigest.hexString
        owner = try PrivateKey.generate(.ed25519)
        colleague = try PrivateKey.generate(.ed25519)
        stranger = try PrivateKey.generate(.ed25519)

        var rng = SeededGenerator(seed: 951)
        let wanted = try network.evaluate(randomPoint(6, &rng)).predictions[0]
        var points = [Double](), classes = [Int]()
        while classes.count < 6 {
            let x = randomPoint(6, &rng).map { Double(Float($0)) }
            if try network.evaluate(x).predictions[0] == wanted { points += x; classes.append(wanted) }
        }
        reference = (0..<(300 * 6)).map { _ in rng.unit() }
        rows = Array(points[0..<24])
        labels = Array(classes[0..<4])
        let digest = try Hash.digestFile(path: modelPath).hexString
        let config = UnlearningConfiguration(margin: Self.tau, target: .common)
        let unlearner = try Unlearner(network: network, configuration: config)
        let result = try unlearner.run(forget: rows, labels: labels, reference: reference)
        honest = try PatchFile(result: result, network: network, modelDigest: digest, requestID: "corpus-root",
                               rawPoints: rows, labels: labels)
        let more = Array(points[24..<36]), moreLabels = Array(classes[4..<6])
        childFile = try PatchFile(result: try unlearner.run(forget: more, labels: moreLabels, reference: reference), network: network,
                                  modelDigest: digest, requestID: "corpus-child", rawPoints: more, labels: moreLabels)
        let (path, key) = (modelPath, owner)
        func sign(_ file: PatchFile, parent: Data?, _ time: String) throws -> Data {
            try PatchBundle.sign(patchFile: file, modelPath: path, key: key,
                                 parentBundle: parent.map { (path: "parent.bundle.json", data: $0) }, createdAt: time)
        }
        let root = try sign(honest, parent: nil, Self.time)
        let child = try sign(childFile, parent: root, "2026-02-01T12:00:00Z")
        let otherRoot = try sign(honest, parent: nil, "2026-03-01T12:00:00Z")
        self.root = root
        self.child = child
        sibling = try sign(childFile, parent: root, "2026-02-02T12:00:00Z")
        grandchild = try sign(childFile, parent: child, "2026-02-03T12:00:00Z")
        self.otherRoot = otherRoot
        otherChild = try sign(childFile, parent: otherRoot, "2026-03-02T12:00:00Z")
    }

    /// `randomNetwork` with every weight rounded to Float32, as trained models are.
    static func float32Network(seed: UInt64, bump: Bool = false) throws -> Network {
        let base = try randomNetwork(sizes, seed: seed)
        var layers = [DenseLayer]()
        for (l, layer) in base.layers.enumerated() {
            var w = layer.weights.map { Double(Float($0)) }
            if bump && l == 0 { w[0] = Double(Float(w[0]).nextUp) }  // the last bit of one weight
            layers.append(try DenseLayer(inputs: layer.inputs, outputs: layer.outputs, weights: w,
                                         bias: layer.bias.map { Double(Float($0)) }))
        }
        return try Network(input: base.input, layers: layers)
    }

    // MARK: - The verification path

    /// Verifies the bundles (PatchBundleVerifier, chain) and audits the forget request
    /// (ForgetAudit), as `prune verify` does; with `locality`, also LocalityAudit on the
    /// reference points the owner calibrated on.
    func audit(_ bundles: [Data], model: String? = nil, trust: [PublicKey]? = nil, rows: [Double]? = nil,
               labels: [Int]? = nil, locality: Bool = false) -> AttackOutcome {
        do {
            let path = model ?? modelPath
            let verifier = try PatchBundleVerifier(trustedKeys: trust ?? [owner.publicKey], modelPath: path)
            let verified = try bundles.enumerated().map { try verifier.verify(bundle: $1, path: "bundle-\($0).json") }
            try PatchBundleVerifier.checkChain(verified)
            let net = try ModelFile.load(path: path)
            let reports = try ForgetAudit(network: net, bundles: verified).run(rows: rows ?? self.rows, labels: labels ?? self.labels)
            let report = locality
                ? try LocalityAudit.run(PatchedNetwork(network: net, patches: verified.flatMap(\.patches)), inputs: reference) : nil
            return .audited(reports, locality: report)
        } catch let error as any PruneError {
            return .rejected(code: error.code)
        } catch {
            return .rejected(code: "unexpected: \(error)")
        }
    }

    // MARK: - Building dishonest bundles

    func sign(_ file: PatchFile, key: PrivateKey? = nil) throws -> Data {
        try PatchBundle.sign(patchFile: file, modelPath: modelPath, key: key ?? owner, createdAt: Self.time)
    }

    func edited(_ change: (inout PatchFile) throws -> Void) rethrows -> PatchFile {
        var file = honest
        try change(&file)
        return file
    }

    /// The honest root's Statement as JSON, to edit and re-sign.
    func statement(_ file: PatchFile? = nil) throws -> JSONValue {
        try PatchBundle.statement(patchFile: file ?? honest, modelRootDigest: rootDigest, parent: nil, createdAt: Self.time).jsonValue
    }

    func signPayload(_ payload: Data, key: PrivateKey? = nil, type: String = InTotoStatement.payloadType) throws -> Data {
        let signer = key ?? owner
        return try SigstoreBundle(envelope: try DSSE.sign(payload: payload, payloadType: type, key: signer),
                                  signer: signer.publicKey).jsonData()
    }

    func resign(_ value: JSONValue, key: PrivateKey? = nil) throws -> Data {
        try signPayload(JSONSerializer.data(value), key: key)
    }

    /// Recomputes the `patches` subject after `predicate.patches` was edited, so the edit
    /// reaches the checks behind the digest (a dishonest owner re-signs anyway).
    func withPatchesSubject(_ value: JSONValue) throws -> JSONValue {
        guard let patches = value["predicate"]?["patches"] else { return value }
        let digest = try PatchBundlePredicate.patchDataDigest(patches)
        return rewrite(value, [.key("subject"), .index(1), .key("digest"), .key("sha256")]) { _ in .string(digest) }
    }

    func members(_ patterns: [ActivationPattern]) throws -> PatchTensor {
        try PatchTensor(u64: patterns.flatMap(\.words), shape: [patterns.count, (n + 63) / 64])
    }

    /// A sparse matrix with exactly these stored entries (explicit zeros allowed, for attacks).
    func sparse(_ entries: [(Int, Double)], shape: [Int]) throws -> PatchFile.SparseMatrix {
        var matrix = honest.certificates[0].multipliers
        matrix.shape = shape
        matrix.indices = try PatchTensor(u32: entries.map { UInt32($0.0) }, shape: [entries.count])
        matrix.values = try PatchTensor(f64: entries.map(\.1), shape: [entries.count])
        return matrix
    }

    func sparse(dense: [Double], shape: [Int]) throws -> PatchFile.SparseMatrix {
        try sparse(dense.enumerated().filter { $0.element != 0 }.map { ($0.offset, $0.element) }, shape: shape)
    }

    /// A tensor whose bytes are `raw` compressed, with `raw`'s honest digest and any shape.
    func tensor(dtype: String, shape: [Int], compressed: Data, digestOf raw: Data) throws -> JSONValue {
        .object([JSONMember("data", .string(compressed.base64EncodedString())), JSONMember("dtype", .string(dtype)),
                 JSONMember("sha256", .string(try Hash.sha256(raw).hexString)),
                 JSONMember("shape", .array(shape.map { JSONValue.integer($0) }))])
    }

    // MARK: - The point every per-point attack aims at (row 0)

    var x0: [Double] { Array(rows[0..<m]) }
    var y0: Int { labels[0] }
    var p0: Int { honest.points[0].patch! }
    var m0: Int { honest.points[0].member! }
    var c0: Int { honest.certificates.firstIndex { $0.patch == p0 && $0.member == m0 }! }
    var t0: Int { honest.patches[p0].target }
    func pattern(_ x: [Double]) throws -> ActivationPattern { try network.activationPattern(at: x) }

    /// A neighbouring region of the point's: its pattern with the `flips` neurons of smallest
    /// |z| flipped (one flip: the region across the nearest facet).
    func neighbour(flips: Int = 1) throws -> ActivationPattern {
        let z = network.patternFixedForward(pattern: try pattern(x0), features: x0).preactivations
        var p = try pattern(x0)
        for k in z.indices.sorted(by: { abs(z[$0]) < abs(z[$1]) }).prefix(flips) { p[k].toggle() }
        return p
    }

    /// Constant offsets with equal off-target entries: d_t = Δ/2, d_j = −Δ/2, so d_t − d_j = Δ exactly.
    func offsets(delta: Double, target t: Int) -> [Double] {
        (0..<c).map { $0 == t ? delta / 2 : -delta / 2 }
    }

    /// One row of the point's certificate (C × N, row j proves the bound of e_j − e_t).
    func certificateRows() throws -> [Double] {
        try honest.certificates[c0].multipliers.dense(path: "honest")
    }

    /// The dual problem of the claimed row (label y₀ against the target) on the point's region.
    func claimProblem(target t: Int? = nil) throws -> DualProblem {
        var v = [Double](repeating: 0, count: c)
        v[y0] = 1
        v[t ?? t0] = -1
        return DualProblem(network: network, box: network.input.box, patterns: [try pattern(x0)], cotangents: v, count: 1)
    }
}

/// Rewrites the value at `path` inside `value`; an absent key is appended (transform gets nil),
/// a nil result removes the member.
func rewrite(_ value: JSONValue, _ path: [JSONPathComponent], _ transform: (JSONValue?) -> JSONValue?) -> JSONValue {
    value.rewriting(path, transform)
}

func number(_ value: Double) -> JSONValue { .number(JSONNumber(literal: "\(value)", value: value)) }

/// Double-double arithmetic (about 106 bits), to know the real sign of a margin that Float64
/// evaluation gets wrong.
struct DoubleDouble {
    var hi: Double
    var lo: Double
    init(_ hi: Double, _ lo: Double = 0) {
        let s = hi + lo
        self.lo = lo - (s - hi)
        self.hi = s
    }

    static func + (a: DoubleDouble, b: DoubleDouble) -> DoubleDouble {
        let s = a.hi + b.hi, bb = s - a.hi
        let e = (a.hi - (s - bb)) + (b.hi - bb)
        return DoubleDouble(s, e + a.lo + b.lo)
    }

    static prefix func - (a: DoubleDouble) -> DoubleDouble { DoubleDouble(-a.hi, -a.lo) }
    static func - (a: DoubleDouble, b: DoubleDouble) -> DoubleDouble { a + (-b) }

    /// w · a with the product's rounding error kept (fused multiply-add).
    static func product(_ w: Double, _ a: DoubleDouble) -> DoubleDouble {
        let p = w * a.hi
        return DoubleDouble(p, (-p).addingProduct(w, a.hi) + w * a.lo)
    }

    var isNegative: Bool { hi < 0 || (hi == 0 && lo < 0) }
}

extension AdversarialCorpus {
    /// The logits at x in double-double, with the point's own activation pattern.
    func accurateLogits(_ x: [Double]) throws -> [DoubleDouble] {
        let pattern = try self.pattern(x)
        var a = x.map { DoubleDouble($0) }
        var offset = 0
        for (l, layer) in network.layers.enumerated() {
            var z = [DoubleDouble]()
            for o in 0..<layer.outputs {
                var s = DoubleDouble(layer.bias[o])
                for i in 0..<layer.inputs { s = s + DoubleDouble.product(layer.weights[o * layer.inputs + i], a[i]) }
                z.append(s)
            }
            if l < network.layers.count - 1 {
                for o in z.indices where !pattern[offset + o] { z[o] = DoubleDouble(0) }
                offset += layer.outputs
            }
            a = z
        }
        return a
    }

    /// The logits at x evaluated in Float32 arithmetic, as an owner's float32 inference does.
    func float32Logits(_ x: [Double]) -> [Float] {
        var a = x.map { Float($0) }
        for (l, layer) in network.layers.enumerated() {
            var z = [Float]()
            for o in 0..<layer.outputs {
                var s = Float(layer.bias[o])
                for i in 0..<layer.inputs { s += Float(layer.weights[o * layer.inputs + i]) * a[i] }
                z.append(l < network.layers.count - 1 ? max(0, s) : s)
            }
            a = z
        }
        return a
    }

    /// A one-point request for x (label y): the honest file reduced to one point whose patch
    /// (target t, offsets d, K = ‖d‖∞, the point's own region) has no certificate. For C0 attacks.
    func onePointFile(x: [Double], label y: Int, target t: Int, offset d: [Double]) throws -> PatchFile {
        try edited { f in
            var point = f.points[0], patch = f.patches[p0]
            point.index = 0
            point.patch = 0
            point.member = 0
            point.commitment = try ForgetCommitment.digest(requestID: f.request.id, index: 0, features: x, label: y)
            patch.target = t
            patch.offset = d
            patch.bound = Patch.requiredBound(offset: d, linear: nil, box: network.input.box)
            patch.members = try members([try pattern(x)])
            f.points = [point]
            f.patches = [patch]
            f.certificates = []
            f.request.count = 1
        }
    }
}
