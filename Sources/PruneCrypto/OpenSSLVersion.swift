import COpenSSL

/// The OpenSSL library prune is running against, recorded in reports for diagnostics.
public enum OpenSSLLibrary {
    public static var version: String { String(cString: OpenSSL_version(OPENSSL_VERSION)) }
}
