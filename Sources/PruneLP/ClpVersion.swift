import CClp

/// The COIN-OR CLP library that solves prune's linear programs.
public enum ClpLibrary {
    public static var version: String { String(cString: Clp_Version()) }
}
