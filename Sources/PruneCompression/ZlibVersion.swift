import CZlib

/// The zlib library prune is running against. Compressed bytes differ across zlib versions,
/// so reports record this for diagnostics and never hash compressed bytes.
public enum ZlibLibrary {
    public static var version: String { String(cString: zlibVersion()) }
}
