import Foundation
import PruneCore
import PruneModel
import PruneRepair

extension PatchFile {
    /// The patch file of an unlearning run on `network` (whose file has SHA-256 `modelDigest`).
    /// `rawPoints` and `labels` are the whole forget request as read from the data file. With
    /// `part`, the run forgot only those rows of it (its point indices count from
    /// `part.first`); the commitments still name each point's row in the whole request.
    public init(result: UnlearningResult, network: Network, modelDigest: String, requestID: String,
                rawPoints: [Double], labels: [Int], part: Part? = nil) throws {
        let first = part?.first ?? 0
        if let part {
            guard part.isSlice(of: labels.count) else {
                throw PatchFileError.requestMismatch("part \(part.first)..<\(part.first + part.count) is not inside 0..<\(labels.count)")
            }
            guard result.points.count == part.count else {
                throw PatchFileError.requestMismatch("the run forgot \(result.points.count) points, the part has \(part.count)")
            }
        }
        let m = network.inputCount, n = network.hiddenCount, c = network.outputCount
        let config = result.configuration
        var gammaPolicy = "calibrated", safety: Double? = nil, fixed: Double? = nil
        switch config.gamma {
        case .calibrated(let s): safety = s
        case .fixed(let g): gammaPolicy = "fixed"; fixed = g
        }
        let words = (n + 63) / 64
        var patchEntries = [PatchEntry]()
        for (k, patch) in result.patches.enumerated() {
            let choice = result.gammas.first { $0.patch == k }
            patchEntries.append(PatchEntry(
                target: patch.target, gamma: patch.gamma, bound: patch.bound, offset: patch.offset,
                members: try PatchTensor(u64: patch.members.flatMap(\.words), shape: [patch.members.count, words]),
                closingGamma: choice?.closing, referenceInside: choice?.referenceInside.count ?? 0,
                gateLayers: patch.gateLayers))
        }
        var certificateEntries = [CertificateEntry]()
        for certificate in result.certificates {
            let members = result.patches[certificate.patch].members
            guard let member = members.firstIndex(of: certificate.certificate.pattern) else {
                throw PatchFileError.invalid("certificate of a region that is not a member of patch \(certificate.patch)")
            }
            var interference = [InterferenceEntry]()
            for (other, treatment) in certificate.interference.sorted(by: { $0.key < $1.key }) {
                switch treatment {
                case .shared: interference.append(InterferenceEntry(patch: other, treatment: "shared"))
                case .absorbed: interference.append(InterferenceEntry(patch: other, treatment: "absorbed"))
                case .harmless: break
                case .gateClosed(let lower, let ys, let ws):
                    interference.append(InterferenceEntry(
                        patch: other, treatment: "gate-closed", lowerBounds: lower,
                        multipliers: try SparseMatrix(dense: ys.flatMap { $0 }, shape: [ys.count, n]),
                        weights: try ws.map { try SparseMatrix(dense: $0.flatMap { $0 }, shape: [$0.count, n]) }))
                }
            }
            certificateEntries.append(CertificateEntry(
                patch: certificate.patch, member: member, bounds: certificate.certificate.bounds,
                patchedBound: certificate.patchedBound,
                multipliers: try SparseMatrix(dense: certificate.certificate.multipliers, shape: [c, n]),
                interference: interference))
        }
        let points = try result.points.map { p in
            let row = first + p.index
            return Point(index: row,
                  commitment: try ForgetCommitment.digest(requestID: requestID, index: row,
                                                          features: rawPoints[(row * m)..<((row + 1) * m)], label: labels[row]),
                  patch: p.patch, member: p.patch.flatMap { result.patches[$0].members.firstIndex(of: p.pattern) },
                  claim: p.claim.rawValue, margin: p.margin)
        }
        self.init(
            format: result.patches.contains { $0.gateLayers != nil } ? Self.gateLayersFormatName : Self.formatName,
            generator: Generator(name: "prune", version: PruneVersion.string),
            model: ModelBinding(
                sha256: modelDigest, inputShape: network.input.shape, featureCount: network.featureCount, classes: c,
                hiddenWidths: network.hiddenWidths,
                boxLower: try PatchTensor(f64: network.input.box.lower, shape: [m]),
                boxUpper: try PatchTensor(f64: network.input.box.upper, shape: [m]),
                preprocessingMean: network.input.preprocessing.mean, preprocessingStd: network.input.preprocessing.std,
                patchedLayer: "logits, over the dense head's input", tieRule: ActivationPattern.tieRule, numerics: "float64"),
            settings: Settings(
                margin: config.margin, certify: config.certify.rawValue, bounds: config.bounds.rawValue,
                target: config.target.rawValue, gammaPolicy: gammaPolicy, gammaSafety: safety, gammaFixed: fixed,
                defaultGamma: config.defaultGamma, clusters: config.clusters, maxRounds: config.maxRounds,
                rounds: result.rounds, seed: config.seed, fastSteps: config.fastSteps),
            request: Request(id: requestID, count: labels.count, commitment: ForgetCommitment.domain, part: part),
            points: points, patches: patchEntries, certificates: certificateEntries)
    }

