/// A 2-D convolution on a [C, H, W] tensor (ONNX Conv with group 1 and dilation 1).
/// Weights are [outChannels, inChannels, kernelHeight, kernelWidth], row-major.
public struct Convolution2D: Sendable, Equatable {
    public let outChannels: Int
    public let inChannels: Int
    public let kernel: (height: Int, width: Int)
    public let strides: (height: Int, width: Int)
    /// Zero padding: top, left, bottom, right.
    public let pads: [Int]
    public let weights: [Double]
    public let bias: [Double]

    public init(outChannels: Int, inChannels: Int, kernel: (height: Int, width: Int),
                strides: (height: Int, width: Int) = (1, 1), pads: [Int] = [0, 0, 0, 0],
                weights: [Double], bias: [Double]) throws(ModelError) {
        guard outChannels > 0, inChannels > 0, kernel.height > 0, kernel.width > 0,
              strides.height > 0, strides.width > 0, pads.count == 4, pads.allSatisfy({ $0 >= 0 }) else {
            throw .invalidNetwork(detail: "convolution with non-positive sizes, strides or negative pads")
        }
        guard weights.count == outChannels * inChannels * kernel.height * kernel.width, bias.count == outChannels else {
            throw .shapeMismatch(detail: "convolution [\(outChannels), \(inChannels), \(kernel.height), \(kernel.width)] given \(weights.count) weights and \(bias.count) biases")
        }
        if weights.contains(where: { !$0.isFinite }) || bias.contains(where: { !$0.isFinite }) {
            throw .nonFinite(detail: "convolution weights or bias")
        }
        self.outChannels = outChannels
        self.inChannels = inChannels
        self.kernel = kernel
        self.strides = strides
        self.pads = pads
        self.weights = weights
        self.bias = bias
    }

    public static func == (a: Convolution2D, b: Convolution2D) -> Bool {
        a.outChannels == b.outChannels && a.inChannels == b.inChannels && a.kernel == b.kernel
            && a.strides == b.strides && a.pads == b.pads && a.weights == b.weights && a.bias == b.bias
    }
}

/// Max or average pooling on a [C, H, W] tensor. Padding counts as −∞ for max pooling and is
/// excluded from the divisor of average pooling (ONNX count_include_pad = 0) unless asked.
public struct Pooling2D: Sendable, Equatable {
    public enum Kind: String, Sendable { case max, average }
    public let kind: Kind
    public let kernel: (height: Int, width: Int)
    public let strides: (height: Int, width: Int)
    public let pads: [Int]
    public let countIncludePad: Bool

    public init(kind: Kind, kernel: (height: Int, width: Int), strides: (height: Int, width: Int),
                pads: [Int] = [0, 0, 0, 0], countIncludePad: Bool = false) throws(ModelError) {
        guard kernel.height > 0, kernel.width > 0, strides.height > 0, strides.width > 0,
              pads.count == 4, pads.allSatisfy({ $0 >= 0 }),
              pads[0] < kernel.height, pads[2] < kernel.height, pads[1] < kernel.width, pads[3] < kernel.width else {
            throw .invalidNetwork(detail: "pooling with non-positive sizes or pads not smaller than the kernel")
        }
        self.kind = kind
        self.kernel = kernel
        self.strides = strides
        self.pads = pads
        self.countIncludePad = countIncludePad
    }

    public static func == (a: Pooling2D, b: Pooling2D) -> Bool {
        a.kind == b.kind && a.kernel == b.kernel && a.strides == b.strides && a.pads == b.pads
            && a.countIncludePad == b.countIncludePad
    }
}

/// One step of a fixed feature extractor in front of the dense head (CNNs).
public enum FeatureLayer: Sendable, Equatable {
    case convolution(Convolution2D)
    case pooling(Pooling2D)
    case relu
    /// Reinterprets the row-major data with a new shape of the same size (Flatten, Reshape).
    case reshape([Int])
}

/// The fixed part of a network before its dense ReLU head: patches act on its output, the
/// feature vector, so regions and claims of a CNN are statements about feature vectors.
/// An empty extractor is the identity (a plain MLP).
public struct FeatureExtractor: Sendable, Equatable {
    public let inputShape: [Int]
    public let layers: [FeatureLayer]
    /// Shape after every layer; the last is the feature shape.
    public let shapes: [[Int]]

    public init(inputShape: [Int], layers: [FeatureLayer] = []) throws(ModelError) {
        var shapes = [inputShape]
        var shape = inputShape
        for (index, layer) in layers.enumerated() {
            shape = try Self.outputShape(of: layer, input: shape, index: index)
            shapes.append(shape)
        }
        self.inputShape = inputShape
        self.layers = layers
        self.shapes = shapes
    }

    public var isIdentity: Bool { layers.isEmpty }
    public var outputShape: [Int] { shapes.last! }
    public var outputCount: Int { outputShape.reduce(1, *) }
    public var inputCount: Int { inputShape.reduce(1, *) }

