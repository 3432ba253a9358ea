import CClp

/// Owns one CLP model for the duration of a solve and deletes it afterwards. Logging is
/// switched off at creation: CLP otherwise prints progress to stdout, which would corrupt
/// prune's own output.
final class ClpModel {
    let handle: UnsafeMutableRawPointer

    init() throws(LPError) {
        guard let handle = Clp_newModel() else {
            throw .solverError(detail: "CLP could not create a model")
        }
        self.handle = handle
        Clp_setLogLevel(handle, 0)
    }

    deinit {
        Clp_deleteModel(handle)
    }

    /// Copies `count` doubles from a CLP-owned array; a missing array is a solver failure.
    func copyArray(_ array: UnsafePointer<Double>?, count: Int, name: String) throws(LPError) -> [Double] {
        if count == 0 { return [] }
        guard let array else { throw .solverError(detail: "CLP returned no \(name)") }
        return Array(UnsafeBufferPointer(start: array, count: count))
    }
}