    /// The claims' frame, checked before any point is audited: τ is a positive finite number,
    /// and the points are the request's (or its part's), each index of it exactly once. The
    /// parts of a request are separate bundles; the audit marks every row that no bundle of
    /// the chain names NOT_COVERED, so a missing part cannot pass.
    public func checkRequest() throws {
        guard settings.margin > 0, settings.margin.isFinite else { throw PatchFileError.nonPositiveMargin(settings.margin) }
        guard request.count >= 0 else { throw PatchFileError.requestMismatch("request.count is \(request.count)") }
        let rows: Range<Int>
        if let part = request.part {
            guard part.isSlice(of: request.count) else {
                throw PatchFileError.requestMismatch("part first \(part.first), count \(part.count) is not a non-empty slice of 0..<\(request.count)")
            }
            rows = part.rows
        } else {
            rows = 0..<request.count
        }
        guard points.count == rows.count else {
            throw PatchFileError.requestMismatch("\(request.part == nil ? "request" : "part").count is \(rows.count), \(points.count) points are listed")
        }
        var seen = Set<Int>()
        for (i, point) in points.enumerated() {
            guard rows.contains(point.index) else {
                throw PatchFileError.requestMismatch("points[\(i)].index \(point.index) is outside \(rows.lowerBound)..<\(rows.upperBound)")
            }
            guard seen.insert(point.index).inserted else {
                throw PatchFileError.requestMismatch("points[\(i)] repeats index \(point.index)")
            }
        }
    }

    /// Deterministic JSON: sorted keys, no insignificant whitespace beyond pretty-printing.
    public func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self) + Data("\n".utf8)
    }

    /// Largest patch file read from disk (checked before reading it).
    public static let maximumFileBytes = 256 << 20

    /// Reads a patch file (at most `maximumFileBytes`).
    public static func load(path: String) throws -> PatchFile {
        let data = try FileOutput.readSmallFile(path, limit: maximumFileBytes)
        do {
            return try decode(data)
        } catch {
            throw FileError(path: path, error)
        }
    }

    /// Decodes patch-file JSON already in memory. `field` names where the JSON came from inside
    /// a larger document (`predicate.patches`), for the message. Tensors are not inflated here:
    /// `checkTensors` and `decodePatches` do that.
    public static func decode(_ data: Data, field: String? = nil) throws(PatchFileError) -> PatchFile {
        let file: PatchFile
        do {
            file = try JSONDecoder().decode(PatchFile.self, from: data)
        } catch {
            throw .invalid("\(field.map { "\($0) is " } ?? "")not a prune patch file: \(error)")
        }
        guard formatNames.contains(file.format) else { throw .unsupportedFormat(file.format) }
        return file
    }

    /// The patches, checked against `network` (sizes, finiteness, bit patterns).
    public func decodePatches(for network: Network) throws -> [Patch] {
        guard model.classes == network.outputCount, model.hiddenWidths == network.hiddenWidths,
              model.featureCount == network.featureCount else {
            throw PatchFileError.invalid("patches are for a network with \(model.classes) classes and hidden widths \(model.hiddenWidths)")
        }
        // The box and preprocessing the file declares are the model's own, bit for bit.
        let box = network.input.box, pre = network.input.preprocessing
        guard try model.boxLower.f64(path: "model.boxLower").map(\.bitPattern) == box.lower.map(\.bitPattern),
              try model.boxUpper.f64(path: "model.boxUpper").map(\.bitPattern) == box.upper.map(\.bitPattern),
              model.preprocessingMean.map(\.bitPattern) == pre.mean.map(\.bitPattern),
              model.preprocessingStd.map(\.bitPattern) == pre.std.map(\.bitPattern) else {
            throw PatchFileError.invalid("the input box or preprocessing the file declares is not the model's")
        }
        let words = (network.hiddenCount + 63) / 64
        return try patches.enumerated().map { k, entry in
            let path = "patches[\(k)]"
            guard entry.offset.count == network.outputCount, entry.offset.allSatisfy(\.isFinite),
                  entry.gamma > 0, entry.gamma.isFinite, entry.bound >= 0, entry.bound.isFinite,
                  (0..<network.outputCount).contains(entry.target) else {
                throw PatchFileError.invalid("\(path) has an offset of the wrong size, a non-finite value, γ ≤ 0, K < 0 or a bad target")
            }
            // Without hidden neurons (words = 0) every pattern is the empty one: one member at most,
            // or a tiny tensor could declare a loop over billions of empty members.
            guard entry.members.shape.count == 2, entry.members.shape[1] == words, entry.members.shape[0] > 0,
                  words > 0 || entry.members.shape[0] == 1 else {
                throw PatchFileError.tensor(path + ".members", "shape \(entry.members.shape), expected [members, \(words)]")
            }
            if let layers = entry.gateLayers {
                guard format == Self.gateLayersFormatName else {
                    throw PatchFileError.invalid("\(path).gateLayers needs format \(Self.gateLayersFormatName), the file says \(format)")
                }
                guard layers >= 1, layers <= network.hiddenWidths.count else {
                    throw PatchFileError.invalid("\(path).gateLayers is \(layers), the network has \(network.hiddenWidths.count) hidden layers")
                }
            }
            let all = try entry.members.u64(path: path + ".members")
            var members = [ActivationPattern]()
            for i in 0..<entry.members.shape[0] {
                do {
                    members.append(try ActivationPattern(layerWidths: network.hiddenWidths, words: Array(all[(i * words)..<((i + 1) * words)])))
                } catch {
                    throw PatchFileError.tensor(path + ".members", "\(error)")
                }
            }
            return Patch(members: members, gamma: entry.gamma, offset: entry.offset, bound: entry.bound, target: entry.target,
                         gateLayers: entry.gateLayers)
        }
    }
}