    /// Conv and pooling output size along one axis, ONNX's floor rule.
    static func spatial(_ size: Int, kernel: Int, stride: Int, padBegin: Int, padEnd: Int) -> Int {
        let span = size + padBegin + padEnd - kernel
        return span < 0 ? 0 : span / stride + 1
    }

    private static func outputShape(of layer: FeatureLayer, input: [Int], index: Int) throws(ModelError) -> [Int] {
        switch layer {
        case .relu:
            return input
        case .reshape(let shape):
            guard shape.allSatisfy({ $0 > 0 }), shape.reduce(1, *) == input.reduce(1, *) else {
                throw .shapeMismatch(detail: "feature layer \(index): reshape \(input) to \(shape)")
            }
            return shape
        case .convolution(let c):
            guard input.count == 3, input[0] == c.inChannels else {
                throw .shapeMismatch(detail: "feature layer \(index): convolution over \(c.inChannels) channels applied to shape \(input)")
            }
            let h = spatial(input[1], kernel: c.kernel.height, stride: c.strides.height, padBegin: c.pads[0], padEnd: c.pads[2])
            let w = spatial(input[2], kernel: c.kernel.width, stride: c.strides.width, padBegin: c.pads[1], padEnd: c.pads[3])
            guard h > 0, w > 0 else { throw .shapeMismatch(detail: "feature layer \(index): convolution output is empty") }
            return [c.outChannels, h, w]
        case .pooling(let p):
            guard input.count == 3 else {
                throw .shapeMismatch(detail: "feature layer \(index): pooling applied to shape \(input)")
            }
            let h = spatial(input[1], kernel: p.kernel.height, stride: p.strides.height, padBegin: p.pads[0], padEnd: p.pads[2])
            let w = spatial(input[2], kernel: p.kernel.width, stride: p.strides.width, padBegin: p.pads[1], padEnd: p.pads[3])
            guard h > 0, w > 0 else { throw .shapeMismatch(detail: "feature layer \(index): pooling output is empty") }
            return [input[0], h, w]
        }
    }

    /// Maps one sample (row-major, `inputCount` values) to its feature vector.
    public func features(of sample: ArraySlice<Double>) -> [Double] {
        var x = Array(sample)
        for (index, layer) in layers.enumerated() {
            let input = shapes[index], output = shapes[index + 1]
            switch layer {
            case .relu:
                for i in x.indices where !(x[i] > 0) { x[i] = 0 }
            case .reshape:
                break
            case .convolution(let c):
                x = Self.convolve(x, input: input, output: output, c)
            case .pooling(let p):
                x = Self.pool(x, input: input, output: output, p)
            }
        }
        return x
    }

    private static func convolve(_ x: [Double], input: [Int], output: [Int], _ c: Convolution2D) -> [Double] {
        let (cin, h, w) = (input[0], input[1], input[2])
        let (oh, ow) = (output[1], output[2])
        let (kh, kw) = c.kernel
        var y = [Double](repeating: 0, count: c.outChannels * oh * ow)
        for m in 0..<c.outChannels {
            for oy in 0..<oh {
                for ox in 0..<ow {
                    var sum = c.bias[m]
                    for ch in 0..<cin {
                        for ky in 0..<kh {
                            let iy = oy * c.strides.height + ky - c.pads[0]
                            if iy < 0 || iy >= h { continue }
                            for kx in 0..<kw {
                                let ix = ox * c.strides.width + kx - c.pads[1]
                                if ix < 0 || ix >= w { continue }
                                sum += c.weights[((m * cin + ch) * kh + ky) * kw + kx] * x[(ch * h + iy) * w + ix]
                            }
                        }
                    }
                    y[(m * oh + oy) * ow + ox] = sum
                }
            }
        }
        return y
    }

    private static func pool(_ x: [Double], input: [Int], output: [Int], _ p: Pooling2D) -> [Double] {
        let (channels, h, w) = (input[0], input[1], input[2])
        let (oh, ow) = (output[1], output[2])
        var y = [Double](repeating: 0, count: channels * oh * ow)
        for ch in 0..<channels {
            for oy in 0..<oh {
                for ox in 0..<ow {
                    var best = -Double.infinity, sum = 0.0, n = 0, padded = 0
                    for ky in 0..<p.kernel.height {
                        let iy = oy * p.strides.height + ky - p.pads[0]
                        for kx in 0..<p.kernel.width {
                            let ix = ox * p.strides.width + kx - p.pads[1]
                            guard iy >= 0, iy < h, ix >= 0, ix < w else {
                                if iy < h + p.pads[2] && ix < w + p.pads[3] { padded += 1 }
                                continue
                            }
                            let v = x[(ch * h + iy) * w + ix]
                            best = max(best, v)
                            sum += v
                            n += 1
                        }
                    }
                    let divisor = p.countIncludePad ? n + padded : n
                    y[(ch * oh + oy) * ow + ox] = p.kind == .max ? best : sum / Double(divisor)
                }
            }
        }
        return y
    }
}
